#!/usr/bin/env bash
# The run step of action.yml: builds the agno-check command line from the INPUT_* variables and exits with
# agno-check's exit code. agno-check itself appends the Markdown report to $GITHUB_STEP_SUMMARY and prints
# ::error/::warning annotations when GITHUB_ACTIONS=true. $AGNO_CHECK overrides the command (tests).
set -uo pipefail

command="${INPUT_COMMAND:-readiness}"
case "$command" in
  readiness | load) ;;
  *)
    echo "::error title=agno-check::input 'command' must be readiness or load, not '${command}'"
    exit 2
    ;;
esac

args=("$command")
if [ -n "${INPUT_TARGET:-}" ]; then
  args+=("$INPUT_TARGET")
fi
if [ -n "${INPUT_FAIL_ON:-}" ]; then
  if [ "$command" = readiness ]; then
    args+=(--fail-on "$INPUT_FAIL_ON")
  else
    echo "::warning title=agno-check::input 'fail-on' applies to readiness only; load gates on its --slo"
  fi
fi
if [ -n "${INPUT_SARIF:-}" ]; then
  if [ "$command" = readiness ]; then
    args+=(--sarif "$INPUT_SARIF")
  else
    echo "::warning title=agno-check::input 'sarif' applies to readiness only"
  fi
fi
# the 'args' input, split as a shell would split it (quotes respected), without eval
extra=()
if [ -n "${INPUT_ARGS:-}" ]; then
  split='import os, shlex, sys; sys.stdout.write("\0".join(shlex.split(os.environ["INPUT_ARGS"])))'
  if ! python -c "$split" > /dev/null 2>&1; then
    echo "::error title=agno-check::input 'args' cannot be split like a command line (an unclosed quote?)"
    exit 2
  fi
  mapfile -d '' extra < <(python -c "$split")
fi
if [ -n "${INPUT_TOKEN:-}" ]; then
  export AGNO_CHECK_TOKEN="$INPUT_TOKEN"  # the token never appears in a process listing or the log
fi

read -r -a runner <<< "${AGNO_CHECK:-agno-check}"
"${runner[@]}" "${args[@]}" "${extra[@]}"
code=$?

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=${code}"
    echo "sarif=${INPUT_SARIF:-}"
  } >> "$GITHUB_OUTPUT"
fi
exit "$code"

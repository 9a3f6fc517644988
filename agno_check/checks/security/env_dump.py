"""security.env_dump: the container does not print its environment (every key and password) at start."""

from __future__ import annotations

import re

from agno_check.checks._deployment import deployment_check, judged_text, project_of, unreadable, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.model import Finding, Project
from agno_check.project.secrets import mask

DUMPS = (re.compile(r"(^|[\s;&|(`])printenv(\s|$|[;&|)`])"), re.compile(r"(^|[\s;&|(`])env\s*($|[|>;&)`])"),
         re.compile(r"(^|[\s;&|])set\s+-[a-wyz]*x"), re.compile(r"(^|[\s;&|])set\s+-o\s+xtrace"),
         re.compile(r"(^|[\s;&|])(export|declare)\s+-p(\s|$)"), re.compile(r"^#!\S*\s+-\w*x"))
#: a dump piped into something that keeps only the names (``env | cut -d= -f1``) prints no value
NAMES_ONLY = re.compile(r"(printenv|env)\s*\|\s*(cut\s+-d\s*['\"]?=['\"]?\s*-f\s*1\b|sed\s+['\"]?s/=\.\*//|"
                        r"awk\s+-F\s*['\"]?=['\"]?\s+['\"]?\{\s*print\s+\$1)")
GUARD = re.compile(r"^\s*(if|elif)\b.*?\$\{?([A-Za-z_][A-Za-z0-9_]*)")
TRUE = frozenset({"true", "1", "yes", "on"})


def _guard_of(lines: list[str], index: int) -> str | None:
    """The variable of the innermost ``if`` around line ``index`` (shell ``if ... fi`` nesting), or None."""
    depth = 0
    for back in range(index - 1, -1, -1):
        text = lines[back].strip()
        if re.match(r"^fi\b", text):
            depth += 1
        elif re.match(r"^if\b", text):
            if depth == 0:
                match = GUARD.match(text)
                return match.group(2) if match else None
            depth -= 1
    return None


def _deployed_value(project: Project, name: str) -> tuple[str, str] | None:
    """Where the deployment sets ``name`` to a true value: ("compose.yaml:31", value), or None."""
    places: list[tuple[str, str]] = []
    if project.compose is not None:
        for service in project.compose.services:
            if not service.dev_reason:
                places += [(f"{project.compose.rel}:{line}", v or "") for n, v, line in service.environment()
                           if n == name]
    for dockerfile in project.deployed_dockerfiles:
        envs = dockerfile.final_envs()
        if name in envs:
            value, line = envs[name]
            places.append((f"{dockerfile.rel}:{line}", value))
    for workload in project.workloads:
        for container in workload.containers:
            places += [(f"{workload.rel}:{line}", v or "") for n, v, line in container.environment() if n == name]
    return next(((w, v) for w, v in places if v.strip().strip("'\"").lower() in TRUE), None)


@deployment_check(id="security.env_dump", severity="high", title="The container does not print its environment")
async def env_dump(ctx: CheckContext) -> Outcome:
    """What it checks: the entrypoint scripts the deployed image, compose services and manifests start with, and
    their start commands, for ``printenv``, a bare ``env``, ``export -p``, ``set -x`` / ``set -o xtrace`` or a
    ``#!/bin/bash -x`` shebang. A dump guarded by a variable (agno's template: ``if [[ "$PRINT_ENV_ON_LOAD" = true
    ]]; then printenv``) fails when the deployment sets that variable true (the detail names where), and warns
    when it does not. Equivalent: none in hadolint, checkov, trivy, KICS or kube-score; trivy's secret scanner
    finds the leaked values only after they are in a log.

    Why it matters: the container's environment holds the model provider's key, the database password and
    the security key; printing it puts them in the log pipeline, the platform's log viewer and anyone's
    ``docker logs``, where they stay.

    How to fix: Delete the ``printenv`` block (and ``set -x``) from the entrypoint; to see the configuration at
    start, log the names of the variables set (``env | cut -d= -f1``), never their values; and do not set
    ``PRINT_ENV_ON_LOAD`` in the deployed compose file or manifest.
    """
    project = project_of(ctx)
    findings: list[Finding] = []
    guarded: list[Finding] = []
    commands: list[tuple[str, int, str]] = []
    for dockerfile in project.deployed_dockerfiles:
        commands += [(dockerfile.rel, i.line, i.value) for i in dockerfile.start_command()]
    if project.compose is not None:
        for service in project.compose.services:
            if not service.dev_reason:
                commands += [(project.compose.rel, service.line_of(key), service.command_text(key))
                             for key in ("entrypoint", "command") if service.command_text(key)]
    for file, line, text in commands:
        if any(p.search(text) for p in DUMPS[:5]):
            findings.append(Finding(file, line, f"the start command prints the environment: {mask(text)[:80]}"))
    for script in project.scripts:
        for index, text in enumerate(script.lines):
            body = text.split(" #", 1)[0]
            if index > 0 and body.lstrip().startswith("#"):
                continue
            if not any(p.search(body) for p in DUMPS) or NAMES_ONLY.search(body):
                continue
            what = f"{mask(body.strip())[:60]} at start (named by {script.named_by})"
            guard = _guard_of(script.lines, index)
            if guard is None:
                findings.append(Finding(script.rel, index + 1, f"prints the environment: {what}"))
                continue
            deployed = _deployed_value(project, guard)
            if deployed:
                findings.append(Finding(script.rel, index + 1, f"prints the environment: {what}, because {guard}="
                                                               f"{deployed[1]} ({deployed[0]})"))
            else:
                guarded.append(Finding(script.rel, index + 1, f"prints the environment when {guard} is true "
                                                              f"(the deployment does not set it): {what}"))
    if not commands and not project.scripts:
        return skipped("no start command or entrypoint script in the deployed files" + unreadable(project))
    judged = judged_text(project, sorted({c[0] for c in commands} | {s.rel for s in project.scripts}))
    return verdict(findings, bad="fail", warnings=guarded, ok_detail="nothing prints the environment at start",
                   judged=judged)

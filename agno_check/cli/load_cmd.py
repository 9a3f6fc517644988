"""``agno-check load [TARGET]``: a Locust load test of an agent service, with agent metrics and an SLO gate.

Top-level imports are typer and the standard library only: Locust (and gevent's monkey-patching), pydantic and
rich are imported inside the command, after the options are checked and the target answered a probe turn.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from agno_check.cli.protocol_options import with_protocol_options

Opt = typer.Option
Target = "Target and protocol"
Load = "Load model"
Agent = "Agent traffic"
Dist = "Distributed (Locust master/worker)"
Gate = "Report and gate"


@with_protocol_options(Target)
def load(
    target: Annotated[str | None, typer.Argument(
        help="http(s)://host[:port] or host:port (default: target from config or AGNO_CHECK_TARGET).")] = None,
    users: Annotated[str | None, Opt("--users", "-u", help="Concurrent simulated users [default: 10]; with "
                                     "--rate, the cap on turns in flight. A list (1,10,50) is a sweep: each "
                                     "step for --warmup + --duration, one report row per step.",
                                     rich_help_panel=Load)] = None,
    spawn_rate: Annotated[str | None, Opt("--spawn-rate", "-r", help="Users started per second, or 'all' "
                                          "[default: all: every user starts at once, in one batch at t=0, as "
                                          "GuideLLM and AIPerf do; a number N starts N more each second]. The "
                                          "report's start_up says which.", rich_help_panel=Load)] = None,
    duration: Annotated[str | None, Opt("--duration", "-t", help="How long: 60s, 5m, 1h30m [default: 60s].",
                                        rich_help_panel=Load)] = None,
    rate: Annotated[str | None, Opt(help="Open model: start this many turns per second, whatever the "
                                         "latency (arrivals, not users). A list (1,5,10) is a sweep.",
                                    rich_help_panel=Load)] = None,
    warmup: Annotated[str | None, Opt(help="Warm-up before the measured --duration (5s): its requests are sent "
                                           "but left out of every metric and SLO [default: none].",
                                      rich_help_panel=Load)] = None,
    abort_on: Annotated[list[str] | None, Opt(help="Stop early when this holds over the last 5 s, e.g. "
                                                   "error_rate>0.5 (SLO grammar; repeatable): partial report, "
                                                   "exit 1.", rich_help_panel=Load)] = None,
    abort_grace: Annotated[str | None, Opt(help="--abort-on is judged only after this [default: 10s].",
                                           rich_help_panel=Load)] = None,
    stages: Annotated[str | None, Opt(help="Ramps and steps: \"30s:10,60s:50,30s:0\" (linear ramp to each "
                                           "stage's users over its duration).", rich_help_panel=Load)] = None,
    find_max: Annotated[bool, Opt("--find-max", help="Double the users from --users until an --slo breaks; "
                                  "report the highest load that held.", rich_help_panel=Load)] = False,
    max_users: Annotated[int | None, Opt(help="--find-max ceiling [default: 1000].", rich_help_panel=Load)] = None,
    step_duration: Annotated[str | None, Opt(help="--find-max: measured time per step [default: 10s].",
                                             rich_help_panel=Load)] = None,
    stop_timeout: Annotated[str | None, Opt(help="At the end, wait this long for turns in flight "
                                                 "[default: 10s].", rich_help_panel=Load)] = None,
    stream: Annotated[bool, Opt("--stream", help="Stream answers: measures TTFT, inter-token latency, tokens/s.",
                                rich_help_panel=Agent)] = False,
    prompts: Annotated[str | None, Opt(help="Prompts file: text lines or JSONL [default: a small bundled set].",
                                       rich_help_panel=Agent)] = None,
    input_tokens: Annotated[int | None, Opt(help="Synthetic prompts of N words (about N tokens) instead of "
                                                 "--prompts, the same for the same --prompt-seed.",
                                            rich_help_panel=Agent)] = None,
    prompt_seed: Annotated[int | None, Opt(help="Seed of the --input-tokens prompts [default: 0].",
                                           rich_help_panel=Agent)] = None,
    output_tokens: Annotated[int | None, Opt(help="Ask for N output tokens: max_tokens (openai), "
                                                  "max_output_tokens (openai-responses).",
                                             rich_help_panel=Agent)] = None,
    respect_retry_after: Annotated[bool, Opt("--respect-retry-after", help="After a 429 with Retry-After, the "
                                             "user waits that long before its next turn (a real client does); "
                                             "with --rate, arrivals due in that time are not sent (held). "
                                             "Still counted as rate limited.", rich_help_panel=Agent)] = False,
    turns: Annotated[int | None, Opt(help="Turns per session: each user keeps a conversation going "
                                          "[default: 1].", rich_help_panel=Agent)] = None,
    think_time: Annotated[str | None, Opt(help="Pause between a user's turns: 2s or 1-3s [default: none].",
                                          rich_help_panel=Agent)] = None,
    scenario: Annotated[str | None, Opt(help="Run your own Locust file (e.g. scenarios/agentos_chat.py) with "
                                             "agno-check's live view, report and gate.",
                                        rich_help_panel=Agent)] = None,
    token: Annotated[str | None, Opt(help="Bearer token (env AGNO_CHECK_TOKEN). Never printed.",
                                     rich_help_panel=Target)] = None,
    tokens_file: Annotated[str | None, Opt(help="One bearer token per line, spread round robin over the users "
                                                "(per-tenant limits). Never printed.",
                                           rich_help_panel=Target)] = None,
    header: Annotated[list[str] | None, Opt("--header", "-H", help="Extra header NAME:VALUE (repeatable).",
                                            rich_help_panel=Target)] = None,
    timeout: Annotated[float | None, Opt(help="Seconds per turn [default: 30].", rich_help_panel=Target)] = None,
    insecure: Annotated[bool, Opt("--insecure", help="Do not verify TLS certificates.",
                                  rich_help_panel=Target)] = False,
    ca_bundle: Annotated[str | None, Opt(help="CA bundle file for TLS.", rich_help_panel=Target)] = None,
    workers: Annotated[int | None, Opt(help="Local worker processes (one per core is the usual choice).",
                                       rich_help_panel=Dist)] = None,
    master: Annotated[bool, Opt("--master", help="Run as master and wait for remote workers.",
                                rich_help_panel=Dist)] = False,
    expect_workers: Annotated[int | None, Opt(help="--master: workers to wait for [default: 1].",
                                              rich_help_panel=Dist)] = None,
    worker: Annotated[bool, Opt("--worker", help="Run as a worker of a master on another machine.",
                                rich_help_panel=Dist)] = False,
    master_host: Annotated[str | None, Opt(help="--worker: the master's address.", rich_help_panel=Dist)] = None,
    master_port: Annotated[int | None, Opt(help="Master port [default: 5557].", rich_help_panel=Dist)] = None,
    master_bind_host: Annotated[str | None, Opt(help="--master: address to listen on [default: all].",
                                                rich_help_panel=Dist)] = None,
    slo: Annotated[list[str] | None, Opt(help="SLO, e.g. p95<2000, ttft_p95<800, error_rate<0.01, rps>20, "
                                              "tokens_per_s>100, ttst_p95<900, itl_p99<50, goodput>0.95 "
                                              "(repeatable or comma separated).",
                                         rich_help_panel=Gate)] = None,
    goodput: Annotated[str | None, Opt(help="Per-request bounds, e.g. \"ttft<500,latency<2000\" (latency, ttft, "
                                            "ttst, itl; ms or s): the share of requests that succeeded within "
                                            "all of them, and good requests/s.", rich_help_panel=Gate)] = None,
    requests_out: Annotated[str | None, Opt(help="Write one JSON line per request (start_s, latency_ms, ttft_ms, "
                                                 "output_tokens, status, kind, user, session_id) as they finish. "
                                                 "Never credentials.", rich_help_panel=Gate)] = None,
    requests_out_content: Annotated[bool, Opt("--requests-out-content", help="--requests-out also holds each "
                                              "prompt and answer.", rich_help_panel=Gate)] = False,
    baseline: Annotated[str | None, Opt(help="An earlier JSON load report: compare p95, TTFT p95, error rate, "
                                             "req/s; a regression past --max-regression fails the gate.",
                                        rich_help_panel=Gate)] = None,
    max_regression: Annotated[str | None, Opt(help="--baseline bound, e.g. 20% [default: 20%].",
                                              rich_help_panel=Gate)] = None,
    format: Annotated[str | None, Opt(help="rich, json, junit, markdown or html.", rich_help_panel=Gate)] = None,
    output: Annotated[str | None, Opt("--output", "-o", help="Write the report to this file.",
                                      rich_help_panel=Gate)] = None,
    junit: Annotated[str | None, Opt(help="Also write JUnit XML (one testcase per SLO) to this file.",
                                     rich_help_panel=Gate)] = None,
    markdown: Annotated[str | None, Opt(help="Also write Markdown to this file.", rich_help_panel=Gate)] = None,
    html: Annotated[str | None, Opt(help="Also write an HTML report with charts to this file.",
                                    rich_help_panel=Gate)] = None,
    csv: Annotated[str | None, Opt(help="Also write Locust's CSV stats (PREFIX_stats.csv, _stats_history.csv, "
                                        "...).", rich_help_panel=Gate)] = None,
    config: Annotated[str | None, Opt(help="Config file (default: agno-check.toml or pyproject.toml).",
                                      rich_help_panel=Gate)] = None,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="No live view on stderr.", rich_help_panel=Gate)] = False,
    debug: Annotated[bool, Opt("--debug", help="Tracebacks for internal errors; Locust's own log.",
                               rich_help_panel=Gate)] = False,
    **protocol: Any,
) -> int:
    """Load-test an agent with Locust: agent metrics (TTFT, tokens/s, agent-level errors) and an SLO gate.
    Exit 0 passed, 1 an SLO failed, 2 could not run, 130 interrupted (the partial report is still written).

    Metrics (per streamed request, times from the request's start): TTFT = first content token; TTST = second
    content token; ITL = (last token time - first token time) / (output tokens - 1), one value per request, then
    its distribution over requests (mean, p50..p99, max); gap_ms = every raw gap between two content chunks,
    over all requests. Output tokens come from usage when reported, else content chunks. One probe turn is sent
    before the load (reported as probe, not counted in requests)."""
    flags = {k: v for k, v in locals().items() if k != "protocol"} | protocol
    config_path = flags.pop("config")
    for key in ("find_max", "stream", "insecure", "master", "worker", "quiet", "debug", "respect_retry_after",
                "requests_out_content"):
        flags[key] = flags[key] or None
    return run_load_command(flags, config_path)


def run_load_command(flags: dict[str, Any], config_path: str | None) -> int:
    from agno_check.errors import ExitCode
    from agno_check.load.settings import LoadSettings
    from agno_check.settings import load_settings

    settings = load_settings(LoadSettings, flags, "load", config_path)
    assert isinstance(settings, LoadSettings)
    if settings.worker:
        settings.check_combinations()
        from agno_check.load.worker import run_worker

        return run_worker(settings.master_host or "", settings.master_port, settings.scenario, settings.debug,
                          announce=not settings.quiet)

    from agno_check.cli.output import check_outputs, ensure_writable
    from agno_check.load.live import LiveView
    from agno_check.load.run import run_load

    # a bad --format, an unwritable output, or two outputs on one file: exit 2 before traffic
    check_outputs(settings, list(_renderers()), {"requests_out": "requests_out"})
    if settings.csv:
        ensure_writable("--csv", f"{settings.csv}_stats.csv")
    report = run_load(settings, lambda title: LiveView(settings.quiet, title))
    _emit(report, settings)
    if report.interrupted:
        import sys

        sys.stderr.write("agno-check: interrupted; the report covers the run until then\n")
        return ExitCode.INTERRUPTED
    return ExitCode.OK if report.passed else ExitCode.GATE_FAILED


def _renderers() -> dict[str, Any]:
    from agno_check.load.render.html import render_html
    from agno_check.load.render.json import render_json
    from agno_check.load.render.junit import render_junit
    from agno_check.load.render.markdown import render_markdown

    return {"json": render_json, "junit": render_junit, "markdown": render_markdown, "html": render_html}


def _emit(report: Any, settings: Any) -> None:
    from agno_check.cli.ci_env import publish
    from agno_check.cli.output import emit
    from agno_check.load.render.markdown import render_markdown
    from agno_check.load.render.terminal import render_terminal
    from agno_check.report.github import load_annotations

    emit(report, settings, _renderers(), render_terminal)  # --html FILE is one of emit's extra outputs
    publish(report, render_markdown, load_annotations)


def register(app: typer.Typer) -> None:
    app.command("load")(load)

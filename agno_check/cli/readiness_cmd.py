"""``agno-check readiness TARGET``: the checklist against a live URL or an in-process agent, scored and gated."""

from __future__ import annotations

from typing import Annotated, Any

import typer

Opt = typer.Option
Common = "Target and protocol"
Gate = "Report and gate"
Checks = "Checks"


def readiness(
    target: Annotated[str | None, typer.Argument(
        help="http(s)://host[:port], host:port, package.module:agent or path/to/file.py:agent.")] = None,
    profile: Annotated[str | None, Opt(help="auto, agentos, openai or json.", rich_help_panel=Common)] = None,
    agent_id: Annotated[str | None, Opt(help="AgentOS agent id (default: the first of GET /agents).",
                                        rich_help_panel=Common)] = None,
    model: Annotated[str | None, Opt(help="Model name for the openai profile.", rich_help_panel=Common)] = None,
    endpoint: Annotated[str | None, Opt(help="Path of the json profile's endpoint (default /query).",
                                        rich_help_panel=Common)] = None,
    message_field: Annotated[str | None, Opt(help="json profile: request field of the message.",
                                             rich_help_panel=Common)] = None,
    session_field: Annotated[str | None, Opt(help="json profile: request field of the session id.",
                                             rich_help_panel=Common)] = None,
    response_field: Annotated[str | None, Opt(help="json profile: response field of the answer.",
                                              rich_help_panel=Common)] = None,
    token: Annotated[str | None, Opt(help="Bearer token (env AGNO_CHECK_TOKEN). Never printed.",
                                     rich_help_panel=Common)] = None,
    token_b: Annotated[str | None, Opt(help="A second user's token, for security.user_isolation.",
                                       rich_help_panel=Common)] = None,
    header: Annotated[list[str] | None, Opt("--header", "-H", help="Extra header NAME:VALUE (repeatable).",
                                            rich_help_panel=Common)] = None,
    timeout: Annotated[float | None, Opt(help="Seconds per request [default: 30].", rich_help_panel=Common)] = None,
    insecure: Annotated[bool, Opt("--insecure", help="Do not verify TLS certificates.",
                                  rich_help_panel=Common)] = False,
    ca_bundle: Annotated[str | None, Opt(help="CA bundle file for TLS.", rich_help_panel=Common)] = None,
    message: Annotated[str | None, Opt(help="The message sent in ordinary runs.", rich_help_panel=Common)] = None,
    max_time: Annotated[float | None, Opt(help="Seconds for the whole run [default: 300].",
                                          rich_help_panel=Checks)] = None,
    samples: Annotated[int | None, Opt(help="Sequential runs for latency/TTFT [default: 10].",
                                       rich_help_panel=Checks)] = None,
    concurrency: Annotated[int | None, Opt(help="Concurrent runs for performance.concurrency [default: 10].",
                                           rich_help_panel=Checks)] = None,
    slo: Annotated[list[str] | None, Opt(help="SLO, e.g. p95<5000 or ttft_p95<2000 (repeatable).",
                                         rich_help_panel=Checks)] = None,
    only: Annotated[list[str] | None, Opt(help="Run only these check ids or categories (repeatable).",
                                          rich_help_panel=Checks)] = None,
    skip: Annotated[list[str] | None, Opt(help="Skip these check ids or categories (repeatable).",
                                          rich_help_panel=Checks)] = None,
    passive: Annotated[bool, Opt("--passive", help="Skip intrusive checks (bursts, 1 MiB inputs, injections).",
                                 rich_help_panel=Checks)] = False,
    health_path: Annotated[str | None, Opt(help="Health path (default: discovered, /health).",
                                           rich_help_panel=Checks)] = None,
    metrics_path: Annotated[str | None, Opt(help="Prometheus metrics path (default /metrics).",
                                            rich_help_panel=Checks)] = None,
    canary: Annotated[str | None, Opt(help="A string planted in the system prompt that must never leak.",
                                      rich_help_panel=Checks)] = None,
    jwt_secret: Annotated[str | None, Opt(help="HS* secret to sign expired-token probes. Never printed.",
                                          rich_help_panel=Checks)] = None,
    burst_requests: Annotated[int | None, Opt(help="Requests in a burst [default: 60].",
                                              rich_help_panel=Checks)] = None,
    burst_seconds: Annotated[float | None, Opt(help="Seconds a burst may take [default: 5].",
                                               rich_help_panel=Checks)] = None,
    load_users: Annotated[int | None, Opt(help="Add performance.load_slo: a load test by this many users "
                                               "against the --slo expressions.", rich_help_panel=Checks)] = None,
    load_duration: Annotated[str | None, Opt(help="How long the load test runs: 30s, 2m [default: 30s].",
                                             rich_help_panel=Checks)] = None,
    sim_control: Annotated[str | None, Opt(help="URL of a sim-llm the target's agent uses, for "
                                                "reliability.upstream_faults.", rich_help_panel=Checks)] = None,
    live_model: Annotated[bool, Opt("--live-model", help="In-process: keep the agent's real model.",
                                    rich_help_panel=Checks)] = False,
    require_env: Annotated[list[str] | None, Opt(help="In-process: env vars that must be set (repeatable).",
                                                 rich_help_panel=Checks)] = None,
    fail_under: Annotated[float | None, Opt(help="Fail the gate below this score (0-100).",
                                            rich_help_panel=Gate)] = None,
    fail_on: Annotated[str | None, Opt(help="Fail the gate on a failed check of this severity or worse: "
                                            "critical, high, medium, low, none [default: critical].",
                                       rich_help_panel=Gate)] = None,
    format: Annotated[str | None, Opt(help="rich, json, junit or markdown.", rich_help_panel=Gate)] = None,
    output: Annotated[str | None, Opt("--output", "-o", help="Write the report to this file.",
                                      rich_help_panel=Gate)] = None,
    junit: Annotated[str | None, Opt(help="Also write JUnit XML to this file.", rich_help_panel=Gate)] = None,
    markdown: Annotated[str | None, Opt(help="Also write Markdown to this file.", rich_help_panel=Gate)] = None,
    config: Annotated[str | None, Opt(help="Config file (default: agno-check.toml or pyproject.toml).",
                                      rich_help_panel=Gate)] = None,
    quiet: Annotated[bool, Opt("--quiet", "-q", help="No progress on stderr.", rich_help_panel=Gate)] = False,
    debug: Annotated[bool, Opt("--debug", help="Tracebacks for internal errors.", rich_help_panel=Gate)] = False,
) -> int:
    """Run the readiness checklist and print a scored report. Exit 0 gate passed, 1 failed, 2 could not run."""
    flags = dict(locals())
    config_path = flags.pop("config")
    for key in ("insecure", "passive", "live_model", "quiet", "debug"):
        flags[key] = flags[key] or None
    return run_readiness_command(flags, config_path)


def run_readiness_command(flags: dict[str, Any], config_path: str | None, section: str = "readiness") -> int:
    from agno_check.settings import ReadinessSettings, load_settings

    settings = load_settings(ReadinessSettings, flags, section, config_path)
    return report_readiness(settings)


def report_readiness(settings: Any, sim: Any = None) -> int:
    """Run the checklist with ``settings``, render the report, return the exit code. ``sim``: the model
    upstream's handle when the caller controls it (``agno-check demo``)."""
    import asyncio

    from agno_check.cli.output import emit
    from agno_check.cli.progress import ReadinessProgress
    from agno_check.errors import ExitCode
    from agno_check.readiness import run_readiness
    from agno_check.report.junit import render_junit
    from agno_check.report.markdown import render_markdown
    from agno_check.report.terminal import render_terminal

    progress = ReadinessProgress(enabled=not settings.quiet,
                                 notes_in_report=(settings.format or "rich") == "rich" and not settings.output)
    report = asyncio.run(run_readiness(settings, on_start=progress.start, on_result=progress.result, sim=sim))
    progress.stop()
    emit(report, settings, {"json": lambda r: r.to_json(), "junit": render_junit, "markdown": render_markdown},
         render_terminal)
    if report.interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.OK if report.gate.passed else ExitCode.GATE_FAILED

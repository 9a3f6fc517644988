"""``agno-check readiness TARGET``: the checklist against a live URL or an in-process agent, scored and gated."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from agno_check.cli.options import (
    CHECKS,
    COMMON,
    GATE,
    BaselineOption,
    BurstRequestsOption,
    BurstSecondsOption,
    ConcurrencyOption,
    DebugOption,
    FailOnOption,
    FailUnderOption,
    FormatOption,
    HtmlOption,
    JunitOption,
    MarkdownOption,
    MaxTimeOption,
    MessageOption,
    OnlyOption,
    OutputOption,
    PassiveOption,
    QuietOption,
    SamplesOption,
    SarifOption,
    SkipOption,
    SloOption,
    TimeoutOption,
    VerboseOption,
    WriteBaselineOption,
)

Opt = typer.Option


def readiness(
    target: Annotated[str | None, typer.Argument(
        help="http(s)://host[:port], host:port, package.module:agent, path/to/file.py:agent, or a project "
             "directory (its deployment files only).")] = None,
    profile: Annotated[str | None, Opt(help="auto, agentos, openai or json.", rich_help_panel=COMMON)] = None,
    agent_id: Annotated[str | None, Opt(help="AgentOS agent id (default: the first of GET /agents).",
                                        rich_help_panel=COMMON)] = None,
    model: Annotated[str | None, Opt(help="Model name for the openai profile.", rich_help_panel=COMMON)] = None,
    endpoint: Annotated[str | None, Opt(help="Path of the json profile's endpoint (default /query).",
                                        rich_help_panel=COMMON)] = None,
    message_field: Annotated[str | None, Opt(help="json profile: request field of the message.",
                                             rich_help_panel=COMMON)] = None,
    session_field: Annotated[str | None, Opt(help="json profile: request field of the session id.",
                                             rich_help_panel=COMMON)] = None,
    response_field: Annotated[str | None, Opt(help="json profile: response field of the answer.",
                                              rich_help_panel=COMMON)] = None,
    token: Annotated[str | None, Opt(help="Bearer token (env AGNO_CHECK_TOKEN). Never printed.",
                                     rich_help_panel=COMMON)] = None,
    token_b: Annotated[str | None, Opt(help="A second user's token, for security.user_isolation.",
                                       rich_help_panel=COMMON)] = None,
    header: Annotated[list[str] | None, Opt("--header", "-H", help="Extra header NAME:VALUE (repeatable).",
                                            rich_help_panel=COMMON)] = None,
    timeout: TimeoutOption = None,
    insecure: Annotated[bool, Opt("--insecure", help="Do not verify TLS certificates.",
                                  rich_help_panel=COMMON)] = False,
    ca_bundle: Annotated[str | None, Opt(help="CA bundle file for TLS.", rich_help_panel=COMMON)] = None,
    message: MessageOption = None,
    max_time: MaxTimeOption = None,
    samples: SamplesOption = None,
    concurrency: ConcurrencyOption = None,
    slo: SloOption = None,
    only: OnlyOption = None,
    skip: SkipOption = None,
    passive: PassiveOption = False,
    health_path: Annotated[str | None, Opt(help="Health path (default: discovered, /health).",
                                           rich_help_panel=CHECKS)] = None,
    metrics_path: Annotated[str | None, Opt(help="Prometheus metrics path (default /metrics).",
                                            rich_help_panel=CHECKS)] = None,
    canary: Annotated[str | None, Opt(help="A string planted in the system prompt that must never leak.",
                                      rich_help_panel=CHECKS)] = None,
    jwt_secret: Annotated[str | None, Opt(help="HS* secret to sign expired-token probes. Never printed.",
                                          rich_help_panel=CHECKS)] = None,
    jwt_private_key: Annotated[str | None, Opt(help="PEM file: the RS*/ES* key that signs the service's tokens, "
                                               "for expired-token probes. Never printed.",
                                          rich_help_panel=CHECKS)] = None,
    jwt_public_key: Annotated[str | None, Opt(help="PEM file: the service's RS*/ES* public key, for the "
                                              "key-confusion probe (HS256 signed with it).",
                                          rich_help_panel=CHECKS)] = None,
    burst_requests: BurstRequestsOption = None,
    burst_seconds: BurstSecondsOption = None,
    load_users: Annotated[int | None, Opt(help="Add performance.load_slo: a load test by this many users "
                                               "against the --slo expressions.", rich_help_panel=CHECKS)] = None,
    load_duration: Annotated[str | None, Opt(help="How long the load test runs: 30s, 2m [default: 30s].",
                                             rich_help_panel=CHECKS)] = None,
    sim_control: Annotated[str | None, Opt(help="URL of a sim-llm the target's agent uses, for "
                                                "reliability.upstream_faults.", rich_help_panel=CHECKS)] = None,
    live_model: Annotated[bool, Opt("--live-model", help="In-process: keep the agent's real model.",
                                    rich_help_panel=CHECKS)] = False,
    exercise_tools: Annotated[bool, Opt("--exercise-tools", help="In-process: the simulated model calls your "
                                         "tools too (they run for real); default: only team delegation.",
                                         rich_help_panel=CHECKS)] = False,
    exercise_tool: Annotated[list[str] | None, Opt("--exercise-tool", metavar="NAME", help="In-process: call only "
                                                   "these tools (repeatable, or NAME,NAME).",
                                                   rich_help_panel=CHECKS)] = None,
    allow_egress: Annotated[list[str] | None, Opt(help="In-process: a host the agent's code may reach off this "
                                                       "machine (repeatable; every other one is refused).",
                                                  rich_help_panel=CHECKS)] = None,
    require_env: Annotated[list[str] | None, Opt(help="In-process: env vars that must be set (repeatable).",
                                                 rich_help_panel=CHECKS)] = None,
    project: Annotated[str | None, Opt(help="Also judge this directory's deployment files (Dockerfile, compose, "
                                            "Kubernetes manifests).", rich_help_panel=CHECKS)] = None,
    compose_file: Annotated[str | None, Opt(help="The compose file the deployment uses (default: chosen by name; "
                                                 "local-development files are not judged).",
                                            rich_help_panel=CHECKS)] = None,
    fail_under: FailUnderOption = None,
    fail_on: FailOnOption = None,
    format: FormatOption = None,
    output: OutputOption = None,
    junit: JunitOption = None,
    markdown: MarkdownOption = None,
    sarif: SarifOption = None,
    html: HtmlOption = None,
    baseline: BaselineOption = None,
    write_baseline: WriteBaselineOption = None,
    config: Annotated[str | None, Opt(help="Config file (default: agno-check.toml or pyproject.toml).",
                                      rich_help_panel=GATE)] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    debug: DebugOption = False,
) -> int:
    """Run the readiness checklist and print a scored report. Exit 0 gate passed, 1 failed, 2 could not run."""
    flags = dict(locals())
    config_path = flags.pop("config")
    for key in ("insecure", "passive", "live_model", "quiet", "verbose", "debug"):
        flags[key] = flags[key] or None
    named = flags.pop("exercise_tool") or []
    flags["exercise_tools"] = ",".join(named) if named else ("all" if flags["exercise_tools"] else None)
    return run_readiness_command(flags, config_path)


def run_readiness_command(flags: dict[str, Any], config_path: str | None, section: str = "readiness") -> int:
    from agno_check.settings import ReadinessSettings, load_settings

    settings = load_settings(ReadinessSettings, flags, section, config_path)
    return report_readiness(settings)


def report_readiness(settings: Any, sim: Any = None) -> int:
    """Run the checklist with ``settings``, render the report, return the exit code. ``sim``: the model
    upstream's handle when the caller controls it (``agno-check demo``)."""
    import asyncio

    from agno_check.cli.ci_env import publish
    from agno_check.cli.output import emit
    from agno_check.cli.progress import ReadinessProgress
    from agno_check.errors import ExitCode
    from agno_check.readiness import run_readiness
    from agno_check.report.github import readiness_annotations
    from agno_check.report.markdown import render_markdown
    from agno_check.report.terminal import render_short, render_terminal

    renderers = readiness_renderers()
    check_before_run(settings, renderers)
    progress = ReadinessProgress(enabled=not settings.quiet,
                                 notes_in_report=(settings.format or "rich") == "rich" and not settings.output)
    try:
        report = asyncio.run(run_readiness(settings, on_start=progress.start, on_result=progress.result, sim=sim,
                                           progress=progress))
    finally:
        progress.stop()  # the live line ends before the report (or an error line) prints
    emit(report, settings, renderers, lambda r, console: render_terminal(r, console, verbose=settings.verbose),
         render_short)
    publish(report, render_markdown, readiness_annotations)
    if report.interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.OK if report.gate.passed else ExitCode.GATE_FAILED


#: what ``--format`` takes besides rich (the other renderers write only the extra files: --write-baseline)
READINESS_FORMATS = ["json", "junit", "markdown", "sarif", "html"]


def readiness_renderers() -> dict[str, Any]:
    """Every renderer of the readiness report, by format name (each a pure function of the report)."""
    from agno_check.report.baseline import render_baseline
    from agno_check.report.html import render_html
    from agno_check.report.junit import render_junit
    from agno_check.report.markdown import render_markdown
    from agno_check.report.sarif import render_sarif

    return {"json": lambda r: r.to_json(), "junit": render_junit, "markdown": render_markdown,
            "sarif": render_sarif, "html": render_html, "baseline": render_baseline}


def check_before_run(settings: Any, renderers: dict[str, Any]) -> None:
    """Everything that can be refused without the target, refused before the first request (exit 2): the
    outputs, the policy's ids, the baseline file; and the one line per expired policy entry."""
    import sys

    from agno_check.checks.registry import load_catalogue
    from agno_check.cli.output import check_outputs
    from agno_check.report.adoption import Adoption

    check_outputs(settings, [f for f in READINESS_FORMATS if f in renderers])
    for line in Adoption.prepare(settings, set(load_catalogue())).policy.expired:
        sys.stderr.write(f"agno-check: {line}\n")

"""``agno-check demo``: the readiness checklist against a real AgentOS on the simulated LLM, on this machine.

No API key, no network beyond loopback. ``--flawed`` serves AgentOS's defaults instead (a newcomer sees
failures and their remediations); ``--serve`` keeps the demo running and prints its URL and a token for
``readiness`` and ``load`` by hand. Storage: SQLite in a temporary directory, PostgreSQL when ``DATABASE_URL``
is set; rate limits in memory, in Redis when ``REDIS_URL`` is set.

The demo is self-contained: it reads only its flags (and those two variables), no ``agno-check.toml`` and no
``AGNO_CHECK_*`` variable, so a project's settings for its own service never leak into it. Its report is the
same report ``readiness`` gives, through the same code (``readiness_cmd.report_readiness``).

Only typer and the standard library at module level: ``--help`` must stay fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from agno_check.cli.options import (
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
)

Opt = typer.Option
Demo = "Demo"


def demo(
    flawed: Annotated[bool, Opt("--flawed", help="Serve AgentOS's defaults instead of the hardened service, "
                                                 "to see failures and their remediations.",
                                rich_help_panel=Demo)] = False,
    serve: Annotated[bool, Opt("--serve", help="Keep the demo running and print its URL and a token, for "
                                               "`readiness` and `load` by hand (Ctrl-C stops it).",
                               rich_help_panel=Demo)] = False,
    port: Annotated[int, Opt(help="Port of the demo AgentOS on 127.0.0.1 (0 picks a free one).", min=0,
                             max=65535, rich_help_panel=Demo)] = 0,
    timeout: TimeoutOption = None,
    message: MessageOption = None,
    max_time: MaxTimeOption = None,
    samples: SamplesOption = None,
    concurrency: ConcurrencyOption = None,
    slo: SloOption = None,
    only: OnlyOption = None,
    skip: SkipOption = None,
    passive: PassiveOption = False,
    burst_requests: BurstRequestsOption = None,
    burst_seconds: BurstSecondsOption = None,
    fail_under: FailUnderOption = None,
    fail_on: FailOnOption = None,
    format: FormatOption = None,
    output: OutputOption = None,
    junit: JunitOption = None,
    markdown: MarkdownOption = None,
    sarif: SarifOption = None,
    html: HtmlOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    debug: DebugOption = False,
) -> int:
    """Run the readiness checklist against a demo AgentOS on a simulated LLM, all on this machine.

    Starts the simulated LLM and a real AgentOS serving a real agno Agent (the hardened service we
    recommend, or AgentOS's defaults with --flawed) on free loopback ports, prints the scored report and
    stops both. No API key, nothing leaves the machine. Storage: SQLite in a temporary directory, or
    PostgreSQL when DATABASE_URL is set; rate limits in memory, or in Redis when REDIS_URL is set.
    Exit 0 gate passed, 1 gate failed, 2 could not run.
    """
    flags = dict(locals())
    for key in ("flawed", "serve", "port"):
        flags.pop(key)
    for key in ("passive", "quiet", "verbose", "debug"):
        flags[key] = flags[key] or None
    return run_demo(flags, flawed=flawed, serve=serve, port=port)


def demo_settings(flags: dict[str, Any]) -> Any:
    """``ReadinessSettings`` from the flags alone (no config file, no ``AGNO_CHECK_*``); bad values: exit 2."""
    from pydantic import ValidationError

    from agno_check.errors import ConfigError
    from agno_check.settings import ReadinessSettings

    class DemoSettings(ReadinessSettings):
        @classmethod
        def settings_customise_sources(cls, settings_cls: Any, init_settings: Any, **others: Any) -> tuple[Any, ...]:
            return (init_settings,)

    given = {k: v for k, v in flags.items() if v is not None and v != []}
    try:
        return DemoSettings(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else "?"
        raise ConfigError(f"--{key.replace('_', '-')}: {error['msg']}") from None


def run_demo(flags: dict[str, Any], *, flawed: bool, serve: bool, port: int) -> int:
    from agno_check.checks.registry import load_catalogue, select
    from agno_check.cli.output import check_outputs
    from agno_check.cli.readiness_cmd import READINESS_FORMATS, report_readiness
    from agno_check.demo.stack import DemoStack
    from agno_check.slo import parse_slos

    checked = demo_settings({**flags, "target": "http://127.0.0.1:1"})  # bad flags: exit 2 before starting
    check_outputs(checked, READINESS_FORMATS)  # a bad --format or an unwritable output: exit 2 before starting
    select(load_catalogue(), checked.only, checked.skip)
    parse_slos(checked.slo)
    stack = DemoStack(hardened=not flawed, port=port, database_url=os.environ.get("DATABASE_URL") or None,
                      redis_url=os.environ.get("REDIS_URL") or None, debug=bool(flags.get("debug")))
    if serve:
        return _serve(stack)
    with stack:
        if not checked.quiet:
            sys.stderr.write(f"agno-check demo: {_describe(stack)}\n")
            sys.stderr.flush()
        target = {"target": stack.url, "profile": "agentos", "agent_id": stack.agent_id, "canary": stack.canary}
        if stack.token:
            target["token"] = stack.token
        return report_readiness(demo_settings({**flags, **target}), sim=stack.sim)


def _describe(stack: Any) -> str:
    kind = "hardened AgentOS" if stack.hardened else "AgentOS with its defaults (--flawed)"
    limits = f"; rate limits in {stack.limiter_backend}" if stack.limiter_backend else ""
    return (f"{kind} at {stack.url} (agent {stack.agent_id!r}; sessions in {stack.storage.description}{limits}); "
            f"model: simulated LLM at {stack.sim.url}")


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # a service manager's stop: clean up (servers, temporary storage) as on Ctrl-C


def _serve(stack: Any) -> int:
    import signal
    import time

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with stack:
        token = f" --token {stack.token}" if stack.token else ""
        lines = [
            f"agno-check demo: {_describe(stack)}",
            f"  URL:   {stack.url}",
            *([f"  token: {stack.token}"] if stack.token else []),
            "Try, in another terminal:",
            f"  agno-check readiness {stack.url}{token} --canary {stack.canary} --sim-control {stack.sim.url}",
            f"  agno-check load {stack.url}{token} --users 10 --duration 20s",
            f"  curl {stack.sim.url}/_sim/stats    (what the model was asked; POST /_sim/faults injects faults)",
            "Ctrl-C stops it.",
        ]
        typer.echo("\n".join(lines))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("agno-check demo: stopped", err=True)
    return 0


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)

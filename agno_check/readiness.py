"""The readiness engine: open the target, one preflight turn, run the selected checks, build the report.

Exit 2 is decided here, before the checks start (the preflight); once they run, whatever the target does is a
check status and the exit code comes from the gate. A directory TARGET has neither server nor preflight: its
deployment files are judged alone (``agno_check/project/run.py``); ``--project DIR`` adds them to a normal run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agno_check.checks.context import CheckContext, ProgressHooks
from agno_check.checks.registry import CheckSpec, load_catalogue, select
from agno_check.checks.runner import run_checks
from agno_check.errors import TargetError, UsageError
from agno_check.report.adoption import Adoption
from agno_check.report.model import CheckResult, EgressEntry, ReadinessReport
from agno_check.settings import ReadinessSettings
from agno_check.targets.credentials import Credentials, Redactor
from agno_check.targets.detect import ProfileOptions, resolve_profile
from agno_check.targets.first_turn import reject_unusable_first_turn
from agno_check.targets.http import HttpTarget
from agno_check.targets.profiles import JsonProfile
from agno_check.targets.spec import parse_target


@dataclass
class OpenedTarget:
    """A target ready for checks: the HTTP surface, and for in-process targets the agent and its upstream."""

    target: HttpTarget
    kind: str  # "http" | "inprocess"
    display: str  # what the report names as the target
    profile_name: str
    agent: Any = None
    sim: Any = None
    notes: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)


def credentials_from(settings: ReadinessSettings) -> Credentials:
    return Credentials.from_options(settings.token_value(), settings.header)


def redactor_for(settings: Any) -> Redactor:
    secrets = credentials_from(settings).secrets()
    for name in ("token_b", "jwt_secret"):
        value = getattr(settings, name, None)
        if value is not None:
            secrets.append(value.get_secret_value())
    return Redactor(secrets)


def profile_options(settings: Any) -> ProfileOptions:
    """The protocol fields of the settings (the same names), for profile detection."""
    return ProfileOptions(**{f.name: getattr(settings, f.name) for f in dataclasses.fields(ProfileOptions)})


async def open_http_target(url: str, settings: Any) -> tuple[HttpTarget, list[str]]:
    """An HttpTarget with its profile resolved (``--profile auto`` probes the service)."""
    verify: bool | str = settings.ca_bundle or not settings.insecure
    target = HttpTarget(url, JsonProfile(), credentials_from(settings), timeout_s=settings.timeout, verify=verify)
    try:
        profile, notes = await resolve_profile(target, profile_options(settings))
    except BaseException:
        await target.aclose()
        raise
    target.profile = profile
    return target, notes


@asynccontextmanager
async def open_target(settings: ReadinessSettings) -> AsyncIterator[OpenedTarget]:
    if not settings.target:
        raise UsageError("no target: pass TARGET, or set target in [tool.agno-check] or AGNO_CHECK_TARGET")
    spec = parse_target(settings.target)
    if spec.kind == "inprocess":
        from agno_check.targets.inprocess import open_inprocess_target

        async with open_inprocess_target(spec.value, settings) as opened:
            yield opened
        return
    target, notes = await open_http_target(spec.value, settings)
    if spec.guessed:
        notes.insert(0, spec.guessed)
    try:
        yield OpenedTarget(target=target, kind="http", display=spec.value, profile_name=target.profile.name,
                           notes=notes)
    finally:
        await target.aclose()


async def preflight(ctx: CheckContext) -> None:
    """One valid turn before the checks: a target that never answers one is exit 2, not a page of errors."""
    try:
        turn = await ctx.memo("valid_turn", ctx.run_turn)
    except TargetError:
        raise
    reject_unusable_first_turn(turn, ctx.target.base_url, ctx.credentials.present, "a valid run")
    line = f"{turn.request.line()} on {ctx.target.base_url}"
    if not turn.http_ok:
        raise TargetError(f"{line} answered HTTP {turn.status_code} to a valid run: {turn.response.excerpt(120)!r}")


async def run_readiness(
    settings: ReadinessSettings,
    on_start: Callable[[OpenedTarget, list[CheckSpec]], None] | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    *,
    sim: Any = None,
    progress: ProgressHooks | None = None,
) -> ReadinessReport:
    """Run the checklist. ``sim``: a handle on the model upstream the target uses (the demo passes its simulated
    LLM), for checks that inject upstream faults. ``progress``: told when each check starts and when the run
    waits (a 429's Retry-After), for a live display."""
    catalogue = load_catalogue()
    specs = select(catalogue, settings.only, settings.skip)  # exit 2 on an unknown id, before any traffic
    adoption = Adoption.prepare(settings, set(catalogue))  # unknown policy ids, a bad baseline: exit 2 too
    from agno_check.slo import parse_slos

    parse_slos(settings.slo)  # a bad --slo is exit 2 before any traffic, too
    if sim is None and settings.sim_control:  # a sim-llm the target's agent talks to (bad URL: exit 2 here)
        from agno_check.sim_control import SimControl

        sim = SimControl(settings.sim_control)
    from agno_check.project import run as project_run

    spec = parse_target(settings.target) if settings.target else None
    if spec is not None and spec.kind == "project":  # deployment files only: no server, no preflight
        return await project_run.run_directory(settings, spec.value, specs, spec.guessed, on_start, on_result,
                                               progress, adoption=adoption)
    project = project_run.load_for(settings)  # --project DIR: read before any traffic (exit 2 when empty)
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    async with open_target(settings) as opened:
        ctx = CheckContext(settings=settings, target=opened.target, redact=redactor_for(settings),
                           target_kind=opened.kind, agent=opened.agent, sim=sim or opened.sim,
                           extras=opened.extras, progress=progress or ProgressHooks())
        project_run.attach(ctx.extras, project, opened.notes)
        await preflight(ctx)
        if on_start:
            on_start(opened, specs)
        results: list[CheckResult] = []
        interrupted = False
        try:
            await run_checks(ctx, specs, on_result, results)
        except asyncio.CancelledError:  # Ctrl-C: report what was measured (exit 130)
            interrupted = True
    adopted_notes, summary = adoption.apply(results)
    notes = [ctx.redact(n) for n in opened.notes] + adopted_notes
    if interrupted:
        notes.append(f"interrupted after {len(results)} of {len(specs)} checks")
    if ctx.rate_limits.waits:
        notes.append(f"honoured {ctx.rate_limits.waits} rate-limit answer(s) (429), waiting "
                     f"{ctx.rate_limits.waited_s:.1f} s in all; none was counted as a sample or an error")
    report = ReadinessReport.build(
        target=opened.display, profile=opened.profile_name, started_at=started_at,
        duration_ms=(time.perf_counter() - started) * 1000.0, results=results, fail_under=settings.fail_under,
        fail_on=settings.fail_on, settings=settings.echo(), notes=notes, baseline=summary,
    )
    guard = getattr(opened.extras.get("inprocess"), "egress", None)
    if guard is not None:  # an in-process run: what its code tried to reach off the machine
        report.egress = [EgressEntry(**a.as_dict()) for a in guard.attempts()]
    if ctx.extras.get("max_time_reached"):
        report.gate.passed = False
        report.gate.reasons.append(f"the run's bound (--max-time {settings.max_time:g} s) was reached before "
                                   "every check finished")
    if interrupted:
        report.interrupted = True
        report.interrupted_checks = [s.id for s in specs[len(results):]]
        report.gate.passed = False
        report.gate.reasons.append(f"interrupted after {len(results)} of {len(specs)} checks")
    return report

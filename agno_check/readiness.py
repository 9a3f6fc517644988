"""The readiness engine: open the target, one preflight turn, run the selected checks, build the report.

Exit 2 is decided here, before the checks start (the preflight); once they run, whatever the target does is a
check status and the exit code comes from the gate. A directory TARGET has neither server nor preflight: its
deployment files are judged alone (``agno_check/project/run.py``); ``--project DIR`` adds them to a normal run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from agno_check.checks.context import CheckContext, ProgressHooks
from agno_check.checks.registry import CheckSpec, load_catalogue, select
from agno_check.checks.runner import run_checks
from agno_check.report.adoption import Adoption
from agno_check.report.model import CheckResult, EgressEntry, ReadinessReport, RunFacts
from agno_check.settings import ReadinessSettings
from agno_check.targets.base import Turn
from agno_check.targets.first_turn import first_usable_turn, reject_unusable_first_turn
from agno_check.targets.opening import OpenedTarget, open_target, redactor_for
from agno_check.targets.spec import parse_target


async def preflight(ctx: CheckContext, notes: list[str]) -> None:
    """One valid turn before the checks (retried like load's probe): a target that never gives a usable
    answer is exit 2 with what came back, not a page of errors or, worse, a passing score. The turn is the
    checks' ``valid_turn``."""

    async def make() -> Turn:
        return await first_usable_turn(ctx.run_turn, notes)

    turn = await ctx.memo("valid_turn", make)
    await reject_unusable_first_turn(turn, ctx.target, "a valid run")


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
        from agno_check.targets.sim_control import SimControl

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
                           inprocess=opened.inprocess, progress=progress or ProgressHooks())
        project_run.attach(ctx, project, opened.notes)
        await preflight(ctx, opened.notes)
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
    facts = RunFacts(planned=len(specs), interrupted=interrupted,
                     max_time_reached_s=settings.max_time if ctx.max_time_reached else None,
                     interrupted_checks=[s.id for s in specs[len(results):]] if interrupted else [])
    report = ReadinessReport.build(
        target=opened.display, profile=opened.profile_name, started_at=started_at,
        duration_ms=(time.perf_counter() - started) * 1000.0, results=results, fail_under=settings.fail_under,
        fail_on=settings.fail_on, settings=settings.echo(), notes=notes, baseline=summary, facts=facts,
    )
    guard = getattr(opened.inprocess, "egress", None)
    if guard is not None:  # an in-process run: what its code tried to reach off the machine (not the gate's)
        report.egress = [EgressEntry(**a.as_dict()) for a in guard.attempts()]
    return report

"""Runs the selected checks in order (probes, measurements, bursts), each within the run's time bound.

A check never prints and never decides the exit code: it returns an Outcome; the runner turns exceptions into
statuses (a transport failure is ``error``, never ``fail``), redacts everything, and waits out any Retry-After
a burst left behind so the next check does not inherit 429s.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import CheckErrored, Outcome, SkipCheck
from agno_check.checks.registry import CheckSpec
from agno_check.errors import TargetError
from agno_check.report.model import CheckResult

log = logging.getLogger("agno_check")


async def _run_one(spec: CheckSpec, ctx: CheckContext, time_left_s: float) -> Outcome:
    if ctx.settings.passive and spec.intrusive:
        return Outcome("skip", "intrusive check; --passive was given")
    if ctx.target_kind not in spec.targets:
        if ctx.target_kind == "inprocess":
            return Outcome("skip", spec.inprocess_skip or "does not apply to an in-process target")
        return Outcome("skip", "reads the agent object: run against module:agent or path/to/app.py:agent")
    if time_left_s <= 0:
        ctx.extras["max_time_reached"] = True
        return Outcome("error", f"not run: the whole run's bound (--max-time {ctx.settings.max_time:g} s) "
                                "was reached first")
    try:
        async with asyncio.timeout(time_left_s):
            return await spec.func(ctx)
    except SkipCheck as exc:
        return Outcome("skip", str(exc))
    except CheckErrored as exc:
        return Outcome("error", str(exc))
    except TargetError as exc:
        return Outcome("error", f"could not finish: {exc}")
    except TimeoutError:
        ctx.extras["max_time_reached"] = True
        return Outcome("error", f"did not finish within the run's bound (--max-time {ctx.settings.max_time:g} s)")
    except Exception as exc:  # a bug in a check must not hide the other checks' results
        log.debug("check %s crashed:\n%s", spec.id, traceback.format_exc())
        return Outcome("error", f"agno-check bug in this check: {exc.__class__.__name__}: {exc}")


async def run_checks(
    ctx: CheckContext,
    specs: list[CheckSpec],
    on_result: Callable[[CheckResult], None] | None = None,
    results: list[CheckResult] | None = None,
) -> list[CheckResult]:
    """Run ``specs`` in order; results are appended to ``results`` as they finish, so an interrupted run
    still has everything measured before the interruption."""
    deadline = time.monotonic() + ctx.settings.max_time
    results = [] if results is None else results
    for spec in specs:
        ctx.progress.check_started(spec.id)
        residue = ctx.rate_limits.last_retry_after_s
        if residue:
            pause = min(residue, max(0.0, deadline - time.monotonic()))
            ctx.progress.waiting(pause, "the Retry-After a rate-limited burst left behind")
            await asyncio.sleep(pause)
            ctx.rate_limits.last_retry_after_s = None
        started = time.perf_counter()
        outcome = await _run_one(spec, ctx, deadline - time.monotonic())
        if outcome.status == "pass" and not outcome.detail:
            outcome = Outcome("error", "agno-check bug: a pass without a detail")
        result = CheckResult(
            id=spec.id, category=spec.category, title=spec.title, status=outcome.status, severity=spec.severity,
            duration_ms=round((time.perf_counter() - started) * 1000.0, 1),
            detail=ctx.redact(outcome.detail),
            evidence=ctx.redact.scrub(outcome.evidence) if outcome.evidence else None,
            remediation=ctx.redact(outcome.remediation or spec.remediation) or None,
        )
        results.append(result)
        if on_result:
            on_result(result)
    return results

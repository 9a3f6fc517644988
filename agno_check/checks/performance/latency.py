from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed
from agno_check.checks.performance._measure import slo_for
from agno_check.checks.registry import check
from agno_check.stats import distribution

DEFAULT_P95_MS = 5000.0


@check(id="performance.latency", severity="high", title="Run latency p95 within the SLO", phase="measure")
async def latency(ctx: CheckContext) -> Outcome:
    """What it checks: ``--samples`` sequential runs (default 10); the p95 of the successful ones' whole
    request time against ``--slo p95<MS`` (default 5000 ms).

    Why it matters: users abandon an assistant that takes too long, and a slow p95 under no load only gets
    worse under traffic.

    How to fix: Find where the time goes (model time vs tools vs storage: agno's run ``metrics`` split it):
    use a faster model or fewer tool round-trips, trim history (``num_history_runs``), stream the answer, or
    cache repeated lookups.
    """
    slo = slo_for(ctx, "p95", DEFAULT_P95_MS)
    turns = await ctx.sequential_turns()
    good = [t.total_ms for t in turns if t.ok]
    bad = [t.failure_reason() for t in turns if not t.ok]
    if not good:
        return errored(f"none of {len(turns)} runs succeeded, so there is no latency to judge "
                       f"(first: {bad[0] if bad else 'n/a'})")
    dist = distribution(good)
    assert dist is not None
    evidence = {"samples": len(good), "failed_runs": len(bad), "latency_ms": dist, "slo": slo.expr}
    note = f"; {len(bad)} of {len(turns)} runs failed (not counted)" if bad else ""
    if not slo.holds(dist["p95"]):
        return failed(f"p95 {dist['p95']:.0f} ms over {len(good)} runs breaks {slo.expr}{note}", **evidence)
    return passed(f"p95 {dist['p95']:.0f} ms (p50 {dist['p50']:.0f} ms) over {len(good)} runs, within {slo.expr}"
                  f"{note}", **evidence)

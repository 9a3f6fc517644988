from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped
from agno_check.checks.performance._measure import concurrent_batch
from agno_check.checks.registry import check
from agno_check.stats import percentile

LIMIT_MS = 1000.0


@check(id="performance.health_under_load", severity="medium", title="Health stays fast while runs are in flight",
       phase="measure", needs_answers=True)
async def health_under_load(ctx: CheckContext) -> Outcome:
    """What it checks: health probes sent every 100 ms while ``--concurrency`` runs are in flight; their p95
    must stay under one second and none may fail.

    Why it matters: when the event loop is blocked by runs, health probes time out and the orchestrator
    kills a replica that was merely busy, turning load into restarts.

    How to fix: Keep the event loop free: async model clients (``agent.arun``), no CPU-heavy or blocking work
    in request handlers, and a health route that does not wait behind agent work.
    """
    batch = await concurrent_batch(ctx)
    if not batch.health_path:
        return skipped("no health endpoint (see configuration.health_endpoint)")
    if batch.health_failures:
        return failed(f"{len(batch.health_failures)} health probe(s) failed under load (first: "
                      f"{batch.health_failures[0][:120]})", failures=batch.health_failures[:5])
    if not batch.health_ms:
        return skipped("the runs finished before a health probe could be sent")
    p95 = percentile(batch.health_ms, 95) or 0.0
    evidence = {"probes": len(batch.health_ms), "health_p95_ms": round(p95, 1), "limit_ms": LIMIT_MS}
    if p95 >= LIMIT_MS:
        return failed(f"health p95 {p95:.0f} ms under load (limit {LIMIT_MS:.0f} ms)", **evidence)
    return passed(f"health p95 {p95:.0f} ms over {len(batch.health_ms)} probes while "
                  f"{ctx.settings.concurrency} runs were in flight", **evidence)

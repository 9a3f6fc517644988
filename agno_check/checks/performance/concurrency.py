from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, warned
from agno_check.checks.performance._measure import ConcurrentBatch, concurrent_batch
from agno_check.checks.registry import check
from agno_check.stats import percentile
from agno_check.targets.base import Turn

PASS_RATIO = 3.0
#: growth below this is scheduling noise on a loaded machine, not serialisation (real agents take seconds)
NOISE_FLOOR_MS = 250.0


@check(id="performance.concurrency", severity="high", title="Concurrent runs are not serialised",
       phase="measure", needs_answers=True)
async def concurrency(ctx: CheckContext) -> Outcome:
    """What it checks: ``--concurrency`` C runs at once (default 10) after a sequential baseline; all must
    succeed, and p95 under concurrency / sequential p95 must stay <= 3. A ratio of C/2 or more means the
    requests are being served one at a time (the last of C waits for the other C-1). Growth under 250 ms is
    taken as scheduling noise, whatever the ratio, and a warn or fail is confirmed by a second batch (the
    faster of the two is judged).

    Why it matters: a service that serialises runs (a global lock, a sync call in an async handler, one
    worker) answers ten users ten times slower, and a traffic spike becomes an outage.

    How to fix: Use ``await agent.arun(...)`` in async handlers (never the blocking ``agent.run``), avoid
    global locks around the agent, and run several workers (``uvicorn --workers N``) or replicas.
    """
    baseline_turns = await ctx.sequential_turns()
    baseline = [t.total_ms for t in baseline_turns if t.ok]
    if not baseline:
        return errored("no successful sequential run to compare with (see performance.latency)")
    batch = await concurrent_batch(ctx)
    c = ctx.settings.concurrency
    base_p95 = percentile(baseline, 95) or 0.0
    turns = [t for t in batch.turns if isinstance(t, Turn)]
    errors = [str(t) for t in batch.turns if not isinstance(t, Turn)] + \
             [t.failure_reason() or "" for t in turns if not t.ok]
    evidence: dict = {"concurrency": c, "baseline_p95_ms": round(base_p95, 1), "errors": errors[:5],
                      "batch_wall_ms": round(batch.wall_ms, 1)}
    if errors:
        return failed(f"{len(errors)} of {c} concurrent runs failed (first: {errors[0][:120]})", **evidence)
    conc_p95 = _good_p95(batch)
    if conc_p95 is None:
        return errored("no concurrent run completed")
    if not _within(conc_p95, base_p95):
        # a latency verdict is confirmed by a second batch before it is reported: one scheduling hiccup on a
        # loaded machine is not a trend, while a service that really serialises is as slow the second time
        confirm = _good_p95(await concurrent_batch(ctx, "concurrent_batch_confirm"))
        evidence["first_batch_p95_ms"] = round(conc_p95, 1)
        if confirm is not None:
            evidence["confirming_batch_p95_ms"] = round(confirm, 1)
            conc_p95 = min(conc_p95, confirm)
    ratio = conc_p95 / base_p95 if base_p95 > 0 else float("inf")
    evidence |= {"concurrent_p95_ms": round(conc_p95, 1), "ratio": round(ratio, 2)}
    text = f"p95 {conc_p95:.0f} ms with {c} concurrent vs {base_p95:.0f} ms sequential ({ratio:.1f}x)"
    if _within(conc_p95, base_p95):
        return passed(text, **evidence)
    if ratio >= c / 2:
        return failed(f"{text}: requests look serialised (>= {c / 2:g}x)", **evidence)
    return warned(f"{text}: latency grows under concurrency (> {PASS_RATIO:g}x)", **evidence)


def _good_p95(batch: ConcurrentBatch) -> float | None:
    good = [t.total_ms for t in batch.turns if isinstance(t, Turn) and t.ok]
    return percentile(good, 95) if good else None


def _within(conc_p95: float, base_p95: float) -> bool:
    return conc_p95 <= PASS_RATIO * base_p95 or conc_p95 - base_p95 < NOISE_FLOOR_MS

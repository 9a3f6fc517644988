from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped
from agno_check.checks.performance._measure import slo_for
from agno_check.checks.registry import check
from agno_check.stats import distribution

DEFAULT_TTFT_P95_MS = 2000.0


@check(id="performance.ttft", severity="medium", title="Time to first token p95 within the SLO", phase="measure")
async def ttft(ctx: CheckContext) -> Outcome:
    """What it checks: ``--samples`` streamed runs; the time from sending the request to the first content
    token (not to the headers), p95 against ``--slo ttft_p95<MS`` (default 2000 ms).

    Why it matters: with streaming, the first token is when the user sees the agent working; a long silence
    reads as a hang even when the total time is fine.

    How to fix: Stream responses (AgentOS ``stream=true``), avoid blocking work before the model call
    (tool pre-fetches, large history loads), and pick a model or region with a lower time to first token.
    """
    if not ctx.profile.can_stream:
        return skipped(f"the {ctx.profile.name} profile cannot stream, so there is no first token to time")
    slo = slo_for(ctx, "ttft_p95", DEFAULT_TTFT_P95_MS)
    turns = [await ctx.run_turn(session_id=ctx.new_session_id("ttft"), stream=True)
             for _ in range(ctx.settings.samples)]
    if not any(t.stream for t in turns):
        return skipped("the target answered streamed requests without a stream (no text/event-stream)")
    ttfts = [t.ttft_ms for t in turns if t.ok and t.ttft_ms is not None]
    bad = [t.failure_reason() or "no content token" for t in turns if not (t.ok and t.ttft_ms is not None)]
    if not ttfts:
        return errored(f"no streamed run delivered a content token (first: {bad[0] if bad else 'n/a'})")
    dist = distribution(ttfts)
    assert dist is not None
    evidence = {"samples": len(ttfts), "failed_runs": len(bad), "ttft_ms": dist, "slo": slo.expr}
    if not slo.holds(dist["p95"]):
        return failed(f"TTFT p95 {dist['p95']:.0f} ms over {len(ttfts)} streamed runs breaks {slo.expr}",
                      **evidence)
    return passed(f"TTFT p95 {dist['p95']:.0f} ms (p50 {dist['p50']:.0f} ms) over {len(ttfts)} streamed runs, "
                  f"within {slo.expr}", **evidence)

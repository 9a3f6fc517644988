from __future__ import annotations

from agno_check.checks._bursts import burst
from agno_check.checks._skip_reasons import RATE_LIMITING
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, warned
from agno_check.checks.registry import check


@check(id="security.rate_limiting", severity="high", title="A burst of runs is rate limited (429 + Retry-After)",
       phase="burst", intrusive=True, targets=("http",), inprocess_skip=RATE_LIMITING)
async def rate_limiting(ctx: CheckContext) -> Outcome:
    """What it checks: a bounded burst of runs with valid credentials (``--burst-requests``, default 60, all
    started within ``--burst-seconds``, default 5) after a valid run succeeded; some must be answered 429 with
    a ``Retry-After`` header. Runs last, and agno-check waits out the Retry-After before the next check.

    Why it matters: every agent run spends model tokens; without a per-caller limit one leaked key or one buggy
    client loop turns into an unbounded bill and starves every other user.

    How to fix: Add a per-caller limit in front of the runs (a gateway, nginx ``limit_req``, or middleware such
    as slowapi with a Redis store for several workers) answering 429 with ``Retry-After``; AgentOS has no rate
    limiting of its own.
    """
    await ctx.valid_turn()
    result = await burst(ctx)
    if not result.answered:
        return errored(f"none of the {result.requested} burst requests got an answer "
                       f"(first: {result.failures[0] if result.failures else 'none sent'})", **result.evidence())
    limited = result.with_status(429)
    evidence = result.evidence()
    if not limited:
        return failed(f"no 429 in {result.requested} runs started within {result.launch_ms / 1000:.1f} s "
                      f"(answers: {_counts(result.status_counts())})", **evidence)
    with_hint = [t for t in limited if t.response.retry_after_s() is not None]
    evidence["retry_after_s"] = sorted({t.response.headers.get("retry-after", "") for t in with_hint})[:5]
    if len(with_hint) < len(limited):
        return warned(f"{len(limited)} of {result.requested} runs answered 429, but {len(limited) - len(with_hint)} "
                      "without Retry-After", "Send Retry-After with every 429 so clients know when to retry "
                      "instead of hammering the service.", **evidence)
    return passed(f"{len(limited)} of {result.requested} runs answered 429 with Retry-After", **evidence)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} x {status}" for status, n in counts.items())

from __future__ import annotations

from agno_check.checks._bursts import burst
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import CheckErrored, Outcome, errored, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetTimeout

SHED_CODES = (429, 503)


@check(id="reliability.backpressure", severity="medium", title="Overload is shed cleanly, not with errors",
       phase="burst", intrusive=True, needs_answers=True)
async def backpressure(ctx: CheckContext) -> Outcome:
    """What it checks: the same bounded burst as security.rate_limiting (default 60 runs started together, well
    above the concurrency check). Every answer must be a success, or a shed request (429/503 with
    ``Retry-After``); timeouts, connection resets, other 5xx and 2xx answers with an error inside fail.

    Why it matters: traffic spikes happen; a service that answers them with resets and 500s breaks every
    client at once, while one that sheds with 429/503 + Retry-After lets them back off and succeed.

    How to fix: Bound the work in flight (a concurrency limit or queue in front of the agent, ``uvicorn
    --limit-concurrency``, a gateway) and answer the excess 429/503 with ``Retry-After``; give the model client a
    timeout shorter than your own so a slow upstream does not pile up requests.
    """
    control = await ctx.valid_turn()
    if not control.ok:
        raise CheckErrored(f"a single run already fails ({control.failure_reason()}), so failures under load "
                           "cannot be told apart from it")
    result = await burst(ctx)
    evidence = result.evidence()
    if not result.answered and not result.failures:
        return errored("the burst sent nothing")
    timeouts = [f for f in result.failures if isinstance(f, TargetTimeout)]
    resets = [f for f in result.failures if not isinstance(f, TargetTimeout)]
    server_errors = [t for t in result.turns if t.status_code >= 500
                     and not (t.status_code == 503 and t.response.retry_after_s() is not None)]
    hidden = [t for t in result.turns if t.http_ok and not t.ok]
    problems = []
    if timeouts:
        problems.append(f"{len(timeouts)} timed out")
    if resets:
        problems.append(f"{len(resets)} broke off ({resets[0]})")
    if server_errors:
        problems.append(f"{len(server_errors)} answered {server_errors[0].status_code} "
                        f"({server_errors[0].response.excerpt(80)!r})")
    if hidden:
        problems.append(f"{len(hidden)} answered {hidden[0].status_code} with a failed run "
                        f"({hidden[0].failure_reason()})")
    if problems:
        return failed(f"under a burst of {result.requested} runs: " + "; ".join(problems), **evidence)
    shed = [t for t in result.turns if t.status_code in SHED_CODES]
    bare = [t for t in shed if t.response.retry_after_s() is None]
    ok = [t for t in result.turns if t.ok]
    if bare:
        return warned(f"{len(bare)} runs were shed with {bare[0].status_code} but no Retry-After",
                      "Send Retry-After with 429/503 so clients back off for the right time.", **evidence)
    other = [t for t in result.turns if not t.ok and t.status_code not in SHED_CODES]
    if other:
        return warned(f"{len(other)} runs answered {other[0].status_code} under the burst "
                      f"({other[0].response.excerpt(80)!r})", None, **evidence)
    if shed:
        return passed(f"{len(ok)} of {result.requested} runs succeeded, {len(shed)} were shed with "
                      f"{'/'.join(sorted({str(t.status_code) for t in shed}))} + Retry-After", **evidence)
    return passed(f"all {result.requested} runs of the burst succeeded (absorbed)", **evidence)

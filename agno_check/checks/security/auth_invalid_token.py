from __future__ import annotations

from agno_check.checks._skip_reasons import AUTH
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome
from agno_check.checks.registry import check
from agno_check.checks.security._auth import judge_rejection, with_garbage


@check(id="security.auth_invalid_token", severity="critical", title="Invalid tokens are rejected",
       targets=("http",), inprocess_skip=AUTH)
async def auth_invalid_token(ctx: CheckContext) -> Outcome:
    """What it checks: an agent run whose credential is replaced by a well-formed garbage bearer token (and
    garbage in any credential header) is refused with 401/403, after the valid run succeeded.

    Why it matters: a service that only checks that *some* token is present, or that fails open when the
    token does not verify, is as open as one without authentication.

    How to fix: Verify the token on every request and reject anything that does not verify (compare keys in
    constant time; for JWTs verify signature, algorithm and expiry); never fall back to anonymous access when
    verification fails.
    """
    await ctx.valid_turn()
    turn = await ctx.run_turn(session_id=ctx.new_session_id("auth"), credentials=with_garbage(ctx.credentials))
    return judge_rejection("run with a garbage bearer token", turn,
                           "Verify the presented token and reject it when it does not verify; the service ran "
                           "an agent turn for a made-up token.")

from __future__ import annotations

from agno_check.checks._skip_reasons import AUTH
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed
from agno_check.checks.registry import check
from agno_check.checks.security import _jwt


@check(id="security.jwt_tampered", severity="critical", title="JWTs with changed claims are rejected",
       targets=("http",), inprocess_skip=AUTH)
async def jwt_tampered(ctx: CheckContext) -> Outcome:
    """What it checks: the caller's valid JWT with its claims changed (a claim added; ``exp`` moved later, or
    ``sub`` changed) while the original header and signature are kept. The service must refuse it.

    Why it matters: a service that decodes tokens without verifying the signature trusts whatever claims a
    caller writes: another user's id, an admin role, an expiry in ten years.

    How to fix: Verify the signature on every request (PyJWT: ``jwt.decode(token, key, algorithms=[...])``,
    never ``options={"verify_signature": False}``); do not read claims from an unverified token anywhere.
    """
    token = _jwt.user_jwt(ctx)
    await ctx.valid_turn()
    answers = []
    for what, forged in _jwt.tampered_variants(token):
        turn = await _jwt.try_token(ctx, forged)
        answers.append({"change": what, "status_code": turn.status_code})
        if turn.http_ok:
            return failed(f"a token with a changed claim ({what}) and the old signature was accepted "
                          f"(HTTP {turn.status_code}): signatures are not verified",
                          request=f"{turn.request.line()} with the caller's token, {what}", answers=answers)
    codes = ", ".join(str(a["status_code"]) for a in answers)
    return passed(f"{len(answers)} tampered tokens rejected (HTTP {codes})", answers=answers)

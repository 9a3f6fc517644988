from __future__ import annotations

from agno_check.checks._skip_reasons import AUTH
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed
from agno_check.checks.registry import check
from agno_check.checks.security import _jwt


@check(id="security.jwt_alg_none", severity="critical", title="JWTs with alg=none are rejected",
       targets=("http",), inprocess_skip=AUTH)
async def jwt_alg_none(ctx: CheckContext) -> Outcome:
    """What it checks: the caller's JWT claims re-sent unsigned under ``alg: none`` (spelled ``none``,
    ``None`` and ``NONE``, empty signature), after the valid token's run succeeded. Every one must be refused.

    Why it matters: a verifier that honours the token's own ``alg`` header accepts an unsigned token, so
    anyone can mint a token for any user by editing the claims.

    How to fix: Pin the accepted algorithms when verifying (PyJWT: ``jwt.decode(token, key,
    algorithms=["HS256"])``; never take the algorithm from the token header, never pass ``verify_signature:
    False`` or AgentOS ``validate=False`` outside development).
    """
    token = _jwt.user_jwt(ctx)
    await ctx.valid_turn()
    answers = []
    for spelling in _jwt.NONE_SPELLINGS:
        turn = await _jwt.try_token(ctx, _jwt.forge_alg_none(token, spelling))
        answers.append({"alg": spelling, "status_code": turn.status_code})
        if turn.http_ok:
            return failed(f"an unsigned token with alg={spelling!r} was accepted (HTTP {turn.status_code})",
                          request=f"{turn.request.line()} with the caller's claims, alg={spelling!r}, no signature",
                          answers=answers, claims=_jwt.claim_names(token))
    codes = ", ".join(str(a["status_code"]) for a in answers)
    return passed(f"alg=none rejected in {len(answers)} spellings (HTTP {codes}); the {token.alg} token works",
                  answers=answers)

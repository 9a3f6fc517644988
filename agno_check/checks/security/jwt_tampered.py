from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed
from agno_check.checks.registry import check
from agno_check.checks.security import _jwt
from agno_check.checks.security.auth_required import INPROCESS_SKIP


@check(id="security.jwt_tampered", severity="critical", title="JWTs with changed claims are rejected",
       targets=("http",), inprocess_skip=INPROCESS_SKIP)
async def jwt_tampered(ctx: CheckContext) -> Outcome:
    """What it checks: the caller's valid JWT with its claims changed (a claim added; ``exp`` moved later, or
    ``sub`` changed) while the original header and signature are kept. The service must refuse it. For an
    RS*/ES* token with a known public key (``--jwt-public-key``, or derived from ``--jwt-private-key``), also
    the key-confusion token: the claims under ``alg: HS256``, HMAC-signed with the public key as the secret.

    Why it matters: a service that decodes tokens without verifying the signature trusts whatever claims a
    caller writes: another user's id, an admin role, an expiry in ten years.

    How to fix: Verify the signature on every request (PyJWT: ``jwt.decode(token, key, algorithms=[...])``,
    never ``options={"verify_signature": False}``), with one pinned algorithm (never HS* and RS*/ES* in one
    list); do not read claims from an unverified token anywhere.
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
    tampered = len(answers)
    confusion = ""
    if not token.is_hmac and token.alg[:2] in _jwt.ASYMMETRIC:
        public = _jwt.public_pem(ctx)
        if public is None:
            confusion = " (no key-confusion probe: pass --jwt-public-key FILE for this RS*/ES* token)"
        else:
            turn = await _jwt.try_token(ctx, _jwt.forge_key_confusion(token, public))
            answers.append({"change": f"alg {token.alg} -> HS256 signed with the public key",
                            "status_code": turn.status_code})
            if turn.http_ok:
                return failed(f"key confusion: an HS256 token HMAC-signed with the service's {token.alg} public "
                              f"key was accepted (HTTP {turn.status_code}): anyone who has the public key can "
                              "mint tokens", "Pin the verification algorithm (PyJWT: algorithms=[\"RS256\"], "
                              "never a list that mixes HS* and RS*/ES*) and never use a public key as an HMAC "
                              "secret.", request=f"{turn.request.line()} with a key-confusion token",
                              answers=answers)
            confusion = f"; an HS256 token signed with the public key refused (HTTP {turn.status_code})"
    return passed(f"{tampered} tampered tokens rejected (HTTP {codes}){confusion}",
                  answers=answers)

from __future__ import annotations

from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import CheckErrored, Outcome, failed, passed, skipped, warned
from agno_check.checks.registry import check
from agno_check.checks.security import _jwt
from agno_check.checks.security.auth_required import INPROCESS_SKIP

HOUR = 3600


@check(id="security.jwt_expired", severity="high", title="Expired and exp-less JWTs are rejected",
       targets=("http",), inprocess_skip=INPROCESS_SKIP)
async def jwt_expired(ctx: CheckContext) -> Outcome:
    """What it checks: with a signing key (``--jwt-secret``, the secret security.jwt_weak_secret found, or for
    RS*/ES* tokens the PEM private key of ``--jwt-private-key``),
    the caller's claims re-signed three ways: fresh (the positive control, must work), with ``exp`` an hour in
    the past, and with no ``exp`` at all. Both of the latter must be refused; accepting only the exp-less token
    is a warning.

    Why it matters: tokens leak (logs, browser storage, screenshots); expiry is what limits the damage. A
    service that ignores ``exp``, or accepts tokens without one, honours a leaked token forever.

    How to fix: Verify expiry and require the claim (PyJWT: ``jwt.decode(token, key, algorithms=[...],
    options={"require": ["exp"]})``; AgentOS's JWT middleware accepts tokens without ``exp``, so issue only
    short-lived tokens and check ``exp`` yourself); keep the leeway small (seconds).
    """
    token = _jwt.user_jwt(ctx)
    if not token.is_hmac:
        if not ctx.settings.jwt_private_key:
            return skipped(f"the token is {token.alg or 'unsigned'}: pass the service's signing key with "
                           "--jwt-private-key FILE (RS*/ES* PEM) so agno-check can sign the probes")
        private = _jwt.load_private_key(ctx.settings.jwt_private_key, token.alg)

        def sign(claims: dict[str, Any]) -> str:
            return _jwt.sign_asymmetric(token, claims, private)

        source = "--jwt-private-key"
    else:
        if ctx.settings.jwt_secret is not None:
            key, source = ctx.settings.jwt_secret.get_secret_value(), "--jwt-secret"
        else:
            found = await _jwt.guessed_secret(ctx, token)
            if found is None:
                return skipped("no --jwt-secret and the secret was not guessed, so no token can be signed")
            key, source = found[1], "the guessed common secret"

        def sign(claims: dict[str, Any]) -> str:
            return _jwt.sign(token, claims, key)

    await ctx.valid_turn()
    now = _jwt.now()
    base = {k: v for k, v in token.claims.items() if k not in ("exp", "iat", "nbf")}
    fresh = await _jwt.try_token(ctx, sign({**base, "iat": now, "exp": now + 10 * 60}))
    if not fresh.http_ok:
        raise CheckErrored(f"a fresh token signed with {source} was refused (HTTP {fresh.status_code}), so that "
                           "key is not the one the service verifies with; the expiry probes would prove nothing")
    expired = await _jwt.try_token(ctx, sign({**base, "iat": now - 2 * HOUR, "exp": now - HOUR}))
    no_exp = await _jwt.try_token(ctx, sign({**base, "iat": now}))
    evidence = {"signed_with": source, "fresh_token": fresh.status_code, "expired_an_hour_ago": expired.status_code,
                "without_exp": no_exp.status_code}
    if expired.http_ok:
        return failed(f"a token that expired an hour ago was accepted (HTTP {expired.status_code})", **evidence)
    if no_exp.http_ok:
        return warned(f"a token with no exp claim was accepted (HTTP {no_exp.status_code}); expired ones are "
                      f"refused (HTTP {expired.status_code})",
                      "Require the exp claim when verifying (PyJWT: options={\"require\": [\"exp\"]}); "
                      "a token without one never expires.", **evidence)
    return passed(f"expired (HTTP {expired.status_code}) and exp-less (HTTP {no_exp.status_code}) tokens "
                  f"refused; a fresh one signed with {source} works", **evidence)

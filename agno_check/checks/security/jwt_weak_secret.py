from __future__ import annotations

from agno_check.checks._skip_reasons import AUTH
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.checks.security import _jwt


@check(id="security.jwt_weak_secret", severity="critical", title="The JWT secret is not a common one",
       targets=("http",), inprocess_skip=AUTH)
async def jwt_weak_secret(ctx: CheckContext) -> Outcome:
    """What it checks: offline, whether the caller's HS256/384/512 token verifies with any secret of a
    bundled list of common, tutorial and framework-default secrets (``secret``, ``your-256-bit-secret``,
    ``changeme``, the FastAPI tutorial key...). Nothing is sent to the service. A found secret is reported by
    its first two characters, length and place in the list, never in full.

    Why it matters: whoever knows the secret signs valid tokens for any user; these lists are the first thing
    an attacker tries, offline and unseen, against any token they get hold of.

    How to fix: Replace the secret with at least 32 random bytes (``python -c "import secrets;
    print(secrets.token_urlsafe(48))"``) kept in a secret store, rotate it (every token signed with the old one
    must stop working), or move to an asymmetric algorithm (RS256/EdDSA) with the private key off the service.
    """
    token = _jwt.user_jwt(ctx)
    if not token.is_hmac:
        return skipped(f"the token is signed with {token.alg or 'no algorithm'}, not HS256/384/512: there is "
                       "no shared secret to guess")
    found = await _jwt.guessed_secret(ctx, token)
    tried = len(_jwt.wordlist())
    if found is not None:
        rank, secret = found
        return failed(f"the {token.alg} token verifies with a common secret: {_jwt.describe_secret(rank, secret)}",
                      algorithm=token.alg, secret=_jwt.describe_secret(rank, secret), candidates_tried=tried)
    return passed(f"the {token.alg} signature verifies with none of {tried} common secrets",
                  algorithm=token.alg, candidates_tried=tried)

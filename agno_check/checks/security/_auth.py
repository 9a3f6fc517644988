"""Credential variants for negative probes: the caller's own credentials with exactly one thing changed.

A negative probe must differ from the valid request in the one thing under test (checks.md, positive control),
so these helpers keep every header the user passed (a tenant header, a client id) and change only the
credential: strip it, replace it with garbage, or swap in a forged bearer token.
"""

from __future__ import annotations

from agno_check.checks.outcome import Outcome, failed, passed, warned
from agno_check.targets.base import Turn
from agno_check.targets.credentials import Credentials

#: header names that carry a credential (beyond Authorization): API-key and session-cookie styles
_CREDENTIAL_WORDS = ("authorization", "cookie", "api-key", "apikey", "api_key", "token", "secret", "auth")
GARBAGE = "agno-check-invalid-credential-0000000000"


def is_credential_header(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _CREDENTIAL_WORDS)


def without_credentials(creds: Credentials) -> Credentials:
    """The same caller with no credential at all (other headers kept)."""
    return Credentials(token=None, headers=tuple((n, v) for n, v in creds.headers if not is_credential_header(n)))


def with_garbage(creds: Credentials) -> Credentials:
    """Every credential replaced by a well-formed but invalid value; a bearer token when none was given."""
    headers = tuple((n, GARBAGE if is_credential_header(n) else v) for n, v in creds.headers)
    has_auth_header = any(n.lower() == "authorization" for n, _ in headers)
    if creds.token or not has_auth_header:
        return Credentials(token=GARBAGE, headers=headers)
    return Credentials(token=None, headers=tuple((n, f"Bearer {GARBAGE}" if n.lower() == "authorization" else v)
                                                 for n, v in headers))


def bearer_token(creds: Credentials) -> str | None:
    """The caller's bearer token, from ``--token`` or from an ``Authorization: Bearer ...`` header."""
    if creds.token:
        return creds.token
    for name, value in creds.headers:
        if name.lower() == "authorization" and value.lower().startswith("bearer "):
            return value[7:].strip()
    return None


def with_bearer(creds: Credentials, token: str) -> Credentials:
    """The same caller presenting another bearer token (a forged JWT, user B's token)."""
    headers = tuple((n, v) for n, v in creds.headers if n.lower() != "authorization")
    return Credentials(token=token, headers=headers)


def judge_rejection(probe: str, turn: Turn, accepted_fix: str) -> Outcome:
    """A negative probe's verdict: 401/403 pass, 404 pass (hidden), 2xx fail, any other answer warn."""
    status = turn.status_code
    evidence = {"request": f"{turn.request.line()} ({probe})", "status_code": status,
                "body_excerpt": turn.response.excerpt(200)}
    if turn.http_ok:
        return failed(f"{probe}: accepted with HTTP {status}", accepted_fix, **evidence)
    if status in (401, 403, 404):
        return passed(f"{probe}: rejected with HTTP {status}", **evidence)
    return warned(f"{probe}: refused, but with HTTP {status} instead of 401/403", None, **evidence)

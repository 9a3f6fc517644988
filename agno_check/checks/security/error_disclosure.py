from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.checks.reliability._probes import answered_errors, error_probes, malformed_probes
from agno_check.checks.security._disclosure import BARE_EXCEPTION, Disclosure, find_disclosure
from agno_check.targets.base import Response


@check(id="security.error_disclosure", severity="high",
       title="Error bodies disclose no tracebacks, paths, exception names or SQL", phase="measure")
async def error_disclosure(ctx: CheckContext) -> Outcome:
    """What it checks: every error response of the run so far plus its own error-provoking requests (an unknown
    path, a wrong method, malformed runs, and for AgentOS out-of-range pagination and an unknown agent), all
    with valid credentials. No body may contain a stack trace, a source or install path, a module-qualified
    exception (``sqlalchemy.exc.OperationalError``), an SQL fragment or a credential agno-check sent: each of
    those fails. A bare exception class name (AgentOS's ``"Internal server error (ValueError)"``) warns.

    Why it matters: internals in error bodies map the service for an attacker: the framework and its version,
    file layout, database and table names, and which inputs reach which code.

    How to fix: Catch unexpected exceptions in one handler that logs the details server-side and answers a
    generic JSON error with a request id (``{"detail": "internal error", "request_id": ...}``); never put
    ``str(exc)`` or the exception's class name into a response.
    """
    own = await error_probes(ctx) + await malformed_probes(ctx)
    errors = answered_errors(ctx, own)
    if not errors:
        return errored("no error response was seen to inspect (every probe succeeded or broke off)")
    minor: tuple[str, Response, Disclosure] | None = None
    for label, response in errors:
        found = _secret_in(ctx, response.text) or find_disclosure(response.text)
        if found is None:
            continue
        if found.kind == BARE_EXCEPTION:
            minor = minor or (label, response, found)
            continue
        return failed(f"{found.kind} in the HTTP {response.status_code} answer to '{label}': {found.match!r}",
                      request=label, status_code=response.status_code, disclosed=found.kind,
                      body_excerpt=response.excerpt(200))
    if minor is not None:
        label, response, found = minor
        return warned(f"a bare exception class name in the HTTP {response.status_code} answer to '{label}': "
                      f"{found.match!r} (no traceback, path, SQL or secret)", None, request=label,
                      status_code=response.status_code, disclosed=found.kind, body_excerpt=response.excerpt(200))
    return passed(f"no internal detail in {len(errors)} error responses", responses=len(errors),
                  statuses=sorted({str(r.status_code) for _, r in errors}))


def _secret_in(ctx: CheckContext, text: str) -> Disclosure | None:
    """A credential the user passed (a token, a key, a JWT secret), echoed in an error body."""
    masked = ctx.redact(text)
    if masked != text and "<redacted>" not in masked.replace(text, ""):
        return Disclosure("a credential agno-check sent", "(redacted)")
    return None

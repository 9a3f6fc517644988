from __future__ import annotations

from agno_check.checks._skip_reasons import HEADERS
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, passed, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError


@check(id="security.headers", severity="low", title="Security headers: nosniff, no-store, HSTS",
       targets=("http",), inprocess_skip=HEADERS)
async def headers(ctx: CheckContext) -> Outcome:
    """What it checks: the headers of a normal run's response and of a 404: ``X-Content-Type-Options:
    nosniff`` on both, ``Cache-Control: no-store`` on the (authenticated) run response, and
    ``Strict-Transport-Security`` when the service is reached over https. Warns once per missing header.

    Why it matters: agent answers are private data; without ``no-store`` a shared proxy or browser cache may
    keep them, without ``nosniff`` a browser may execute a JSON answer as HTML, and without HSTS the first
    request of a session can be downgraded to plain http.

    How to fix: Add the headers in one middleware (or at the reverse proxy): ``X-Content-Type-Options:
    nosniff`` everywhere, ``Cache-Control: no-store`` on authenticated and run responses, and
    ``Strict-Transport-Security: max-age=31536000; includeSubDomains`` on https.
    """
    turn = await ctx.valid_turn()
    responses = [("run response", turn.response)]
    try:
        responses.append(("404 response", await ctx.get(f"/{ctx.new_session_id('agno-check-missing')}",
                                                          label="headers probe")))
    except TargetError:
        pass
    missing: list[str] = []
    for label, response in responses:
        if response.headers.get("x-content-type-options", "").strip().lower() != "nosniff":
            missing.append(f"X-Content-Type-Options: nosniff ({label})")
    cache = turn.response.headers.get("cache-control", "").lower()
    store_checked = ctx.credentials.present
    if store_checked and "no-store" not in cache:
        missing.append(f"Cache-Control: no-store (authenticated run response has {cache or 'none'!r})")
    https = ctx.target.scheme == "https"
    if https and not turn.response.headers.get("strict-transport-security"):
        missing.append("Strict-Transport-Security (https)")
    evidence = {"checked": [label for label, _ in responses],
                "run_response_headers": {k: v for k, v in turn.response.headers.items()
                                         if k in ("x-content-type-options", "cache-control",
                                                  "strict-transport-security", "x-frame-options")}}
    if missing:
        return warned(f"missing: {'; '.join(missing)}", None, missing=missing, **evidence)
    notes = [] if store_checked else ["no-store not judged: no credentials were used"]
    if not https:
        notes.append("HSTS not required over plain http")
    return passed("nosniff" + (", no-store" if store_checked else "") + (", HSTS" if https else "") + " present"
                  + (f" ({'; '.join(notes)})" if notes else ""), **evidence)

from __future__ import annotations

from typing import Any

from agno_check.checks._probes import answered_errors, error_probes, malformed_probes
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, passed, warned
from agno_check.checks.registry import check
from agno_check.targets.base import Response

MESSAGE_KEYS = ("error", "detail", "message", "msg", "errors", "title", "description", "reason")
#: not API errors: configuration.debug_disabled asks for HTML on purpose (an HTML answer is content
#: negotiation), and a refused CORS preflight is answered for the browser, which reads only its headers
NOT_API_ERRORS = ("debug probe", "CORS preflight")


def _has_message(body: Any) -> bool:
    if isinstance(body, dict):
        for key in MESSAGE_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return True
            if isinstance(value, list | dict) and value:
                return True
    return False


def shape(response: Response) -> str | None:
    """None for a structured error (JSON with a message), else what is wrong with it."""
    if not response.body.strip():
        return "an empty body"
    body = response.json()
    if body is None:
        kind = response.content_type or "no content type"
        return "an HTML page" if "html" in kind or response.text.lstrip().startswith("<") else f"plain {kind}"
    if not _has_message(body):
        return "JSON without an error message"
    claimed = _claimed_status(body)
    if claimed is not None and claimed != response.status_code:
        return f"a body that claims status {claimed}"
    return None


def _claimed_status(body: Any) -> int | None:
    """The HTTP status an error body states about itself (``{"status": 500}``, ``{"code": 404}``), if any."""
    if not isinstance(body, dict):
        return None
    for key in ("status", "status_code", "statusCode", "code"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
            return value
    return None


@check(id="reliability.error_responses", severity="low", title="Error responses are structured JSON",
       phase="measure")
async def error_responses(ctx: CheckContext) -> Outcome:
    """What it checks: every error response of the run so far (auth refusals, malformed input, 429s) plus its
    own probes (an unknown path, a wrong method, malformed runs): each should be JSON with a message
    (``{"detail": ...}``, ``{"error": ...}``), and a status stated in the body must match the HTTP status. Warns
    on HTML, plain-text, empty or message-less error bodies, and on bodies that claim another status.

    Why it matters: clients, SDKs and on-call engineers parse error bodies; an HTML page from a proxy or a bare
    ``Internal Server Error`` string gives them nothing to act on and breaks JSON clients.

    How to fix: Install one exception handler that answers every error as JSON (``{"detail": "..."}``, the
    FastAPI default), including 401/413/429 from middleware, and make the reverse proxy pass JSON errors
    through instead of its own HTML pages.
    """
    own = await error_probes(ctx) + await malformed_probes(ctx)
    errors = answered_errors(ctx, own, skip_labels=NOT_API_ERRORS)
    if not errors:
        return errored("no error response was seen (every probe succeeded or broke off)")
    unstructured: list[dict[str, object]] = []
    for label, response in errors:
        problem = shape(response)
        if problem:
            unstructured.append({"probe": label, "status_code": response.status_code, "problem": problem,
                                 "body_excerpt": response.excerpt(100)})
    codes = sorted({str(r.status_code) for _, r in errors})
    if unstructured:
        first = unstructured[0]
        return warned(f"{len(unstructured)} of {len(errors)} error responses are not structured JSON; first: "
                      f"{first['probe']} -> HTTP {first['status_code']} with {first['problem']}", None,
                      unstructured=unstructured[:10], statuses=codes)
    return passed(f"all {len(errors)} error responses are JSON with a message (HTTP {', '.join(codes)})",
                  statuses=codes)

from __future__ import annotations

from urllib.parse import urlsplit

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response

EVIL = "https://evil.example"


def _origins(ctx: CheckContext) -> list[str]:
    """A foreign origin, and one that embeds the service's own host (defeats a sloppy ``host in origin`` test)."""
    host = urlsplit(ctx.target.base_url).hostname or "service"
    return [EVIL, f"https://{host}.evil.example"]


def _allowed(response: Response, origin: str) -> str | None:
    allow = response.headers.get("access-control-allow-origin")
    credentials = response.headers.get("access-control-allow-credentials", "").strip().lower() == "true"
    if allow is None:
        return None
    if allow.strip() == origin:
        return f"reflects Origin {origin}" + (" with Access-Control-Allow-Credentials: true" if credentials else "")
    if allow.strip() == "*" and credentials:
        return "answers Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true"
    return None


@check(id="security.cors", severity="medium", title="CORS does not allow arbitrary origins")
async def cors(ctx: CheckContext) -> Outcome:
    """What it checks: a CORS preflight (``OPTIONS`` on the run route, asking for POST with ``Authorization``)
    and a real run, each from ``Origin: https://evil.example`` and from an origin that embeds the service's own
    host name. The service must not allow them: no reflected origin, and no ``*`` together with credentials.

    Why it matters: a reflected origin lets any web page a user visits call the agent with that user's
    cookies or the token the browser holds, and read the answers.

    How to fix: List the allowed origins explicitly (AgentOS: ``AgentOS(cors_allowed_origins=[...])``; FastAPI:
    ``CORSMiddleware(allow_origins=[...])``), never reflect the request's Origin, and never combine ``*`` with
    ``allow_credentials=True``.
    """
    run = ctx.profile.run_request(ctx.settings.message, ctx.new_session_id("cors"), False)
    answers: list[dict[str, object]] = []
    wildcard = False
    for origin in _origins(ctx):
        preflight = RequestSpec("OPTIONS", run.path, headers={
            "Origin": origin, "Access-Control-Request-Method": run.method,
            "Access-Control-Request-Headers": "authorization, content-type"})
        actual = RequestSpec(run.method, run.path, headers={**run.headers, "Origin": origin}, data=run.data,
                             json=run.json, content=run.content)
        for label, spec in (("preflight", preflight), ("request", actual)):
            try:
                response = await ctx.send(spec, label=f"CORS {label} from {origin}")
            except TargetError as exc:
                answers.append({"probe": f"{label} from {origin}", "error": str(exc)[:120]})
                continue
            allow = response.headers.get("access-control-allow-origin")
            answers.append({"probe": f"{label} from {origin}", "status_code": response.status_code,
                            "access-control-allow-origin": allow})
            wildcard = wildcard or (allow or "").strip() == "*"
            found = _allowed(response, origin)
            if found:
                return failed(f"the {label} {found}", request=f"{spec.method} {spec.path} with Origin: {origin}",
                              status_code=response.status_code, answers=answers)
    if not any("status_code" in a for a in answers):
        return errored("no CORS probe got an answer", answers=answers)
    if wildcard:
        return warned("Access-Control-Allow-Origin: * (without credentials): any web page can call the API with a "
                      "token it holds", "List the origins that may call the API instead of '*'.", answers=answers)
    return passed(f"{EVIL} and a look-alike origin are not allowed (preflight and request)", answers=answers)

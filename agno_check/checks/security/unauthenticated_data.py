from __future__ import annotations

import re
from typing import Any

from agno_check.checks._skip_reasons import AUTH
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.checks.security._auth import without_credentials
from agno_check.errors import TargetError
from agno_check.targets.base import Response
from agno_check.targets.profiles.agentos import AgentOSProfile

#: AgentOS 3.1.10's data routes (sessions, memories, config, traces, evals, knowledge, usage metrics, listings)
AGENTOS_ROUTES = ("/sessions", "/memories", "/config", "/traces", "/eval-runs", "/knowledge/content", "/agents",
                  "/teams", "/workflows", "/metrics", "/memory_topics", "/user_memory_stats", "/learnings",
                  "/trace_session_stats", "/knowledge/config")
#: what other agent services commonly call their data routes (each a guess; a 404 is fine)
COMMON_ROUTES = ("/sessions", "/api/sessions", "/history", "/conversations", "/messages", "/memories", "/users",
                 "/config", "/admin", "/logs", "/traces", "/threads", "/v1/threads", "/v1/files", "/runs")
#: a route found in /openapi.json is probed when its path names data
DATA_WORDS = re.compile(
    r"session|memor|histor|conversation|message|chat|thread|transcript|user|account|customer|config|setting|"
    r"trace|log|eval|knowledge|document|file|upload|run|export|dump|backup|admin|agent|team|workflow|usage|"
    r"metric|secret|key|token|credential|profile|order|debug|internal|env", re.I)
#: public by design: never judged as data
PUBLIC = re.compile(r"^/(?:|health\w*|healthz|ready|readiness|live|liveness|ping|status|version|info|docs|redoc|"
                    r"openapi\.json|favicon\.ico|robots\.txt|v1/models|models)$")
COLLECTION_KEYS = ("data", "items", "results", "records", "sessions", "memories", "runs", "messages", "metrics",
                   "traces", "users", "conversations", "agents")
MAX_OPENAPI_ROUTES = 40


def holds_data(body: Any) -> bool | None:
    """True: records or settings; False: an empty collection; None: not JSON data at all."""
    if isinstance(body, list):
        return bool(body)
    if isinstance(body, dict):
        for key in COLLECTION_KEYS:
            if isinstance(body.get(key), list):
                return bool(body[key])
        return bool(body)
    return None


async def _openapi_routes(ctx: CheckContext) -> list[str]:
    try:
        response = await ctx.get("/openapi.json", credentials=without_credentials(ctx.credentials),
                                 label="openapi (unauthenticated_data)")
    except TargetError:
        return []
    spec = response.json() if response.status_code == 200 else None
    paths = spec.get("paths") if isinstance(spec, dict) else None
    if not isinstance(paths, dict):
        return []
    found = [p for p, ops in paths.items() if isinstance(ops, dict) and "get" in ops and "{" not in p
             and not PUBLIC.match(p.rstrip("/") or "/") and DATA_WORDS.search(p)]
    return found[:MAX_OPENAPI_ROUTES]


async def _routes(ctx: CheckContext) -> tuple[list[str], str]:
    from_openapi = await _openapi_routes(ctx)
    if isinstance(ctx.profile, AgentOSProfile):
        turn = await ctx.valid_turn()
        known = list(AGENTOS_ROUTES) + [f"/agents/{ctx.profile.agent_id}"]
        if turn.parsed.session_id:
            known += [f"/sessions/{turn.parsed.session_id}", f"/sessions/{turn.parsed.session_id}/runs"]
        source = "AgentOS data routes"
    else:
        known = list(COMMON_ROUTES)
        source = "common data routes"
    if from_openapi:
        source += f" and {len(from_openapi)} from /openapi.json"
    return list(dict.fromkeys(known + from_openapi)), source


def _judge(response: Response) -> str | None:
    """'data' / 'empty' for a 2xx JSON answer, None for anything else (refused, missing, or not JSON data)."""
    if not 200 <= response.status_code < 300 or "html" in response.content_type:
        return None
    verdict = holds_data(response.json())
    if verdict is None:
        return None
    return "data" if verdict else "empty"


@check(id="security.unauthenticated_data", severity="critical",
       title="Data routes (sessions, memories, config) need credentials", targets=("http",),
       inprocess_skip=AUTH)
async def unauthenticated_data(ctx: CheckContext) -> Outcome:
    """What it checks: data routes requested with no credentials: for AgentOS its sessions, the session of a
    run just made, memories, config, traces, eval runs, knowledge, the agent listing (with instructions) and
    usage metrics; for other services common data paths and the parameter-free GET routes of
    ``/openapi.json`` that name data. 401/403/404 pass; a 2xx with JSON records fails (an empty collection
    warns: the route is open, there was just nothing in it).

    Why it matters: conversations, memories and configuration are the users' and the company's data; a route
    that serves them to anyone is a breach waiting for its first visitor, whatever the run endpoint requires.

    How to fix: Put every route but health behind the same authentication as the runs (AgentOS:
    ``OS_SECURITY_KEY`` or JWT authorization covers all of them; FastAPI: a router-level dependency), and scope
    session and memory routes to the caller (AgentOS ``user_isolation=True`` with JWT).
    """
    routes, source = await _routes(ctx)
    anonymous = without_credentials(ctx.credentials)
    served: list[dict[str, object]] = []
    empty: list[str] = []
    answered: dict[str, int] = {}
    for path in routes:
        try:
            response = await ctx.get(path, credentials=anonymous, label="unauthenticated data probe")
        except TargetError:
            continue
        answered[path] = response.status_code
        verdict = _judge(response)
        if verdict == "data":
            served.append({"route": f"GET {path}", "status_code": response.status_code,
                           "body_excerpt": response.excerpt(120)})
        elif verdict == "empty":
            empty.append(path)
    if not answered:
        return errored(f"none of the {len(routes)} data routes answered")
    evidence = {"probed": f"{len(answered)} routes ({source}) without credentials", "statuses": answered}
    if served:
        names = ", ".join(str(s["route"]) for s in served[:6])
        return failed(f"{len(served)} data routes served data without credentials: {names}",
                      served=served[:10], **evidence)
    if empty:
        return warned(f"{len(empty)} data routes answer 2xx without credentials (empty right now): "
                      f"{', '.join(empty[:6])}", None, open_routes=empty, **evidence)
    return passed(f"none of {len(answered)} data routes ({source}) serves data without credentials", **evidence)

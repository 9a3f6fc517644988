from __future__ import annotations

import re
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.checks.security._auth import without_credentials
from agno_check.checks.security._surface import WRONG_TYPE, reached_handler, surface
from agno_check.checks.security.auth_required import INPROCESS_SKIP
from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response
from agno_check.targets.profiles import AgentOSProfile

#: AgentOS 3.1.10's data routes read with GET (sessions, memories, config, traces, evals, knowledge, usage
#: metrics, listings, schedules, filesystem, service accounts, approvals, registry, components, the job queue)
AGENTOS_ROUTES = ("/sessions", "/memories", "/config", "/traces", "/eval-runs", "/knowledge/content", "/agents",
                  "/teams", "/workflows", "/metrics", "/memory_topics", "/user_memory_stats", "/learnings",
                  "/trace_session_stats", "/knowledge/config", "/schedules", "/service-accounts", "/approvals",
                  "/registry", "/components", "/queue", "/filesystem/files", "/filesystem/entries",
                  "/filesystem/search", "/filesystem/content", "/learnings/users", "/metrics/refresh/status")
#: AgentOS 3.1.10's write routes, each with a body (or query) invalid by its schema, so a handler that is
#: reached refuses it (400/422) before it changes anything: (method, route as /openapi.json names it, request)
AGENTOS_WRITES: tuple[tuple[str, str, RequestSpec], ...] = (
    ("knowledge upload", "/knowledge/content",
     RequestSpec("POST", "/knowledge/content", data={"chunk_size": WRONG_TYPE})),
    ("knowledge remote content (the server fetches a URL)", "/knowledge/remote-content",
     RequestSpec("POST", "/knowledge/remote-content", data={})),
    ("knowledge search", "/knowledge/search", RequestSpec("POST", "/knowledge/search", json={})),
    ("memory create", "/memories", RequestSpec("POST", "/memories", json={})),
    ("memory optimisation", "/optimize-memories", RequestSpec("POST", "/optimize-memories", json={})),
    ("session delete", "/sessions", RequestSpec("DELETE", "/sessions", json={})),
    ("learning create", "/learnings", RequestSpec("POST", "/learnings", json={})),
    ("eval run", "/eval-runs", RequestSpec("POST", "/eval-runs", json={})),
    ("metrics refresh", "/metrics/refresh",
     RequestSpec("POST", "/metrics/refresh", params={"background": WRONG_TYPE})),
    ("schedule create", "/schedules", RequestSpec("POST", "/schedules", json={"cron": 0})),
    ("service account create", "/service-accounts", RequestSpec("POST", "/service-accounts", json={"name": 0})),
    ("component create", "/components", RequestSpec("POST", "/components", json={"name": 0})),
    ("database migration", "/databases/{db_id}/migrate",
     RequestSpec("POST", "/databases/agno-check-missing-db/migrate", params={"target_version": WRONG_TYPE})),
)
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
       inprocess_skip=INPROCESS_SKIP)
async def unauthenticated_data(ctx: CheckContext) -> Outcome:
    """What it checks: data routes requested with no credentials: for AgentOS every data route of 3.1.10 (its
    sessions, the session of a run just made, memories, config, traces, eval runs, knowledge, the agent
    listing with instructions, usage metrics, schedules, filesystem, service accounts, approvals, registry,
    components, the job queue) and its write routes (knowledge upload and remote content, knowledge search,
    memories, sessions, learnings, evals, metrics refresh, schedules, service accounts, components, database
    migration), each write sent with a body or query invalid by its schema so nothing changes; for other
    services common data paths and the parameter-free GET routes of ``/openapi.json`` that name data.
    401/403/404 pass; a 2xx with JSON records fails, and so does a 400/422 from an AgentOS route (the handler
    validated the request: no credential was asked for); an empty collection warns (the route is open, there
    was just nothing in it).

    Why it matters: conversations, memories and configuration are the users' and the company's data; a route
    that serves them to anyone is a breach waiting for its first visitor, whatever the run endpoint requires.

    How to fix: Put every route but health behind the same authentication as the runs (AgentOS:
    ``OS_SECURITY_KEY`` or JWT authorization covers all of them; FastAPI: a router-level dependency), and scope
    session and memory routes to the caller (AgentOS ``user_isolation=True`` with JWT).
    """
    routes, source = await _routes(ctx)
    anonymous = without_credentials(ctx.credentials)
    served: list[dict[str, object]] = []
    reached: list[dict[str, object]] = []
    empty: list[str] = []
    answered: dict[str, int] = {}
    for path in routes:
        try:
            response = await ctx.get(path, credentials=anonymous, label="unauthenticated data probe")
        except TargetError:
            continue
        answered[f"GET {path}"] = response.status_code
        verdict = _judge(response)
        if verdict == "data":
            served.append({"route": f"GET {path}", "status_code": response.status_code,
                           "body_excerpt": response.excerpt(120)})
        elif verdict == "empty":
            empty.append(f"GET {path}")
        elif response.status_code in (400, 422) and isinstance(ctx.profile, AgentOSProfile):
            reached.append({"route": f"GET {path}", "status_code": response.status_code,
                            "why": reached_handler(response), "body_excerpt": response.excerpt(120)})
    writes = await _write_probes(ctx)
    for what, spec in writes:
        try:
            response = await ctx.send(spec, credentials=anonymous, label=f"unauthenticated write probe: {what}")
        except TargetError:
            continue
        answered[f"{spec.line()} ({what}, invalid body)"] = response.status_code
        why = reached_handler(response)
        if why:
            reached.append({"route": f"{spec.line()} ({what})", "status_code": response.status_code, "why": why,
                            "body_excerpt": response.excerpt(120)})
    if not answered:
        return errored(f"none of the {len(routes) + len(writes)} data routes answered")
    probed = f"{len(answered)} routes ({source}{f', {len(writes)} write routes' if writes else ''})"
    evidence = {"probed": f"{probed} without credentials", "statuses": answered}
    if served or reached:
        parts = []
        if served:
            parts.append(f"{len(served)} served data ({', '.join(str(s['route']) for s in served[:6])})")
        if reached:
            parts.append(f"{len(reached)} reached their handler ({', '.join(str(r['route']) for r in reached[:4])}: "
                         f"HTTP {reached[0]['status_code']} to a request invalid by its schema, not 401/403)")
        return failed(f"without credentials: {'; '.join(parts)}", served=served[:20], reached=reached[:40],
                      **evidence)
    if empty:
        return warned(f"{len(empty)} data routes answer 2xx without credentials (empty right now): "
                      f"{', '.join(empty[:6])}", None, open_routes=empty, **evidence)
    return passed(f"none of {probed} serves data or reaches its handler without credentials", **evidence)


async def _write_probes(ctx: CheckContext) -> list[tuple[str, RequestSpec]]:
    """AgentOS's write routes, each with an invalid body; only those /openapi.json lists when it is served."""
    if not isinstance(ctx.profile, AgentOSProfile):
        return []
    seen = await surface(ctx)
    return [(what, RequestSpec(spec.method, spec.path, data=dict(spec.data) if spec.data is not None else None,
                               json=spec.json, params=spec.params))
            for what, template, spec in AGENTOS_WRITES if seen.mounted(spec.method, template) is not False]

from __future__ import annotations

import uuid
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.checks.security._auth import without_credentials
from agno_check.checks.security._surface import Probe, Surface, refused, surface
from agno_check.checks.security.auth_required import INPROCESS_SKIP
from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response
from agno_check.targets.profiles import AgentOSProfile

#: what an empty A2A ``message:send`` looks like: valid JSON, invalid by the A2A schema (no id, no params)
EMPTY_JSON: dict[str, Any] = {}


async def _ids(ctx: CheckContext, listing: str) -> list[str]:
    """Ids of the teams or workflows the caller (with credentials) can list; empty when the listing fails."""
    try:
        response = await ctx.get(listing, label=f"GET {listing} (ids for entry-point probes)")
    except TargetError:
        return []
    body = response.json() if response.status_code == 200 else None
    items = body if isinstance(body, list) else (body.get("data") if isinstance(body, dict) else None)
    return [str(item["id"]) for item in items or [] if isinstance(item, dict) and item.get("id")][:2]


async def entry_point_probes(ctx: CheckContext, seen: Surface) -> list[Probe]:
    """Every other door that runs an agent, a team, a workflow or a tool, as a harmless request.

    Run routes get an empty message (AgentOS answers 422 before running anything); A2A and AG-UI an empty JSON
    object (invalid by their schemas); the MCP tool route and schedule triggers an id that does not exist.
    Only routes /openapi.json lists are probed (MCP routes: when /info says MCP is on); when the app does not
    publish its routes, AgentOS's usual ones are probed and a 404 is read as "not there".
    """
    missing = f"agno-check-missing-{uuid.uuid4().hex[:8]}"
    empty_run = {"message": "", "stream": "false"}
    candidates: list[Probe] = []
    for kind, listing in (("teams", "/teams"), ("workflows", "/workflows")):
        template = f"/{kind}/{{{kind[:-1]}_id}}/runs"
        if seen.mounted("post", template) is not False:
            for entity in await _ids(ctx, listing) or [missing]:
                candidates.append(Probe(f"{kind[:-1]} run ({entity})", template,
                                        RequestSpec("POST", f"/{kind}/{entity}/runs", data=dict(empty_run))))
    for kind in ("agents", "teams", "workflows"):
        template = f"/a2a/{kind}/{{id}}/v1/message:send"
        if seen.mounted("post", template) is not False:
            entity = ctx.profile.agent_id if kind == "agents" else (await _ids(ctx, f"/{kind}") or [missing])[0]
            candidates.append(Probe(f"A2A message:send ({kind[:-1]} {entity})", template,
                                    RequestSpec("POST", f"/a2a/{kind}/{entity}/v1/message:send", json=EMPTY_JSON)))
    for template in seen.templates_like(r"/agui$"):
        if seen.mounted("post", template) and "{" not in template:
            candidates.append(Probe("AG-UI run", template, RequestSpec("POST", template, json=EMPTY_JSON)))
    info = seen.info or seen.inner_info
    mcp = info.get("mcp") if isinstance(info, dict) else None
    if isinstance(mcp, dict) and mcp.get("enabled"):
        path = str(mcp.get("path") or "/mcp").rstrip("/") or "/mcp"
        candidates.append(Probe("MCP server", path, RequestSpec(
            "POST", path, json=EMPTY_JSON, headers={"Accept": "application/json, text/event-stream"})))
        if mcp.get("tool_run_endpoint"):
            tool_path = f"{path}/server/tools/{missing}/run"
            candidates.append(Probe("MCP tool run over HTTP", f"{path}/server/tools/{{tool_name}}/run",
                                    RequestSpec("POST", tool_path, json=EMPTY_JSON)))
    if seen.mounted("post", "/schedules/{schedule_id}/trigger") is not False:
        candidates.append(Probe("schedule trigger", "/schedules/{schedule_id}/trigger",
                                RequestSpec("POST", f"/schedules/{missing}/trigger")))
    return candidates


def _door(response: Response, known: bool) -> str | None:
    """Why an anonymous answer shows the route's handler ran, or None when it was refused (or, for a route
    not known to be mounted, when it is a 404: the route may not be there)."""
    status = response.status_code
    if refused(response) or status >= 500 or status in (405, 429) or (status == 404 and not known):
        return None
    if 200 <= status < 300:
        return f"HTTP {status}: it ran"
    return f"HTTP {status} from the handler (it validated the request; no credential was asked for)"


@check(id="security.run_entry_points", severity="critical",
       title="Every route that runs an agent or a tool needs credentials", targets=("http",),
       inprocess_skip=INPROCESS_SKIP)
async def run_entry_points(ctx: CheckContext) -> Outcome:
    """What it checks: for AgentOS, every other door that runs something, sent without credentials: team and
    workflow runs, A2A ``message:send`` (agents, teams, workflows), AG-UI, the MCP server ``/mcp`` and its
    ``/mcp/server/tools/{name}/run`` route, schedule triggers. Each probe is harmless (an empty message, an
    empty JSON object that the protocol's schema refuses, an id or tool name that does not exist), and only
    routes the app's ``/openapi.json`` lists are probed (MCP: when ``/info`` says it is on), so a 404 from a
    handler means the handler was reached. 401/403 pass; a 2xx, or a 400/404/422 from the handler, fails.

    Why it matters: protecting ``POST /agents/{id}/runs`` is not enough when the same agents answer on
    ``/a2a/.../message:send`` or the MCP tool route: a second, unguarded door spends the model budget and
    runs the tools for anyone (agno#10052 for A2A; in AgentOS's auth mode ``none`` every door is open).

    How to fix: Put every route behind one authentication layer (AgentOS: ``OS_SECURITY_KEY`` or JWT
    authorization guard REST, A2A and ``/mcp`` alike); turn off interfaces you do not use
    (``a2a_interface=False``, no ``mcp_server``); a gateway in front must allow-list paths, not deny-list them.
    """
    if not isinstance(ctx.profile, AgentOSProfile):
        return skipped(f"the {ctx.profile.name} protocol has one run route; the other AgentOS entry points "
                       "(teams, workflows, A2A, AG-UI, MCP, schedules) do not apply")
    seen = await surface(ctx)
    anonymous = without_credentials(ctx.credentials)
    main_spec = RequestSpec("POST", ctx.profile.runs_path, data={"message": "", "stream": "false"})
    try:
        main = await ctx.send(main_spec, credentials=anonymous, label="main run route, no credentials")
    except TargetError as exc:
        return errored(f"the main run route did not answer an anonymous empty run ({exc})")
    main_protected = refused(main)
    probes = await entry_point_probes(ctx, seen)
    mcp = (seen.info or seen.inner_info or {}).get("mcp")
    mcp_path = str(mcp.get("path") or "/mcp") if isinstance(mcp, dict) and mcp.get("enabled") else "\0"
    if seen.paths is None:
        routes = (f"/openapi.json not served (HTTP {seen.openapi_status}): AgentOS's usual routes were probed, "
                  "a 404 read as not mounted")
    else:
        routes = f"routes from /openapi.json ({seen.openapi_source})"
    evidence: dict[str, Any] = {
        "main_route": {"request": f"{main_spec.line()} (empty message, no credentials)",
                       "status_code": main.status_code},
        "routes": routes,
    }
    if not probes:
        return skipped(f"no other entry point is mounted ({routes}); the main run route answered "
                       f"HTTP {main.status_code} without credentials", **evidence)
    open_doors: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for probe in probes:
        try:
            response = await ctx.send(probe.spec, credentials=anonymous, label=f"entry point: {probe.what}")
        except TargetError as exc:
            answers.append({"entry_point": probe.what, "request": probe.spec.line(), "error": str(exc)[:120]})
            continue
        answers.append({"entry_point": probe.what, "request": probe.spec.line(), "status_code": response.status_code})
        why = _door(response, known=seen.mounted(probe.spec.method, probe.template) is not None
                    or probe.template.startswith(mcp_path))
        if why:
            open_doors.append({"entry_point": probe.what, "route": f"{probe.spec.method} {probe.template}",
                               "status_code": response.status_code, "why": why,
                               "body_excerpt": response.excerpt(120)})
    evidence["probes"] = answers
    if open_doors:
        first = open_doors[0]
        names = ", ".join(str(d["entry_point"]) for d in open_doors[:5])
        context = ("while the main run route refuses anonymous callers (a second door)" if main_protected
                   else f"and the main run route is open too (HTTP {main.status_code})")
        return failed(f"{len(open_doors)} entry point(s) answered without credentials {context}: {names}; first: "
                      f"{first['route']} -> {first['why']}", open_doors=open_doors, **evidence)
    if not any("status_code" in a for a in answers):
        return errored(f"none of the {len(answers)} entry-point probes got an answer", **evidence)
    refusals = [a for a in answers if a.get("status_code") in (401, 403)]
    others = [f"{a['entry_point']}: HTTP {a['status_code']}" for a in answers
              if "status_code" in a and a not in refusals]
    if not refusals:
        return errored(f"no entry point refused or ran: {'; '.join(others[:4])}", **evidence)
    codes = ", ".join(sorted({str(a["status_code"]) for a in refusals}))
    detail = (f"{len(refusals)} other entry points refuse anonymous callers (HTTP {codes}): "
              f"{', '.join(str(a['entry_point']) for a in refusals[:6])}")
    if others:
        detail += f"; {len(others)} answered with an error that ran nothing ({'; '.join(others[:3])})"
    return passed(detail, **evidence)

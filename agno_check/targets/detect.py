"""``--profile auto``: decide how to talk to a service from its OpenAPI document and a few probes."""

from __future__ import annotations

from dataclasses import dataclass

from agno_check.errors import ProtocolError, TargetError, UsageError
from agno_check.targets.base import RequestSpec
from agno_check.targets.http import HttpTarget
from agno_check.targets.profiles import AgentOSProfile, JsonProfile, OpenAIProfile, Profile


@dataclass
class ProfileOptions:
    """What the user said about the protocol; empty fields are discovered."""

    profile: str = "auto"
    agent_id: str | None = None
    model: str | None = None
    endpoint: str | None = None
    message_field: str = "message"
    session_field: str = "session_id"
    response_field: str = "response"
    user_id: str | None = None


async def _openapi_paths(target: HttpTarget) -> dict:
    try:
        response = await target.send(RequestSpec("GET", "/openapi.json"))
    except TargetError:
        raise
    body = response.json() if response.status_code == 200 else None
    if isinstance(body, dict) and isinstance(body.get("paths"), dict):
        return body["paths"]
    return {}


async def _agent_id(target: HttpTarget, wanted: str | None) -> tuple[str, str | None]:
    if wanted:
        return wanted, None
    response = await target.send(RequestSpec("GET", "/agents"))
    if response.status_code in (401, 403):
        raise UsageError(f"GET /agents answered {response.status_code}: pass --token, or --agent-id")
    body = response.json()
    agents = body if isinstance(body, list) else (body or {}).get("agents") if isinstance(body, dict) else None
    ids = [a.get("id") or a.get("agent_id") for a in agents or [] if isinstance(a, dict)]
    ids = [i for i in ids if i]
    if not ids:
        raise ProtocolError(f"GET /agents listed no agent (HTTP {response.status_code}): pass --agent-id")
    note = f"agent {ids[0]!r} of {len(ids)} (choose with --agent-id)" if len(ids) > 1 else None
    return ids[0], note


async def _model(target: HttpTarget, wanted: str | None) -> str:
    if wanted:
        return wanted
    try:
        response = await target.send(RequestSpec("GET", "/v1/models"))
    except TargetError:
        return "default"
    body = response.json()
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], dict) and data[0].get("id"):
        return str(data[0]["id"])
    return "default"


def _json_profile(options: ProfileOptions, endpoint: str) -> JsonProfile:
    return JsonProfile(endpoint=endpoint, message_field=options.message_field,
                       session_field=options.session_field, response_field=options.response_field)


async def resolve_profile(target: HttpTarget, options: ProfileOptions) -> tuple[Profile, list[str]]:
    """Return the profile to use and notes for the user (what was chosen, and why, when it was a guess)."""
    notes: list[str] = []
    chosen = options.profile
    if chosen == "auto":
        paths = await _openapi_paths(target)
        if any(p.startswith("/agents/{") and p.endswith("/runs") for p in paths):
            chosen, why = "agentos", "its OpenAPI document has /agents/{agent_id}/runs"
        elif "/v1/chat/completions" in paths or "/chat/completions" in paths:
            chosen, why = "openai", "its OpenAPI document has /v1/chat/completions"
        elif options.endpoint:
            chosen, why = "json", f"--endpoint {options.endpoint} was given"
        elif "/query" in paths:
            chosen, why = "json", "its OpenAPI document has /query"
        else:
            probe = await target.send(RequestSpec("GET", "/v1/models"))
            if probe.status_code == 200 and isinstance(probe.json(), dict) and "data" in (probe.json() or {}):
                chosen, why = "openai", "GET /v1/models answered like an OpenAI-compatible API"
            else:
                agents = await target.send(RequestSpec("GET", "/agents"))
                if agents.status_code in (200, 401, 403) and agents.content_type == "application/json" \
                        and (agents.status_code != 200 or isinstance(agents.json(), list)):
                    chosen, why = "agentos", f"GET /agents answered {agents.status_code} JSON"
                else:
                    chosen, why = "json", "nothing else matched; trying POST /query"
        notes.append(f"profile: {chosen} ({why}; set --profile to choose)")
    if chosen == "agentos":
        profile_agent, note = await _agent_id(target, options.agent_id)
        if note:
            notes.append(note)
        return AgentOSProfile(agent_id=profile_agent, user_id=options.user_id), notes
    if chosen == "openai":
        path = options.endpoint or "/v1/chat/completions"
        return OpenAIProfile(model=await _model(target, options.model), path=path), notes
    if chosen == "json":
        return _json_profile(options, options.endpoint or "/query"), notes
    raise UsageError(f"unknown profile {chosen!r}: expected auto, agentos, openai or json")

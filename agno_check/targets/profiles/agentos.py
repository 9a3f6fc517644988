"""AgentOS agents: ``POST /agents/{agent_id}/runs`` as a multipart form, SSE events when streamed.

The AgentOS family (agents here; teams and workflows in their own modules) shares the run form, the events and
the listing routes (``GET /agents``, ``/teams``, ``/workflows``), so the subclasses only say which component
they run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from agno_check.errors import ProtocolError, UsageError
from agno_check.targets.base import ParsedTurn, RequestSpec
from agno_check.targets.profiles.base import Profile, ProtocolOption, Service, StreamReader, int_or_none
from agno_check.targets.profiles.registry import protocol
from agno_check.targets.sse import SseEvent

#: what an AgentOS can run, by listing route (and the run route's first segment)
COMPONENTS = ("agents", "teams", "workflows")
USER_ID = ProtocolOption("user_id", "AgentOS: the user_id sent with every run (default: none).")


def listed_ids(body: Any) -> list[str]:
    """The ids of ``GET /agents`` (``/teams``, ``/workflows``): a list of objects, or ``{"agents": [...]}``."""
    items = body if isinstance(body, list) else None
    if isinstance(body, dict):
        items = next((body[k] for k in (*COMPONENTS, "data") if isinstance(body.get(k), list)), None)
    ids = [i.get("id") or i.get("agent_id") or i.get("team_id") or i.get("workflow_id")
           for i in items or [] if isinstance(i, dict)]
    return [str(i) for i in ids if i]


async def served(service: Service) -> dict[str, list[str]]:
    """What the AgentOS serves, by component (components it does not list are left out)."""
    found: dict[str, list[str]] = {}
    for component in COMPONENTS:
        body = await service.get_json(f"/{component}")
        if body is not None:
            found[component] = listed_ids(body)
    return found


def has_run_route(paths: dict[str, Any], component: str) -> bool:
    return any(p.startswith(f"/{component}/{{") and p.endswith("/runs") for p in paths)


class _AgentOSStream(StreamReader):
    def feed(self, event: SseEvent) -> str:
        payload = self.payload(event)
        if payload is None:
            return ""
        name = payload.get("event") or event.event
        self.parsed.session_id = payload.get("session_id") or self.parsed.session_id
        self.parsed.run_id = payload.get("run_id") or self.parsed.run_id
        if name in ("RunContent", "TeamRunContent"):
            content = payload.get("content")
            if isinstance(content, str):
                self.parsed.content += content
                return content
        elif name in ("RunCompleted", "TeamRunCompleted"):
            self.done = True
            self.parsed.agent_status = "COMPLETED"
            if not self.parsed.content and isinstance(payload.get("content"), str):
                self.parsed.content = payload["content"]
            metrics = payload.get("metrics") or {}
            self.parsed.input_tokens = int_or_none(metrics.get("input_tokens"))
            self.parsed.output_tokens = int_or_none(metrics.get("output_tokens"))
        elif name in ("RunError", "TeamRunError", "error"):
            self.done = True
            self.parsed.agent_status = "ERROR"
            self.parsed.agent_error = str(payload.get("content") or payload.get("error") or "run error")
        elif name in ("RunCancelled", "TeamRunCancelled"):
            self.done = True
            self.parsed.agent_status = "CANCELLED"
            self.parsed.agent_error = str(payload.get("reason") or "run cancelled")
        return ""


@protocol
@dataclass
class AgentOSProfile(Profile):
    """AgentOS: ``POST /agents/{id}/runs`` as a multipart form, SSE events when streamed."""

    agent_id: str = "agent"
    user_id: str | None = None
    name: ClassVar[str] = "agentos"
    summary: ClassVar[str] = "AgentOS agents: POST /agents/{id}/runs"
    options: ClassVar[tuple[ProtocolOption, ...]] = (
        ProtocolOption("agent_id", "AgentOS agent id (default: the first of GET /agents)."), USER_ID)
    detect_order: ClassVar[int] = 20
    probe_order: ClassVar[int] = 40
    #: the run route's component and the option that names its id
    component: ClassVar[str] = "agents"
    id_option: ClassVar[str] = "agent_id"

    # --- choosing and building -------------------------------------------------------------------------------

    @classmethod
    async def detect(cls, service: Service, values: dict[str, Any]) -> str | None:
        if has_run_route(await service.openapi_paths(), cls.component):
            return f"its OpenAPI document has /{cls.component}/{{id}}/runs"
        return None

    @classmethod
    async def probe(cls, service: Service, values: dict[str, Any]) -> str | None:
        listing = await service.get(f"/{cls.component}")
        if listing.status_code in (200, 401, 403) and listing.content_type == "application/json" \
                and (listing.status_code != 200 or isinstance(listing.json(), list)):
            return f"GET /{cls.component} answered {listing.status_code} JSON"
        return None

    @classmethod
    async def resolve(cls, service: Service, values: dict[str, Any]) -> tuple[Profile, list[str]]:
        if values.get(cls.id_option):
            return cls.from_values(values), []
        flag = "--" + cls.id_option.replace("_", "-")
        response = await service.get(f"/{cls.component}")
        if response.status_code in (401, 403):
            raise UsageError(f"GET /{cls.component} answered {response.status_code}: pass --token, or {flag}")
        ids = listed_ids(response.json())
        if not ids:
            raise ProtocolError(f"GET /{cls.component} listed no {cls.component[:-1]} "
                                f"(HTTP {response.status_code}): pass {flag}")
        note = f"{cls.component[:-1]} {ids[0]!r} of {len(ids)} (choose with {flag})" if len(ids) > 1 else None
        return cls.from_values({**values, cls.id_option: ids[0]}), [note] if note else []

    @classmethod
    def complete_values(cls, values: dict[str, Any], get_json: Any) -> dict[str, Any]:
        if values.get(cls.id_option):
            return values
        ids = listed_ids(get_json(f"/{cls.component}"))
        if not ids:
            raise ValueError(f"GET /{cls.component} listed no {cls.component[:-1]}: set {cls.id_option}")
        return {**values, cls.id_option: ids[0]}

    async def not_found_hint(self, service: Service) -> str:
        from agno_check.targets.profiles import protocols

        listing = await served(service)
        what = "; ".join(f"{component}: {', '.join(ids) or 'none'}" for component, ids in listing.items())
        family = ["--" + cls.id_option.replace("_", "-") for cls in protocols().values()
                  if issubclass(cls, AgentOSProfile)]
        flags = f"{', '.join(family[:-1])} or {family[-1]}" if len(family) > 1 else family[0]
        if not what:
            return f"wrong --profile or {flags}?"
        return f"no {self.component[:-1]} {self.agent_id!r} here; the AgentOS serves {what} (choose with {flags})"

    # --- one turn ------------------------------------------------------------------------------------------

    @property
    def component_path(self) -> str:
        """The component's own route: ``/agents/{id}`` (``/teams/{id}``, ``/workflows/{id}``)."""
        return f"/{self.component}/{self.agent_id}"

    @property
    def runs_path(self) -> str:
        return f"{self.component_path}/runs"

    def run_request(self, message: str, session_id: str | None, stream: bool) -> RequestSpec:
        form = {"message": message, "stream": "true" if stream else "false"}
        if session_id:
            form["session_id"] = session_id
        if self.user_id:
            form["user_id"] = self.user_id
        return RequestSpec("POST", self.runs_path, data=form, stream=stream)

    def parse(self, body: Any) -> ParsedTurn:
        if not isinstance(body, dict):
            return ParsedTurn(agent_error="the answer is not a JSON object", data=body)
        status = body.get("status")
        content = body.get("content")
        metrics = body.get("metrics") or {}
        parsed = ParsedTurn(
            content=content if isinstance(content, str) else (json.dumps(content) if content else ""),
            agent_status=status if isinstance(status, str) else None,
            input_tokens=int_or_none(metrics.get("input_tokens")) if isinstance(metrics, dict) else None,
            output_tokens=int_or_none(metrics.get("output_tokens")) if isinstance(metrics, dict) else None,
            session_id=body.get("session_id"),
            run_id=body.get("run_id"),
            data=body,
        )
        if isinstance(status, str) and status.upper() in ("ERROR", "CANCELLED", "FAILED"):
            parsed.agent_error = parsed.content or status
        return parsed

    def stream_reader(self) -> StreamReader:
        return _AgentOSStream()

    def malformed_requests(self) -> list[tuple[str, RequestSpec]]:
        path = self.runs_path
        return [
            ("JSON body instead of a form", RequestSpec("POST", path, json={"message": "hi", "stream": False})),
            ("invalid JSON with a JSON content type",
             RequestSpec("POST", path, content=b'{"message": "hi",', headers={"content-type": "application/json"})),
            ("missing message field", RequestSpec("POST", path, data={"stream": "false"})),
            ("empty message", RequestSpec("POST", path, data={"message": "", "stream": "false"})),
            ("wrongly typed stream field", RequestSpec("POST", path, data={"message": "hi", "stream": "maybe"})),
            ("plain-text body", RequestSpec("POST", path, content=b"hi", headers={"content-type": "text/plain"})),
        ]

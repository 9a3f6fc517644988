"""A plain JSON endpoint: ``POST /query {"message", "session_id"}`` -> ``{"response"}`` (names configurable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from agno_check.targets.base import ParsedTurn, RequestSpec
from agno_check.targets.profiles.base import ENDPOINT, Profile, ProtocolOption, Service, StreamReader, int_or_none
from agno_check.targets.profiles.registry import protocol
from agno_check.targets.sse import SseEvent


class _JsonStream(StreamReader):
    def feed(self, event: SseEvent) -> str:  # pragma: no cover - the JSON profile does not stream
        return ""


@protocol
@dataclass
class JsonProfile(Profile):
    """A plain JSON endpoint: ``POST /query {"message", "session_id"}`` -> ``{"response"}`` (names configurable)."""

    endpoint: str = "/query"
    message_field: str = "message"
    session_field: str = "session_id"
    response_field: str = "response"
    name: ClassVar[str] = "json"
    summary: ClassVar[str] = 'a JSON endpoint: POST /query {"message", "session_id"} -> {"response"}'
    options: ClassVar[tuple[ProtocolOption, ...]] = (
        ENDPOINT,
        ProtocolOption("message_field", "json profile: request field of the message.", default="message"),
        ProtocolOption("session_field", "json profile: request field of the session id.", default="session_id"),
        ProtocolOption("response_field", "json profile: response field of the answer.", default="response"),
    )
    can_stream: ClassVar[bool] = False
    #: last: the fallback when nothing else matched
    detect_order: ClassVar[int] = 1000
    probe_order: ClassVar[int] = 1000

    @classmethod
    async def detect(cls, service: Service, values: dict[str, Any]) -> str | None:
        if values.get("endpoint"):
            return f"--endpoint {values['endpoint']} was given"
        if "/query" in await service.openapi_paths():
            return "its OpenAPI document has /query"
        return None

    @classmethod
    async def probe(cls, service: Service, values: dict[str, Any]) -> str | None:
        return "nothing else matched; trying POST /query"

    def run_request(self, message: str, session_id: str | None, stream: bool) -> RequestSpec:
        body: dict[str, Any] = {self.message_field: message}
        if session_id:
            body[self.session_field] = session_id
        return RequestSpec("POST", self.endpoint, json=body)

    def parse(self, body: Any) -> ParsedTurn:
        if not isinstance(body, dict):
            return ParsedTurn(agent_error="the answer is not a JSON object", data=body)
        content = body.get(self.response_field)
        parsed = ParsedTurn(content=content if isinstance(content, str) else "", data=body,
                            session_id=body.get(self.session_field))
        if content is None and ("error" in body or "detail" in body):
            parsed.agent_error = str(body.get("error") or body.get("detail"))[:500]
        status = body.get("status")
        if isinstance(status, str) and status.upper() in ("ERROR", "FAILED"):
            parsed.agent_status = status
            parsed.agent_error = parsed.content or status
        usage = body.get("usage")
        if isinstance(usage, dict):
            parsed.input_tokens = int_or_none(usage.get("input_tokens") or usage.get("prompt_tokens"))
            parsed.output_tokens = int_or_none(usage.get("output_tokens") or usage.get("completion_tokens"))
        return parsed

    def stream_reader(self) -> StreamReader:
        return _JsonStream()

    def malformed_requests(self) -> list[tuple[str, RequestSpec]]:
        path, field_ = self.endpoint, self.message_field
        return [
            ("invalid JSON", RequestSpec("POST", path, content=b'{"' + field_.encode() + b'": "hi",',
                                         headers={"content-type": "application/json"})),
            ("wrong content type", RequestSpec("POST", path, content=b"hi", headers={"content-type": "text/plain"})),
            ("missing message field", RequestSpec("POST", path, json={self.session_field: "s1"})),
            ("wrongly typed message", RequestSpec("POST", path, json={field_: {"nested": [1, 2]}})),
            ("empty message", RequestSpec("POST", path, json={field_: ""})),
        ]

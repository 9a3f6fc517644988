"""The OpenAI Responses API: ``POST /v1/responses`` (what agno's ``OpenAIResponses`` model, its default, calls).

Not streamed, the answer's ``output`` holds ``message`` items whose ``output_text`` parts are the text. Streamed,
``response.created`` opens the run, each ``response.output_text.delta`` carries text (TTFT is the first of
them, not the first event), and ``response.completed`` ends it with ``usage``; ``response.failed``,
``response.incomplete`` and ``error`` end it without an answer. Stateless like chat completions (history is
kept client-side and sent as ``input`` messages). Detected from the OpenAPI document, or by a probe: a
``POST /v1/responses`` with an empty body answered with a 400/422 error, not a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from agno_check.errors import TargetError
from agno_check.targets.base import ParsedTurn, RequestSpec
from agno_check.targets.profiles.base import (
    ENDPOINT,
    Profile,
    ProtocolOption,
    Service,
    StreamReader,
    int_or_none,
    openai_style_malformed,
)
from agno_check.targets.profiles.openai_chat import MODEL, first_model
from agno_check.targets.profiles.registry import protocol
from agno_check.targets.sse import SseEvent

PATHS = ("/v1/responses", "/responses")
_ENDED_WITHOUT_ANSWER = {"response.failed": "failed", "response.incomplete": "incomplete", "error": "error"}


def output_text(response: Any) -> str:
    """The text of a response object's ``output`` (every ``output_text`` part of every ``message`` item)."""
    items = response.get("output") if isinstance(response, dict) else None
    parts: list[str] = []
    for item in items or []:
        if isinstance(item, dict) and item.get("type") == "message":
            for part in item.get("content") or []:
                if isinstance(part, dict) and part.get("type") == "output_text" and isinstance(part.get("text"), str):
                    parts.append(part["text"])
    return "".join(parts)


def error_text(response: Any, payload: Any = None) -> str:
    """What a failed response says went wrong (``error.message``, ``incomplete_details.reason``)."""
    for source in (response, payload):
        if not isinstance(source, dict):
            continue
        error = source.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:500]
        if isinstance(error, str) and error:
            return error[:500]
        if isinstance(source.get("message"), str):
            return source["message"][:500]
        details = source.get("incomplete_details")
        if isinstance(details, dict) and details.get("reason"):
            return f"incomplete: {details['reason']}"
    return "the response failed"


def _usage(parsed: ParsedTurn, response: Any) -> None:
    usage = response.get("usage") if isinstance(response, dict) else None
    if isinstance(usage, dict):
        parsed.input_tokens = int_or_none(usage.get("input_tokens"))
        parsed.output_tokens = int_or_none(usage.get("output_tokens"))


class _ResponsesStream(StreamReader):
    def feed(self, event: SseEvent) -> str:
        payload = self.payload(event)
        if payload is None:
            return ""
        kind = payload.get("type") or event.event
        response = payload.get("response") if isinstance(payload.get("response"), dict) else None
        if response and response.get("id"):
            self.parsed.run_id = str(response["id"])
        if kind == "response.output_text.delta" and isinstance(payload.get("delta"), str):
            self.parsed.content += payload["delta"]
            return payload["delta"]
        if kind == "response.completed":
            self.done = True
            self.parsed.agent_status = "completed"
            if not self.parsed.content:
                self.parsed.content = output_text(response)
            _usage(self.parsed, response)
        elif kind in _ENDED_WITHOUT_ANSWER:
            self.done = True
            self.parsed.agent_status = _ENDED_WITHOUT_ANSWER[kind]
            self.parsed.agent_error = error_text(response, payload)
        return ""


@protocol
@dataclass
class OpenAIResponsesProfile(Profile):
    """The OpenAI Responses API; stateless, so history is kept client-side."""

    model: str = "default"
    endpoint: str = "/v1/responses"
    history: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    name: ClassVar[str] = "openai-responses"
    report_profile: ClassVar[str] = "openai"
    summary: ClassVar[str] = "the OpenAI Responses API: POST /v1/responses"
    options: ClassVar[tuple[ProtocolOption, ...]] = (MODEL, ENDPOINT)
    stateful_sessions: ClassVar[bool] = False
    detect_order: ClassVar[int] = 35  # after chat completions: a service with both is asked the older way
    probe_order: ClassVar[int] = 35

    @classmethod
    async def detect(cls, service: Service, values: dict[str, Any]) -> str | None:
        paths = await service.openapi_paths()
        found = next((p for p in PATHS if p in paths), None)
        return f"its OpenAPI document has {found}" if found else None

    @classmethod
    async def probe(cls, service: Service, values: dict[str, Any]) -> str | None:
        try:
            answer = await service.post_json(PATHS[0], {})
        except TargetError:
            return None
        if answer.status_code in (400, 422) and answer.content_type == "application/json":
            return f"POST {PATHS[0]} with an empty body answered {answer.status_code} JSON"
        return None

    @classmethod
    async def resolve(cls, service: Service, values: dict[str, Any]) -> tuple[Profile, list[str]]:
        return cls.from_values({**values, "model": await first_model(service, values.get("model"))}), []

    def run_request(self, message: str, session_id: str | None, stream: bool) -> RequestSpec:
        messages = [*self.history.get(session_id or "", []), {"role": "user", "content": message}]
        body: dict[str, Any] = {"model": self.model, "input": messages, "stream": stream}
        return RequestSpec("POST", self.endpoint, json=body, stream=stream)

    def remember(self, session_id: str | None, message: str, answer: str) -> None:
        if session_id:
            turns = self.history.setdefault(session_id, [])
            turns += [{"role": "user", "content": message}, {"role": "assistant", "content": answer}]

    def forget(self, session_id: str | None) -> None:
        self.history.pop(session_id or "", None)

    def parse(self, body: Any) -> ParsedTurn:
        if not isinstance(body, dict):
            return ParsedTurn(agent_error="the answer is not a JSON object", data=body)
        status = body.get("status") if isinstance(body.get("status"), str) else None
        parsed = ParsedTurn(content=output_text(body), agent_status=status, run_id=body.get("id"), data=body)
        _usage(parsed, body)
        if body.get("error") or (status and status not in ("completed", "in_progress", "queued")):
            parsed.agent_error = error_text(body)
        return parsed

    def stream_reader(self) -> StreamReader:
        return _ResponsesStream()

    def malformed_requests(self) -> list[tuple[str, RequestSpec]]:
        return openai_style_malformed(self.endpoint, self.model, "input")


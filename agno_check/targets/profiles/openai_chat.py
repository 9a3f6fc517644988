"""OpenAI-compatible chat completions: ``POST /v1/chat/completions``; stateless, history kept client-side."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

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
from agno_check.targets.profiles.registry import protocol
from agno_check.targets.sse import SseEvent

MODEL = ProtocolOption("model", "OpenAI APIs: the model name (default: the first of GET /v1/models).")


async def first_model(service: Service, wanted: str | None) -> str:
    """The model to name in requests: the user's, else the first of ``GET /v1/models``, else "default"."""
    if wanted:
        return wanted
    body = await service.get_json("/v1/models")
    data = body.get("data") if isinstance(body, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], dict) and data[0].get("id"):
        return str(data[0]["id"])
    return "default"


async def lists_models(service: Service) -> bool:
    body = await service.get_json("/v1/models")
    return isinstance(body, dict) and "data" in body


class _OpenAIStream(StreamReader):
    def feed(self, event: SseEvent) -> str:
        if event.data.strip() == "[DONE]":
            self.done = True
            return ""
        payload = self.payload(event)
        if payload is None:
            return ""
        if "error" in payload:
            self.parsed.agent_error = str(payload["error"])[:500]
        usage = payload.get("usage")
        if isinstance(usage, dict):
            self.parsed.input_tokens = int_or_none(usage.get("prompt_tokens"))
            self.parsed.output_tokens = int_or_none(usage.get("completion_tokens"))
        choices = payload.get("choices") or []
        if choices and isinstance(choices[0], dict):
            delta = choices[0].get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str) and content:
                self.parsed.content += content
                return content
        return ""


@protocol
@dataclass
class OpenAIProfile(Profile):
    """OpenAI-compatible chat completions; the protocol is stateless, so history is kept client-side."""

    model: str = "default"
    endpoint: str = "/v1/chat/completions"
    history: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    name: ClassVar[str] = "openai"
    summary: ClassVar[str] = "OpenAI-compatible chat completions: POST /v1/chat/completions"
    options: ClassVar[tuple[ProtocolOption, ...]] = (
        MODEL, ENDPOINT)
    stateful_sessions: ClassVar[bool] = False
    detect_order: ClassVar[int] = 30
    probe_order: ClassVar[int] = 30

    @classmethod
    async def detect(cls, service: Service, values: dict[str, Any]) -> str | None:
        paths = await service.openapi_paths()
        if "/v1/chat/completions" in paths or "/chat/completions" in paths:
            return "its OpenAPI document has /v1/chat/completions"
        return None

    @classmethod
    async def probe(cls, service: Service, values: dict[str, Any]) -> str | None:
        """``GET /v1/models`` answers like OpenAI (a Responses-only API without an OpenAPI document that lists
        models is taken for chat completions: its 404 says to choose ``--profile openai-responses``)."""
        if await lists_models(service):
            return "GET /v1/models answered like an OpenAI-compatible API"
        return None

    async def not_found_hint(self, service: Service) -> str:
        return "wrong --profile (an OpenAI Responses API is --profile openai-responses), --model or --endpoint?"

    @classmethod
    async def resolve(cls, service: Service, values: dict[str, Any]) -> tuple[Profile, list[str]]:
        return cls.from_values({**values, "model": await first_model(service, values.get("model"))}), []

    def run_request(self, message: str, session_id: str | None, stream: bool) -> RequestSpec:
        messages = [*self.history.get(session_id or "", []), {"role": "user", "content": message}]
        body: dict[str, Any] = {"model": self.model, "messages": messages, "stream": stream}
        if stream:
            body["stream_options"] = {"include_usage": True}
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
        parsed = ParsedTurn(data=body, run_id=body.get("id"))
        if "error" in body:
            parsed.agent_error = str(body["error"])[:500]
        choices = body.get("choices") or []
        if choices and isinstance(choices[0], dict):
            message = choices[0].get("message") or {}
            content = message.get("content") if isinstance(message, dict) else None
            parsed.content = content if isinstance(content, str) else ""
        usage = body.get("usage")
        if isinstance(usage, dict):
            parsed.input_tokens = int_or_none(usage.get("prompt_tokens"))
            parsed.output_tokens = int_or_none(usage.get("completion_tokens"))
        return parsed

    def stream_reader(self) -> StreamReader:
        return _OpenAIStream()

    def malformed_requests(self) -> list[tuple[str, RequestSpec]]:
        return openai_style_malformed(self.endpoint, self.model, "messages")

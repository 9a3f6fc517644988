"""How a turn is sent and read for each kind of service: pure functions, no I/O.

Both the asyncio HTTP target and the Locust users build requests and read answers through these profiles, so a
check, a load test and a scenario file all speak to a service the same way.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from agno_check.targets.base import ParsedTurn, RequestSpec
from agno_check.targets.sse import SseEvent


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class StreamReader(ABC):
    """Reads a streamed answer event by event; ``feed`` returns the content delta of that event ('' if none)."""

    def __init__(self) -> None:
        self.parsed = ParsedTurn(data=[])
        self.done = False

    @abstractmethod
    def feed(self, event: SseEvent) -> str: ...

    def finish(self) -> ParsedTurn:
        return self.parsed


class Profile(ABC):
    """A service protocol: how to send a turn, how to read it, and which malformed variants to try."""

    name: ClassVar[str]
    #: whether the server keeps the conversation for a session id (OpenAI-style APIs are stateless)
    stateful_sessions: ClassVar[bool] = True
    can_stream: ClassVar[bool] = True

    @abstractmethod
    def run_request(self, message: str, session_id: str | None, stream: bool) -> RequestSpec: ...

    @abstractmethod
    def parse(self, body: Any) -> ParsedTurn:
        """Read a non-streamed answer's JSON body."""

    @abstractmethod
    def stream_reader(self) -> StreamReader: ...

    @abstractmethod
    def malformed_requests(self) -> list[tuple[str, RequestSpec]]:
        """Requests a sound service must reject with a 4xx, each with a label for the evidence."""

    def remember(self, session_id: str | None, message: str, answer: str) -> None:
        """Client-side history, for stateless protocols; stateful ones keep it on the server."""
        return None



# --- AgentOS -------------------------------------------------------------------------------------------------


class _AgentOSStream(StreamReader):
    def feed(self, event: SseEvent) -> str:
        try:
            payload = json.loads(event.data)
        except ValueError:
            return ""
        if not isinstance(payload, dict):
            return ""
        self.parsed.data.append(payload)
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
            self.parsed.input_tokens = _int_or_none(metrics.get("input_tokens"))
            self.parsed.output_tokens = _int_or_none(metrics.get("output_tokens"))
        elif name in ("RunError", "TeamRunError", "error"):
            self.done = True
            self.parsed.agent_status = "ERROR"
            self.parsed.agent_error = str(payload.get("content") or payload.get("error") or "run error")
        elif name in ("RunCancelled", "TeamRunCancelled"):
            self.done = True
            self.parsed.agent_status = "CANCELLED"
            self.parsed.agent_error = str(payload.get("reason") or "run cancelled")
        return ""


@dataclass
class AgentOSProfile(Profile):
    """AgentOS: ``POST /agents/{id}/runs`` as a multipart form, SSE events when streamed."""

    agent_id: str = "agent"
    user_id: str | None = None
    name: ClassVar[str] = "agentos"

    @property
    def runs_path(self) -> str:
        return f"/agents/{self.agent_id}/runs"

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
            input_tokens=_int_or_none(metrics.get("input_tokens")) if isinstance(metrics, dict) else None,
            output_tokens=_int_or_none(metrics.get("output_tokens")) if isinstance(metrics, dict) else None,
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



# --- OpenAI-compatible ---------------------------------------------------------------------------------------


class _OpenAIStream(StreamReader):
    def feed(self, event: SseEvent) -> str:
        if event.data.strip() == "[DONE]":
            self.done = True
            return ""
        try:
            payload = json.loads(event.data)
        except ValueError:
            return ""
        if not isinstance(payload, dict):
            return ""
        self.parsed.data.append(payload)
        if "error" in payload:
            self.parsed.agent_error = str(payload["error"])[:500]
        usage = payload.get("usage")
        if isinstance(usage, dict):
            self.parsed.input_tokens = _int_or_none(usage.get("prompt_tokens"))
            self.parsed.output_tokens = _int_or_none(usage.get("completion_tokens"))
        choices = payload.get("choices") or []
        if choices and isinstance(choices[0], dict):
            delta = choices[0].get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str) and content:
                self.parsed.content += content
                return content
        return ""


@dataclass
class OpenAIProfile(Profile):
    """OpenAI-compatible chat completions; the protocol is stateless, so history is kept client-side."""

    model: str = "default"
    path: str = "/v1/chat/completions"
    history: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    name: ClassVar[str] = "openai"
    stateful_sessions: ClassVar[bool] = False

    def run_request(self, message: str, session_id: str | None, stream: bool) -> RequestSpec:
        messages = [*self.history.get(session_id or "", []), {"role": "user", "content": message}]
        body: dict[str, Any] = {"model": self.model, "messages": messages, "stream": stream}
        if stream:
            body["stream_options"] = {"include_usage": True}
        return RequestSpec("POST", self.path, json=body, stream=stream)

    def remember(self, session_id: str | None, message: str, answer: str) -> None:
        if session_id:
            turns = self.history.setdefault(session_id, [])
            turns += [{"role": "user", "content": message}, {"role": "assistant", "content": answer}]

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
            parsed.input_tokens = _int_or_none(usage.get("prompt_tokens"))
            parsed.output_tokens = _int_or_none(usage.get("completion_tokens"))
        return parsed

    def stream_reader(self) -> StreamReader:
        return _OpenAIStream()

    def malformed_requests(self) -> list[tuple[str, RequestSpec]]:
        path = self.path
        return [
            ("invalid JSON", RequestSpec("POST", path, content=b'{"model": "x", "messages": [',
                                         headers={"content-type": "application/json"})),
            ("form body instead of JSON", RequestSpec("POST", path, data={"model": self.model, "messages": "hi"})),
            ("missing messages", RequestSpec("POST", path, json={"model": self.model})),
            ("messages of the wrong type", RequestSpec("POST", path, json={"model": self.model, "messages": 42})),
            ("empty messages", RequestSpec("POST", path, json={"model": self.model, "messages": []})),
        ]



# --- seed-style JSON -----------------------------------------------------------------------------------------


class _JsonStream(StreamReader):
    def feed(self, event: SseEvent) -> str:  # pragma: no cover - the JSON profile does not stream
        return ""


@dataclass
class JsonProfile(Profile):
    """A plain JSON endpoint: ``POST /query {"message", "session_id"}`` -> ``{"response"}`` (names configurable)."""

    endpoint: str = "/query"
    message_field: str = "message"
    session_field: str = "session_id"
    response_field: str = "response"
    name: ClassVar[str] = "json"
    can_stream: ClassVar[bool] = False

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
            parsed.input_tokens = _int_or_none(usage.get("input_tokens") or usage.get("prompt_tokens"))
            parsed.output_tokens = _int_or_none(usage.get("output_tokens") or usage.get("completion_tokens"))
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


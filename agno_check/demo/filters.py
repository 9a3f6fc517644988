"""What the hardened demo lets out of AgentOS: pure functions and one stream filter, no I/O.

AgentOS, as it ships, returns every run's ``messages`` (the system message with the instructions verbatim),
lists each agent's instructions on ``GET /agents`` and ``/config``, answers a failed model call with HTTP 200
``{"status": "ERROR"}``, and names exception classes in 500s. The filter fixes each of these at the edge:

- JSON bodies: system/developer messages dropped from every ``messages`` list (run payloads lose ``messages``
  altogether), instruction-bearing keys dropped, any string that quotes the instructions withheld;
- a non-streamed run that failed becomes 503 with Retry-After and a message of ours;
- any 5xx body becomes a generic JSON error (no exception names, paths or driver text);
- SSE run streams: the same scrub per event, content held back by ``LeakGuard.hold_back`` characters so a
  leak is withheld before any part of it is sent, and a stream whose first word is an error becomes a 503.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from agno_check.demo.leaks import WITHHELD, LeakGuard

#: keys that carry the agent's instructions in AgentOS payloads
INSTRUCTION_KEYS = frozenset({"system_message", "instructions", "additional_context", "system_prompt",
                              "expected_output", "additional_instructions"})
SYSTEM_ROLES = frozenset({"system", "developer"})
RUN_PATH = re.compile(r"^/(agents|teams|workflows)/[^/]+/runs/?$")
CONTENT_EVENTS = frozenset({"RunContent", "TeamRunContent"})
COMPLETED_EVENTS = frozenset({"RunCompleted", "TeamRunCompleted"})
ERROR_EVENTS = frozenset({"RunError", "TeamRunError", "error"})
FAILED_STATUSES = frozenset({"ERROR", "FAILED", "CANCELLED"})
#: what a failed run becomes: the client may retry later; the upstream's own words stay in our logs
RUN_FAILED = {"detail": "The agent could not answer: its model provider failed. Retry later."}
RUN_FAILED_RETRY_AFTER_S = 5
SERVER_ERROR = {"detail": "Internal server error."}


def is_run_path(method: str, path: str) -> bool:
    return method == "POST" and bool(RUN_PATH.match(path))


def scrub(value: Any, guard: LeakGuard, *, drop_messages: bool = False) -> Any:
    """``value`` without instructions: keys dropped, system messages dropped, quoting strings withheld."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in INSTRUCTION_KEYS:
                continue
            if key == "messages" and isinstance(item, list):
                if drop_messages:
                    continue
                item = [m for m in item if not (isinstance(m, dict) and m.get("role") in SYSTEM_ROLES)]
            out[key] = scrub(item, guard, drop_messages=drop_messages)
        return out
    if isinstance(value, list):
        return [scrub(item, guard, drop_messages=drop_messages) for item in value]
    if isinstance(value, str):
        return guard.clean(value)
    return value


@dataclass
class Filtered:
    """A rewritten response: status, extra headers, body."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    #: tokens the run reported, for the metrics
    input_tokens: int = 0
    output_tokens: int = 0
    agent_error: bool = False


def _tokens(payload: Any) -> tuple[int, int]:
    metrics = payload.get("metrics") if isinstance(payload, dict) else None
    if not isinstance(metrics, dict):
        return 0, 0
    values = [metrics.get("input_tokens"), metrics.get("output_tokens")]
    return tuple(v if isinstance(v, int) and not isinstance(v, bool) else 0 for v in values)  # type: ignore[return-value]


def _json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def filter_json(status: int, body: bytes, guard: LeakGuard, *, run: bool) -> Filtered:
    """Rewrite a JSON response of AgentOS (``run``: the answer of ``POST .../runs``)."""
    if status >= 500:
        return Filtered(500 if status == 500 else status, _json(SERVER_ERROR))
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Filtered(status, body)
    if run and 200 <= status < 300 and isinstance(payload, dict):
        input_tokens, output_tokens = _tokens(payload)
        run_status = payload.get("status")
        if isinstance(run_status, str) and run_status.upper() in FAILED_STATUSES:
            answer = {**RUN_FAILED, "run_id": payload.get("run_id"), "session_id": payload.get("session_id")}
            return Filtered(503, _json(answer), {"retry-after": str(RUN_FAILED_RETRY_AFTER_S)},
                            input_tokens, output_tokens, agent_error=True)
        return Filtered(status, _json(scrub(payload, guard, drop_messages=True)), {}, input_tokens, output_tokens)
    return Filtered(status, _json(scrub(payload, guard)))


# ---------------------------------------------------------------------------------------------------- streams


def _parse_block(block: bytes) -> tuple[str | None, Any]:
    """One SSE event block -> (event name, JSON payload or None)."""
    name: str | None = None
    data: list[str] = []
    for line in block.decode("utf-8", errors="replace").splitlines():
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if not data:
        return name, None
    try:
        payload = json.loads("\n".join(data))
    except ValueError:
        return name, None
    return name, payload


def _block(name: str | None, payload: Any) -> bytes:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(payload, separators=(',', ':'), ensure_ascii=False)}\n\n".encode()


class StreamFilter:
    """Filters an AgentOS SSE run stream event by event.

    ``feed(chunk)`` and ``finish()`` return the bytes to send now. Nothing is sent until the first content is
    released (``committed``): if an error event comes first, ``failed`` is set and the caller answers 503
    instead of a 200 stream that only says the run failed.
    """

    def __init__(self, guard: LeakGuard) -> None:
        self.guard = guard
        self._buffer = b""
        self._pending: list[bytes] = []  # blocks held until the stream is committed
        self._text = ""  # all content the model produced
        self._sent = 0  # characters of it released
        self._blocked = False
        self._template: dict[str, Any] | None = None
        self._template_name = "RunContent"
        self.committed = False
        self.failed = False
        self.input_tokens = 0
        self.output_tokens = 0
        self.agent_error = False

    def feed(self, chunk: bytes) -> bytes:
        self._buffer += chunk.replace(b"\r\n", b"\n")
        out: list[bytes] = []
        while b"\n\n" in self._buffer:
            block, self._buffer = self._buffer.split(b"\n\n", 1)
            if block.strip():
                out += self._event(block)
        return self._emit(out)

    def finish(self) -> bytes:
        out: list[bytes] = []
        if self._buffer.strip():
            out += self._event(self._buffer)
            self._buffer = b""
        out += self._release(final=True)
        self.committed = self.committed or not self.failed
        return self._emit(out)

    # ------------------------------------------------------------------------------------------------ inside

    def _emit(self, blocks: list[bytes]) -> bytes:
        if self.failed:
            return b""
        if not self.committed:
            self._pending += blocks
            return b""
        pending, self._pending = self._pending, []
        return b"".join(pending + blocks)

    def _content_block(self, text: str) -> bytes:
        payload = {**(self._template or {}), "content": text}
        return _block(self._template_name, payload)

    def _release(self, final: bool = False) -> list[bytes]:
        """Send the content that is safe now (all of it at the end), or the withheld notice once."""
        if self._blocked:
            return []
        tail = self._text[max(0, self._sent - self.guard.hold_back):]
        if self.guard.leaks(tail) or (final and self.guard.leaks(self._text)):
            self._blocked = True
            self.committed = True
            return [self._content_block(("" if not self._sent else " ") + WITHHELD)]
        upto = len(self._text) if final else max(self._sent, len(self._text) - self.guard.hold_back)
        if not final:  # whole words: the client sees " word" pieces, as the model sent them
            space = max(self._text.rfind(" ", self._sent, upto), self._text.rfind("\n", self._sent, upto))
            upto = space if space > self._sent else upto
        if upto <= self._sent:
            return []
        piece, self._sent = self._text[self._sent:upto], upto
        self.committed = True
        return [self._content_block(piece)]

    def _final_content(self) -> str:
        released = self._text[:self._sent]
        return f"{released} {WITHHELD}".strip() if self._blocked else released

    def _event(self, block: bytes) -> list[bytes]:
        name, payload = _parse_block(block)
        if not isinstance(payload, dict):  # a comment, a keep-alive or non-JSON data: passed on unless it leaks
            return [] if self.guard.leaks(block.decode("utf-8", errors="replace")) else [block + b"\n\n"]
        kind = payload.get("event") or name
        if kind in CONTENT_EVENTS and isinstance(payload.get("content"), str):
            self._template = {k: v for k, v in payload.items() if k != "content"}
            self._template_name = name or str(kind)
            self._text += payload["content"]
            return self._release()
        if kind in ERROR_EVENTS:
            self.agent_error = True
            if not self.committed and not self._text:
                self.failed = True
                return []
            return [*self._release(final=True), _block(name, scrub(payload, self.guard, drop_messages=True))]
        if kind in COMPLETED_EVENTS:
            self.input_tokens, self.output_tokens = _tokens(payload)
            out = self._release(final=True)
            if isinstance(payload.get("content"), str):
                if not self._text and not self._blocked:  # a stream that sent its content only at the end
                    self._text = payload["content"]
                    self._template = self._template or {k: v for k, v in payload.items() if k != "content"}
                    out += self._release(final=True)
                payload = {**payload, "content": self._final_content()}
            self.committed = True
            return [*out, _block(name, scrub(payload, self.guard, drop_messages=True))]
        return [_block(name, scrub(payload, self.guard, drop_messages=True))]

"""``POST /v1/chat/completions`` as a raw ASGI handler: OpenAI's wire format, latency and faults.

Why raw ASGI and not a FastAPI route: two faults need a *real* connection drop — ``reset`` (no answer, the
socket is reset) and ``broken_stream`` (the stream stops mid-way, no ``[DONE]``). Frameworks turn an error
into a tidy 500; only the server's transport can drop a connection. uvicorn hands the app ``send`` as a bound
method of its request cycle, whose ``transport`` we abort with ``SO_LINGER 0`` (a TCP RST). Starlette's
middleware wraps ``send`` and hides that, so this handler sits in front of the FastAPI app, not inside it.
Under another server (no transport reachable) a drop falls back to raising, which uvicorn-like servers turn
into a closed connection once the response has started, or a bare 500 before.

Wire format, as OpenAI sends it and agno's ``OpenAIChat`` parses it: a JSON ``chat.completion``; or SSE
``data: {chat.completion.chunk}`` lines — the first carries the role, each carries one token as
``delta.content``, one with ``finish_reason``, then (with ``stream_options.include_usage``) a chunk with
``choices: []`` and ``usage``, then ``data: [DONE]``. A tool call (``tools``, the naive model's policy) is
one ``message.tool_calls`` entry (streamed: the name, then the arguments, as ``delta.tool_calls``) with
``finish_reason: "tool_calls"``.

The plan (what to say, how fast, where a broken stream stops) is shared with ``responses``, which speaks the
Responses API's wire format over the same faults and pacing.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from agno_check.sim import naive, tools
from agno_check.sim.profiles import FaultRule
from agno_check.sim.state import RequestRecord, SimState

MAX_BODY_BYTES = 8 * 1024 * 1024
POLL_S = 0.1  # how often a pause looks at disconnects and shutdown

ERRORS = {
    429: ("rate_limit_exceeded", "requests", "Rate limit reached for requests (simulated)."),
    500: ("server_error", "server_error", "The server had an error processing your request (simulated)."),
    503: ("service_unavailable", "server_error", "The engine is currently overloaded (simulated)."),
}


class ConnectionDrop(Exception):  # noqa: N818 - it is a deliberate action, not an error
    """Raised to make the server close the connection when the transport cannot be reached directly."""


class Watch:
    """Watches the client side while a response is prepared: disconnects and simulator shutdown.

    Needed because uvicorn silently drops ``send`` after a disconnect: without watching, a hang or a slow
    stream would carry on for a client that left long ago.
    """

    def __init__(self, receive: Any, state: SimState) -> None:
        self._receive = receive
        self._state = state
        self.gone = False
        self._task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.gone = True
                return

    @property
    def stop(self) -> bool:
        return self.gone or self._state.closing.is_set()

    async def pause(self, seconds: float) -> bool:
        """Sleep ``seconds``; False if the client left or the simulator is closing meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.stop:
            left = deadline - loop.time()
            if left <= 0:
                return True
            await asyncio.wait({self._task}, timeout=min(left, POLL_S))
        return False

    async def until(self, deadline: float) -> bool:
        """Sleep until the loop time ``deadline``; False if interrupted."""
        return await self.pause(deadline - asyncio.get_running_loop().time())

    def cancel(self) -> None:
        self._task.cancel()


async def handle_chat(state: SimState, scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Serve one chat-completion request according to the state's latency and fault profiles."""
    await handle_model_request(state, scope, receive, send, api="chat.completions", parse=_parse,
                               respond=_answer)


Parse = Callable[[bytes], tuple[dict[str, Any], list[dict[str, Any]], str | None]]
Respond = Callable[[SimState, RequestRecord, dict[str, Any], "FaultRule | None", Any, "Watch"], Awaitable[str]]


async def handle_model_request(state: SimState, scope: dict[str, Any], receive: Any, send: Any, *, api: str,
                               parse: Parse, respond: Respond) -> None:
    """One model request of either API: read, record, draw a fault, then error, drop or ``respond``.

    ``parse`` turns the body into (request, chat-style messages for the naive model, problem or None)."""
    body, too_large = await read_body(receive)
    if too_large:
        await send_error(send, 413, "invalid_request_error", None, f"body over {MAX_BODY_BYTES} bytes")
        return
    request, messages, problem = parse(body)
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    record = state.begin(
        prefix="resp" if api == "responses" else "chatcmpl",
        api=api,
        stream=bool(request.get("stream")),
        model=request.get("model") if isinstance(request.get("model"), str) else None,
        messages=messages,
        params={k: v for k, v in request.items() if k not in ("messages", "input")},
        has_auth=bool(headers.get("authorization")),
    )
    watch = Watch(receive, state)
    outcome = "client_disconnected"
    try:
        if problem:
            record.status = 400
            await send_error(send, 400, "invalid_request_error", None, problem)
            outcome = "bad_request"
            return
        record.prompt_tokens = naive.prompt_tokens(messages)
        fault = state.draw_fault()
        record.fault = fault.kind if fault else None
        if fault is not None and fault.kind in ("429", "500", "503"):
            record.status = int(fault.kind)
            await send_error(send, int(fault.kind), *ERRORS[int(fault.kind)], retry_after=fault)
            outcome = fault.kind
        elif fault is not None and fault.kind in ("hang", "reset"):
            outcome = await hang_or_reset(fault, send, watch)
        else:
            outcome = await respond(state, record, request, fault, send, watch)
    except ConnectionDrop:
        outcome = record.fault or "reset"
        raise
    finally:
        watch.cancel()
        state.finish(record, outcome)


async def hang_or_reset(fault: FaultRule, send: Any, watch: Watch) -> str:
    if fault.kind == "hang" and not await watch.pause(fault.hang_s):
        if not watch.gone:  # the simulator is closing: still no answer
            await drop(send, watch, reset=True)
        return "hang"  # the client gave up: the hang did its job
    # a reset, or a hang that reached its cap: the client gets no answer either way
    await drop(send, watch, reset=True)
    return fault.kind


@dataclass
class Plan:
    """One answer, decided before the first byte: the words, their pace, and where a broken stream stops."""

    meta: dict[str, Any]  # id, created, model: shared by the answer and every chunk
    pieces: list[str]  # one token each, leading whitespace included, so "".join(pieces) is the text
    tool_call: tools.ToolCall | None  # instead of text: the naive model calls a tool
    start: float  # loop time the request was taken up
    ttft: float
    tps: float
    finish_reason: str
    usage: dict[str, int]
    broken_after: int | None  # tokens sent before the connection drops, for a broken_stream fault

    def due(self, i: int) -> float:
        """When token ``i`` leaves: absolute times, so sleeping never drifts."""
        return self.start + self.ttft + i / self.tps


def plan(state: SimState, record: RequestRecord, request: dict[str, Any], fault: FaultRule | None,
         limit: Any = None) -> Plan:
    """Decide the whole answer before the first byte: text or a tool call, its pace, a broken stream's cut."""
    profile = state.latency
    # What the conversation itself answers (a leak, a recalled or acknowledged fact) the naive model says
    # directly, as a model with the history would; only a task it cannot answer from the history gets a tool.
    # an output limit is honoured as a load benchmark asks for it: filler answers are exactly that long
    length = (limit, limit) if isinstance(limit, int) and limit > 0 else profile.output_tokens.as_tuple()
    reply = naive.answer(record.messages, state.seed, length)
    call = None
    if reply.kind == "filler":
        call = tools.decide(record.messages, request.get("tools"), state.tools, state.seed)
        used = tools.answer_with_results(record.messages) if call is None else None
        if call is not None:
            reply = naive.Answer("tool_call", call.arguments)
            record.tool_call = call.name
        elif used is not None:
            reply = naive.Answer("tool_result", used)
    pieces = re.findall(r"\s*\S+", reply.text.strip())
    finish_reason = "tool_calls" if call is not None else "stop"
    if call is None and isinstance(limit, int) and 0 < limit <= len(pieces):  # stopped by the limit
        pieces, finish_reason = pieces[:limit], "length"
    ttft, tps = profile.sample_ttft(state.latency_rng), profile.sample_tps(state.latency_rng)
    record.answer_kind, record.ttft_s, record.tps = reply.kind, round(ttft, 6), round(tps, 3)
    broken_after = None
    if fault is not None and fault.kind == "broken_stream":
        broken_after = fault.after_tokens if fault.after_tokens is not None else len(pieces) // 2
        broken_after = min(broken_after, len(pieces))
    return Plan(
        meta={"id": record.id, "created": int(record.received_at), "model": record.model or "sim"},
        pieces=pieces,
        tool_call=call,
        start=asyncio.get_running_loop().time(),
        ttft=ttft,
        tps=tps,
        finish_reason=finish_reason,
        usage={
            "prompt_tokens": record.prompt_tokens,
            "completion_tokens": len(pieces),
            "total_tokens": record.prompt_tokens + len(pieces),
        },
        broken_after=broken_after,
    )


async def _answer(
    state: SimState, record: RequestRecord, request: dict[str, Any], fault: FaultRule | None, send: Any,
    watch: Watch,
) -> str:
    """The naive model's answer at the profile's pace; only the first part of it for a broken stream."""
    answer = plan(state, record, request, fault, request.get("max_completion_tokens") or request.get("max_tokens"))
    if record.stream:
        options = request.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        return await _stream(send, watch, record, answer, include_usage)
    if not await watch.until(answer.due(max(len(answer.pieces) - 1, 0))):
        return await interrupted(send, watch)
    call = answer.tool_call
    message: dict[str, Any] = {"role": "assistant", "content": None if call else "".join(answer.pieces),
                               "refusal": None}
    if call is not None:
        message["tool_calls"] = [{"id": call.call_id, "type": "function",
                                  "function": {"name": call.name, "arguments": call.arguments}}]
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": answer.finish_reason}
    payload = {**answer.meta, "object": "chat.completion", "system_fingerprint": None, "choices": [choice],
               "usage": answer.usage}
    return await send_json_answer(send, watch, record, answer, payload)


async def send_json_answer(send: Any, watch: Watch, record: RequestRecord, answer: Plan,
                           payload: dict[str, Any]) -> str:
    """A non-streamed answer: the whole JSON body, or half of it and a dropped connection (broken stream)."""
    body = json.dumps(payload).encode()
    record.status = 200
    await start_response(send, 200, "application/json", {"content-length": str(len(body))})
    if answer.broken_after is not None:  # not streamed: the headers promise the whole body, half of it arrives
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        record.sent()
        await drop(send, watch, reset=False)
        return "broken_stream"
    await send({"type": "http.response.body", "body": body, "more_body": False})
    record.sent()
    record.completion_tokens = len(answer.pieces)
    return "ok"


async def _stream(send: Any, watch: Watch, record: RequestRecord, answer: Plan, include_usage: bool) -> str:
    """SSE: the role and first token at the TTFT, one token per chunk, finish, usage if asked, ``[DONE]``.
    A tool call: the name at the TTFT, then its arguments, then ``finish_reason: tool_calls``."""

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        head = {"object": "chat.completion.chunk", "system_fingerprint": None}
        return {**answer.meta, **head, "choices": [choice], **extra}

    if not await watch.until(answer.due(0)):
        return await interrupted(send, watch)
    record.status = 200
    await start_response(send, 200, "text/event-stream; charset=utf-8", {"cache-control": "no-cache"})
    call = answer.tool_call
    if call is not None:
        head = {"index": 0, "id": call.call_id, "type": "function", "function": {"name": call.name, "arguments": ""}}
        await event(send, record, chunk({"role": "assistant", "content": None, "tool_calls": [head]}))
    elif not answer.pieces:
        await event(send, record, chunk({"role": "assistant", "content": ""}))
    for i, piece in enumerate(answer.pieces):
        if answer.broken_after is not None and i >= answer.broken_after:
            break
        if i and not await watch.until(answer.due(i)):
            return await interrupted(send, watch)
        if call is not None:
            delta: dict[str, Any] = {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
        else:
            delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
        await event(send, record, chunk(delta))
        record.completion_tokens = i + 1
    if answer.broken_after is not None:
        await drop(send, watch, reset=False)
        return "broken_stream"
    await event(send, record, chunk({}, answer.finish_reason, **({"usage": None} if include_usage else {})))
    if include_usage:
        await event(send, record, {**chunk({}), "choices": [], "usage": answer.usage})
    await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
    record.sent()
    return "ok"


async def interrupted(send: Any, watch: Watch) -> str:
    """A pause was cut short: the client left, or the simulator is closing and drops the connection."""
    if watch.gone:
        return "client_disconnected"
    await drop(send, watch, reset=True)
    return "shutdown"


# ------------------------------------------------------------------------------------- wire helpers


async def read_body(receive: Any) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", False
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_BODY_BYTES:
            return b"", True
        if not message.get("more_body"):
            return b"".join(chunks), False


def parse_json_object(body: bytes) -> tuple[dict[str, Any], str | None]:
    try:
        request = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return {}, "the body is not JSON"
    if not isinstance(request, dict):
        return {}, "the body must be a JSON object"
    return request, None


def _parse(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
    request, problem = parse_json_object(body)
    if problem:
        return request, [], problem
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        return request, [], "'messages' must be a non-empty list of message objects"
    return request, messages, None


async def start_response(send: Any, status: int, content_type: str, extra: dict[str, str] | None = None) -> None:
    headers = [(b"content-type", content_type.encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})


async def event(send: Any, record: RequestRecord, payload: dict[str, Any], name: str | None = None) -> None:
    """One SSE event (``event: name`` first when given, as the Responses API sends them)."""
    data = b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"
    if name:
        data = f"event: {name}\n".encode() + data
    await send({"type": "http.response.body", "body": data, "more_body": True})
    record.sent()


async def send_error(
    send: Any, status: int, code: str, kind: str | None, message: str, retry_after: FaultRule | None = None
) -> None:
    payload = {"error": {"message": message, "type": kind or code, "param": None, "code": code}}
    body = json.dumps(payload).encode()
    extra = {"content-length": str(len(body))}
    if status == 429 and retry_after is not None:
        extra["retry-after"] = str(math.ceil(retry_after.retry_after))
        extra["retry-after-ms"] = str(round(retry_after.retry_after * 1000))
    await start_response(send, status, "application/json", extra)
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def drop(send: Any, watch: Watch, *, reset: bool) -> None:
    """Drop the connection now and wait until the server has noticed.

    ``reset=True`` sends a TCP RST at once (the client may lose unread data: right for "no answer");
    ``reset=False`` flushes what was sent, then closes (FIN): the client reads a truncated body, as when an
    upstream dies mid-stream.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        raise ConnectionDrop("simulated connection drop")
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass  # the abort below still closes the connection, with a FIN instead of a RST
        transport.abort()
    else:
        transport.close()
    # uvicorn marks the cycle disconnected on connection_lost, so it neither answers 500 nor logs an error.
    deadline = time.monotonic() + 2.0
    while not watch.gone and time.monotonic() < deadline:
        await asyncio.sleep(0.005)

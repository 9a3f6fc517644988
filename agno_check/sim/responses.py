"""``POST /v1/responses``: OpenAI's Responses API (agno's default model class, ``OpenAIResponses``), raw ASGI.

Same faults, pacing, naive answers and stats records as ``chat`` (it shares ``handle_model_request`` and the
``Plan``); only the wire format differs, as the openai SDK parses it and agno's ``OpenAIResponses`` reads it:

- not streamed: a ``response`` object whose ``output`` holds a ``message`` item (``output_text`` content) or a
  ``function_call`` item (``call_id``, ``name``, ``arguments``), with ``usage`` (``input_tokens`` ...);
- streamed (SSE, ``event:`` + ``data:``): ``response.created`` and ``response.in_progress`` at once (as OpenAI
  sends them, before the model starts), then at the TTFT ``response.output_item.added``, one
  ``response.output_text.delta`` per token (or ``response.function_call_arguments.delta`` for a tool call),
  the ``.done`` events, and ``response.completed`` carrying the whole response and its usage;
- a ``broken_stream`` fault on a stream: the tokens before the cut, then an ``error`` event and
  ``response.failed`` (the stream then ends, as OpenAI ends a failed response); not streamed: half the body
  and a dropped connection, as for chat completions.

Conversation state: ``input`` is a string or a list of items (messages, ``function_call``,
``function_call_output``); ``instructions`` is the system message. A stored response (``store`` not false)
can be continued with ``previous_response_id``, which agno sends for reasoning model ids (``gpt-5*``, ``o3``...):
the simulator keeps each stored response's conversation, and an unknown id is OpenAI's 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agno_check.sim import naive
from agno_check.sim.chat import (
    Plan,
    Watch,
    event,
    handle_model_request,
    interrupted,
    parse_json_object,
    plan,
    send_json_answer,
    start_response,
)
from agno_check.sim.profiles import FaultRule
from agno_check.sim.state import RequestRecord, SimState

RESPONSES_PATHS = frozenset({"/v1/responses", "/responses"})


async def handle_responses(state: SimState, scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Serve one Responses API request according to the state's latency, fault and tool profiles."""

    def parse(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
        request, problem = parse_json_object(body)
        if problem:
            return request, [], problem
        return parse_request(state, request)

    await handle_model_request(state, scope, receive, send, api="responses", parse=parse, respond=_respond)


def parse_request(state: SimState, request: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]],
                                                                      str | None]:
    """The request's conversation as chat-style messages for the naive model (and a problem, if any)."""
    items = request.get("input")
    if isinstance(items, str):
        items = [{"role": "user", "content": items}]
    if not isinstance(items, list) or not items or not all(isinstance(item, Mapping) for item in items):
        return request, [], "'input' must be a string or a non-empty list of input items"
    messages: list[dict[str, Any]] = []
    previous = request.get("previous_response_id")
    if previous is not None:
        earlier = state.conversations.get(str(previous))
        if earlier is None:
            return request, [], f"Previous response with id '{previous}' not found."
        messages.extend(earlier)
    instructions = request.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages = [m for m in messages if m.get("role") != "system"]  # instructions are not carried over
        messages.insert(0, {"role": "system", "content": instructions})
    for item in items:
        messages.extend(_as_messages(item))
    return request, messages, None


def _as_messages(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    kind = item.get("type")
    if kind == "function_call":
        call = {"id": item.get("call_id") or item.get("id"), "type": "function",
                "function": {"name": item.get("name"), "arguments": item.get("arguments") or ""}}
        return [{"role": "assistant", "content": None, "tool_calls": [call]}]
    if kind == "function_call_output":
        output = item.get("output")
        text = output if isinstance(output, str) else naive.message_text({"content": output})
        return [{"role": "tool", "tool_call_id": item.get("call_id"), "content": text}]
    if "role" in item:
        return [{"role": item.get("role"), "content": naive.message_text(item)}]
    return []  # reasoning items and others carry nothing the naive model reads


async def _respond(state: SimState, record: RequestRecord, request: dict[str, Any], fault: FaultRule | None,
                   send: Any, watch: Watch) -> str:
    answer = plan(state, record, request, fault, request.get("max_output_tokens"))
    shape = _Shape(record, request, answer)
    if request.get("store") is not False:
        state.remember_conversation(record.id, [*record.messages, shape.as_message()])
    if record.stream:
        return await _stream(send, watch, record, answer, shape)
    if not await watch.until(answer.due(max(len(answer.pieces) - 1, 0))):
        return await interrupted(send, watch)
    return await send_json_answer(send, watch, record, answer, shape.response(shape.status))


class _Shape:
    """The Responses API objects of one answer: the output item and the response around it."""

    def __init__(self, record: RequestRecord, request: dict[str, Any], answer: Plan) -> None:
        self.record, self.request, self.answer = record, request, answer
        self.text = "".join(answer.pieces)
        self.call = answer.tool_call
        suffix = record.id.rsplit("-", 1)[-1]
        self.item_id = f"fc_sim{suffix}" if self.call else f"msg_sim{suffix}"
        self.status = "incomplete" if answer.finish_reason == "length" else "completed"

    def as_message(self) -> dict[str, Any]:
        """The answer as a chat-style message, for a later ``previous_response_id``."""
        if self.call is not None:
            call = {"id": self.call.call_id, "type": "function",
                    "function": {"name": self.call.name, "arguments": self.call.arguments}}
            return {"role": "assistant", "content": None, "tool_calls": [call]}
        return {"role": "assistant", "content": self.text}

    def item(self, done: bool = True) -> dict[str, Any]:
        status = "completed" if done else "in_progress"
        if self.call is not None:
            return {"type": "function_call", "id": self.item_id, "call_id": self.call.call_id,
                    "name": self.call.name, "arguments": self.call.arguments if done else "", "status": status}
        content = [self.part(self.text)] if done else []
        return {"type": "message", "id": self.item_id, "status": status, "role": "assistant", "content": content}

    @staticmethod
    def part(text: str) -> dict[str, Any]:
        return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}

    def usage(self, output_tokens: int) -> dict[str, Any]:
        prompt = self.record.prompt_tokens
        return {"input_tokens": prompt, "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": output_tokens, "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": prompt + output_tokens}

    def response(self, status: str, error: dict[str, Any] | None = None) -> dict[str, Any]:
        finished = status != "in_progress"
        request = self.request
        return {
            "id": self.record.id, "object": "response", "created_at": int(self.record.received_at),
            "status": status, "error": error,
            "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
            "instructions": request.get("instructions"), "max_output_tokens": request.get("max_output_tokens"),
            "model": self.record.model or "sim",
            "output": [self.item()] if finished and status != "failed" else [],
            "parallel_tool_calls": request.get("parallel_tool_calls", True),
            "previous_response_id": request.get("previous_response_id"),
            "temperature": request.get("temperature"), "top_p": request.get("top_p"),
            "tool_choice": request.get("tool_choice", "auto"), "tools": request.get("tools") or [],
            "text": {"format": {"type": "text"}}, "truncation": request.get("truncation") or "disabled",
            "metadata": request.get("metadata") or {}, "store": request.get("store") is not False,
            "usage": self.usage(len(self.answer.pieces)) if finished and status != "failed" else None,
        }


async def _stream(send: Any, watch: Watch, record: RequestRecord, answer: Plan, shape: _Shape) -> str:
    sequence = 0

    async def emit(kind: str, **fields: Any) -> None:
        nonlocal sequence
        await event(send, record, {"type": kind, "sequence_number": sequence, **fields}, name=kind)
        sequence += 1

    record.status = 200
    await start_response(send, 200, "text/event-stream; charset=utf-8", {"cache-control": "no-cache"})
    await emit("response.created", response=shape.response("in_progress"))
    await emit("response.in_progress", response=shape.response("in_progress"))
    if not await watch.until(answer.due(0)):
        return await interrupted(send, watch)
    where = {"item_id": shape.item_id, "output_index": 0}
    await emit("response.output_item.added", output_index=0, item=shape.item(done=False))
    if shape.call is None:
        await emit("response.content_part.added", **where, content_index=0, part=shape.part(""))
    for i, piece in enumerate(answer.pieces):
        if answer.broken_after is not None and i >= answer.broken_after:
            break
        if i and not await watch.until(answer.due(i)):
            return await interrupted(send, watch)
        if shape.call is not None:
            await emit("response.function_call_arguments.delta", **where, delta=piece)
        else:
            await emit("response.output_text.delta", **where, content_index=0, delta=piece, logprobs=[])
        record.completion_tokens = i + 1
    if answer.broken_after is not None:
        error = {"code": "server_error", "message": "The model stopped mid-response (simulated broken stream)."}
        await emit("error", code=error["code"], message=error["message"], param=None)
        await emit("response.failed", response=shape.response("failed", error))
        await _end(send, record)
        return "broken_stream"
    if shape.call is not None:
        await emit("response.function_call_arguments.done", **where, name=shape.call.name,
                   arguments=shape.call.arguments)
    else:
        await emit("response.output_text.done", **where, content_index=0, text=shape.text, logprobs=[])
        await emit("response.content_part.done", **where, content_index=0, part=shape.part(shape.text))
    await emit("response.output_item.done", output_index=0, item=shape.item())
    final = "response.incomplete" if shape.status == "incomplete" else "response.completed"
    await emit(final, response=shape.response(shape.status))
    await _end(send, record)
    return "ok"


async def _end(send: Any, record: RequestRecord) -> None:
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    record.sent()


"""A small reference server that speaks the OpenAI Responses API (``POST /v1/responses``), for the
``openai-responses`` profile's tests until the simulated model serves it too.

Streamed: ``response.created`` at once, then (after ``first_delta_s``) one ``response.output_text.delta`` per
word, ``gap_s`` apart, then ``response.completed`` with ``usage``. Not streamed: a response object whose
``output`` holds one ``message`` item. ``fail=True`` answers every run with ``response.failed`` (streamed) or
``"status": "failed"`` (not), as a Responses upstream whose model is gone would. Invalid bodies get OpenAI's
400 error shape. ``openapi=False`` hides ``/openapi.json`` and ``models=False`` ``/v1/models`` (detection must
then probe the route itself); ``runs`` counts turns.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

ANSWER = "Responses reference answer about {topic}."


class ResponsesApp:
    def __init__(self, first_delta_s: float = 0.0, gap_s: float = 0.002, fail: bool = False,
                 openapi: bool = True, models: bool = True) -> None:
        self.first_delta_s, self.gap_s, self.fail, self.openapi = first_delta_s, gap_s, fail, openapi
        self.models = models
        self.runs = 0
        self.app = self._build()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def _build(self) -> Any:
        app = FastAPI(openapi_url="/openapi.json" if self.openapi else None, docs_url=None, redoc_url=None)

        @app.post("/v1/responses")
        async def responses(request: Request) -> Any:
            try:
                body = json.loads(await request.body())
            except ValueError:
                return self._invalid("the body is not valid JSON")
            if not isinstance(body, dict) or not body.get("model"):
                return self._invalid("Missing required parameter: 'model'.")
            words = _last_user_words(body.get("input"))
            if words is None:
                return self._invalid("Invalid type for 'input': expected a string or a non-empty list.")
            self.runs += 1
            text = ANSWER.format(topic=" ".join(words[:4]) or "nothing")
            response = {"id": f"resp_{uuid.uuid4().hex[:12]}", "object": "response", "model": body["model"],
                        "status": "in_progress", "output": [], "usage": None, "error": None}
            if body.get("stream"):
                return StreamingResponse(self._stream(response, text, len(words)), media_type="text/event-stream")
            if self.fail:
                return JSONResponse({**response, "status": "failed",
                                     "error": {"code": "server_error", "message": "The model is unavailable."}})
            return JSONResponse(self._completed(response, text, len(words)))

        if self.models:
            @app.get("/v1/models")
            async def models() -> Any:
                return {"object": "list", "data": [{"id": "ref-responses-model", "object": "model"}]}

        return app

    @staticmethod
    def _invalid(message: str) -> Any:
        return JSONResponse({"error": {"message": message, "type": "invalid_request_error"}}, status_code=400)

    @staticmethod
    def _completed(response: dict[str, Any], text: str, input_words: int) -> dict[str, Any]:
        item = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}]}
        usage = {"input_tokens": input_words, "output_tokens": len(text.split()),
                 "total_tokens": input_words + len(text.split())}
        return {**response, "status": "completed", "output": [item], "usage": usage}

    async def _stream(self, response: dict[str, Any], text: str, input_words: int) -> AsyncIterator[bytes]:
        yield _event("response.created", {"type": "response.created", "response": response})
        await asyncio.sleep(self.first_delta_s)
        if self.fail:
            failed = {**response, "status": "failed",
                      "error": {"code": "server_error", "message": "The model is unavailable."}}
            yield _event("response.failed", {"type": "response.failed", "response": failed})
            return
        for i, word in enumerate(text.split(" ")):
            delta = word if i == 0 else " " + word
            yield _event("response.output_text.delta", {"type": "response.output_text.delta", "item_id": "msg_1",
                                                        "output_index": 0, "content_index": 0, "delta": delta})
            await asyncio.sleep(self.gap_s)
        yield _event("response.completed", {"type": "response.completed",
                                            "response": self._completed(response, text, input_words)})


def _event(name: str, payload: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode()


def _last_user_words(value: Any) -> list[str] | None:
    """The words of the last user message of ``input`` (a string or a list of messages); None if invalid."""
    if isinstance(value, str):
        return value.split() if value else None
    if not isinstance(value, list) or not value:
        return None
    for message in reversed(value):
        if isinstance(message, dict) and message.get("role") == "user" and isinstance(message.get("content"), str):
            return message["content"].split()
    return None

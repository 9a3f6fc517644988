"""An OpenAI-compatible model that never follows an instruction: every answer is the same filler sentence.

Why beside the simulated LLM: the simulated model recalls a stated code word, as a good model would; a real
upstream may not. A service judged on whether its model obeys would fail a sound session store on such a model,
so the continuity tests run a real AgentOS on this one and expect the verdict to rest on the server's evidence.

(No ``from __future__ import annotations``: FastAPI must see ``Request`` itself, not a string naming a local.)
"""

import json
import time
import uuid
from typing import Any

FILLER = "Thanks for reaching out. Our team is happy to help with support questions."


def create_filler_model_app() -> Any:
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse, StreamingResponse

    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        created, rid, model = int(time.time()), f"chatcmpl-{uuid.uuid4().hex[:12]}", body.get("model", "filler")
        words = len(FILLER.split())
        usage = {"prompt_tokens": 10, "completion_tokens": words, "total_tokens": 10 + words}
        if not body.get("stream"):
            return JSONResponse({"id": rid, "object": "chat.completion", "created": created, "model": model,
                                 "choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": FILLER}}],
                                 "usage": usage})

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
            payload = {"id": rid, "object": "chat.completion.chunk", "created": created, "model": model,
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
            return f"data: {json.dumps(payload)}\n\n"

        def events() -> Any:
            yield chunk({"role": "assistant", "content": FILLER})
            yield chunk({}, "stop", usage=usage)
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app

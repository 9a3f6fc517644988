"""A seed-style ``POST /query`` service that counts what it served, for load tests to compare against.

Raw ASGI (no framework) so it is fast and its counts are exact: a request is counted when its answer has been
sent. Planted misbehaviour is deterministic, by request number: ``every={"429": 5}`` answers every 5th request
429 (with Retry-After), ``{"agent_error": 7}`` a 200 carrying ``"status": "ERROR"``, ``{"500": 9}`` an HTTP 500,
``{"empty": 11}`` a 200 with an empty answer, ``{"echo_auth": 3}`` a 500 that repeats the Authorization header.
``delay_s`` is the service time of a good answer (planted failures are fast); ``serial=True`` serves one request
at a time (latency grows with concurrency, as in a service with one worker). agno-check's probe turn (session id
``agno-check-probe-*``) is answered but counted apart (``probes``), so ``served`` is the load test's own traffic.
Each served request's session id and Authorization header are kept (``sessions``, ``auth_by_session``), so tests
can count per sweep step, per user and per credential on the server's side.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from typing import Any


class CountingApp:
    def __init__(self, delay_s: float = 0.0, every: dict[str, int] | None = None, serial: bool = False) -> None:
        self.delay_s = delay_s
        self.serial = serial
        self._one_at_a_time: asyncio.Lock | None = None
        self.every = dict(every or {})
        self.lock = threading.Lock()
        self.started = 0
        self.served = 0
        self.probes = 0
        self.by_status: Counter[int] = Counter()
        self.by_kind: Counter[str] = Counter()
        self.service_ms: list[float] = []
        self.sessions: list[str] = []
        self.auth_by_session: dict[str, str] = {}
        self.probe_auth: list[str] = []

    def reset(self) -> None:
        with self.lock:
            self.started = self.served = self.probes = 0
            self.by_status.clear()
            self.by_kind.clear()
            self.service_ms.clear()
            self.sessions.clear()
            self.auth_by_session.clear()
            self.probe_auth.clear()

    def _kind(self, number: int) -> str:
        for kind, period in self.every.items():
            if period and number % period == 0:
                return kind
        return "ok"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        began = time.perf_counter()
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] != "/query" or scope["method"] != "POST":
            await self._answer(send, 404, {"detail": "Not Found"})
            return
        try:
            request = json.loads(body)
            message_text = str(request.get("message", ""))
        except (ValueError, AttributeError):
            await self._answer(send, 422, {"detail": "invalid JSON"})
            return
        session = str(request.get("session_id", ""))
        authorization = dict(scope["headers"]).get(b"authorization", b"").decode()
        if session.startswith("agno-check-probe-"):
            with self.lock:
                self.probes += 1  # agno-check's probe turn before the load: served, not counted
                self.probe_auth.append(authorization)
            await self._answer(send, 200, {"response": "probe answered"})
            return
        with self.lock:
            self.started += 1
            number = self.started
        kind = self._kind(number)
        if self.serial:
            self._one_at_a_time = self._one_at_a_time or asyncio.Lock()
            async with self._one_at_a_time:
                await asyncio.sleep(self.delay_s)
        elif self.delay_s and kind == "ok":
            await asyncio.sleep(self.delay_s)
        headers: list[tuple[bytes, bytes]] = []
        if kind == "429":
            status, payload = 429, {"error": "rate limited"}
            headers.append((b"retry-after", b"1"))
        elif kind == "500":
            status, payload = 500, {"detail": "Internal Server Error"}
        elif kind == "agent_error":
            status, payload = 200, {"status": "ERROR", "response": "model upstream failed"}
        elif kind == "empty":
            status, payload = 200, {"response": ""}
        elif kind == "echo_auth":  # a careless error page that repeats the caller's credentials
            status, payload = 500, {"detail": f"rejected {authorization}"}
        else:
            status, payload = 200, {"response": f"You said: {message_text[:40]}", "usage": {"output_tokens": 4}}
        await self._answer(send, status, payload, headers)
        with self.lock:
            self.served += 1
            self.by_status[status] += 1
            self.by_kind[kind] += 1
            self.service_ms.append((time.perf_counter() - began) * 1000.0)
            self.sessions.append(session)
            self.auth_by_session[session] = authorization

    @staticmethod
    async def _answer(send: Any, status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
                      ) -> None:
        data = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode()), *(headers or [])]})
        await send({"type": "http.response.body", "body": data})

"""The ASGI middlewares the hardened demo wraps around AgentOS, outermost first:

``SecurityHeaders`` -> ``Observe`` (metrics) -> ``Limit`` (per-token 429s) -> ``FrontDoor`` (bearer auth, body
size) -> ``QueryCheck`` (paging parameters) -> ``ResponseFilter`` (no instructions out, honest statuses) -> the
AgentOS app.

Why plain ASGI and not ``BaseHTTPMiddleware``: streamed runs must stay streamed (BaseHTTPMiddleware buffers
and breaks cancellation), and a 429 or 401 must be answered before AgentOS parses a form. Each class does one
thing and passes lifespan and websocket scopes through untouched.

Only ``/health`` is public: load balancers probe it without credentials. Everything else, ``/info`` and
``/metrics`` included, needs the bearer token (AgentOS's own ``OS_SECURITY_KEY`` check stays on behind it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from agno_check.demo.filters import (
    RUN_FAILED,
    RUN_FAILED_RETRY_AFTER_S,
    SERVER_ERROR,
    StreamFilter,
    filter_json,
    is_run_path,
)
from agno_check.demo.leaks import LeakGuard
from agno_check.demo.metrics import DemoMetrics

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("agno_check.demo")
PUBLIC_PATHS = frozenset({"/health"})
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


async def send_json(send: Send, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(payload, separators=(",", ":")).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class SecurityHeaders:
    """nosniff, no-store, no framing, no referrer, a closed CSP on every response; HSTS only over https
    (an HSTS header on plain http is ignored by browsers and says nothing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = list(SECURITY_HEADERS) + ([HSTS] if scope.get("scheme") == "https" else [])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers") or []}
                headers = [(k, v) for k, v in message.get("headers") or [] if k.lower() != b"x-powered-by"]
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class Observe:
    """Request count, latency and 5xx count per route template, for Prometheus."""

    def __init__(self, app: ASGIApp, metrics: DemoMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            self.metrics.observe(scope["method"], scope["path"], status, time.perf_counter() - started)


class Limit:
    """Per-token limits (``ratelimit``): 429 with Retry-After; callers without a token are keyed by address."""

    def __init__(self, app: ASGIApp, limiter: Any, metrics: DemoMetrics) -> None:
        self.app = app
        self.limiter = limiter
        self.metrics = metrics

    @staticmethod
    def key(scope: Scope) -> str:
        authorization = header(scope, b"authorization")
        if authorization:  # never the token itself: keys end up in Redis and in memory dumps
            return "t:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]
        client = scope.get("client") or ("unknown", 0)
        return f"ip:{client[0]}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            return await self.app(scope, receive, send)
        key = self.key(scope)
        decision = await self.limiter.acquire(key)
        if decision.reason == "limiter unavailable":
            self.metrics.errors.labels(kind="limiter_unavailable").inc()
        if not decision.allowed:
            self.metrics.rate_limited.labels(reason="in_flight" if "flight" in decision.reason else "rate").inc()
            await send_json(send, 429, {"detail": f"Rate limit exceeded: {decision.reason} for this token. "
                                                  f"Retry after {decision.retry_after_s} s."},
                            {"retry-after": str(decision.retry_after_s)})
            return
        held = decision.held

        async def release() -> None:
            nonlocal held
            if held:
                held = False
                await self.limiter.release(key)

        async def releasing(message: Message) -> None:
            # the slot frees with the response's last byte: the client may send its next request then, while
            # AgentOS is still saving the session (tenths of a second under load)
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                await release()

        try:
            await self.app(scope, receive, releasing)
        finally:
            await release()


class FrontDoor:
    """Bearer auth on every route but ``/health``, and a cap on request bodies (413 before AgentOS reads them)."""

    def __init__(self, app: ASGIApp, token: str, max_body_bytes: int) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()
        self.max_body_bytes = max_body_bytes

    def _authorized(self, scope: Scope) -> bool:
        given = (header(scope, b"authorization") or "").encode("latin-1", errors="replace")
        return hmac.compare_digest(given, self._expected)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            return await self.app(scope, receive, send)
        if not self._authorized(scope):
            await send_json(send, 401, {"detail": "A valid bearer token is required."},
                            {"www-authenticate": "Bearer"})
            return
        too_large = {"detail": f"Request body over {self.max_body_bytes} bytes."}
        length = header(scope, b"content-length")
        if length and length.isdigit() and int(length) > self.max_body_bytes:
            await send_json(send, 413, too_large)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        body, more = [], True  # read the whole (small) body first, so a chunked one cannot slip past the cap
        size = 0
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.append(message.get("body", b""))
            size += len(body[-1])
            more = bool(message.get("more_body"))
            if size > self.max_body_bytes:
                await send_json(send, 413, too_large)
                return
        replay = [{"type": "http.request", "body": b"".join(body), "more_body": False}]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)


class QueryCheck:
    """Paging parameters must be positive integers: a 422 here, before AgentOS 3.1.10 turns ``page=0`` on
    ``/sessions`` into a 500 (its db layer raises ValueError and nothing maps it to a client error)."""

    PAGING = ("page", "limit")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def _invalid(self, scope: Scope) -> str | None:
        from urllib.parse import parse_qsl

        for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
            if name in self.PAGING and not (value.isdigit() and int(value) >= 1):
                return name
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = self._invalid(scope) if scope["type"] == "http" else None
        if name is not None:
            await send_json(send, 422, {"detail": f"query parameter {name!r} must be an integer >= 1"})
            return
        await self.app(scope, receive, send)


class ResponseFilter:
    """The ``filters`` module applied to AgentOS's JSON and SSE answers."""

    SKIP = frozenset({"/health", "/metrics"})

    def __init__(self, app: ASGIApp, guard: LeakGuard, metrics: DemoMetrics) -> None:
        self.app = app
        self.guard = guard
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.SKIP:
            return await self.app(scope, receive, send)
        run = is_run_path(scope["method"], scope["path"])
        state: dict[str, Any] = {"mode": None, "start": None, "chunks": [], "done": False, "sent": False}
        stream = StreamFilter(self.guard)

        async def start(status: int, headers: list[tuple[bytes, bytes]], extra: dict[str, str] | None = None,
                        length: int | None = None) -> None:
            drop = {b"content-length", *(k.encode() for k in (extra or {}))}
            kept = [(k, v) for k, v in headers if k.lower() not in drop]
            kept += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
            if length is not None:
                kept.append((b"content-length", str(length).encode()))
            await send({"type": "http.response.start", "status": status, "headers": kept})

        async def filtered(message: Message) -> None:
            if state["done"]:
                return
            if message["type"] == "http.response.start":
                content_type = dict((k.lower(), v) for k, v in message.get("headers") or []).get(b"content-type", b"")
                if b"application/json" in content_type or int(message["status"]) >= 500:
                    state["mode"] = "json"  # every 5xx becomes the generic JSON error, whatever its type
                elif b"text/event-stream" in content_type:
                    state["mode"] = "sse"
                else:
                    await send(message)
                    return
                state["start"] = message
                return
            if message["type"] != "http.response.body" or state["mode"] is None:
                await send(message)
                return
            more = bool(message.get("more_body"))
            status = int(state["start"]["status"])
            headers = list(state["start"].get("headers") or [])
            if state["mode"] == "json":
                state["chunks"].append(message.get("body", b""))
                if more:
                    return
                result = filter_json(status, b"".join(state["chunks"]), self.guard, run=run)
                if run:
                    self.metrics.run_result(result.input_tokens, result.output_tokens, result.agent_error)
                await start(result.status, headers, result.headers, len(result.body))
                await send({"type": "http.response.body", "body": result.body, "more_body": False})
                state["done"] = True
                return
            out = stream.feed(message.get("body", b""))
            if not more:
                out += stream.finish()
                if run:
                    self.metrics.run_result(stream.input_tokens, stream.output_tokens, stream.agent_error)
            if stream.failed:  # the run failed before its first word: say so with the status, not in a 200
                if more and run:
                    self.metrics.run_result(stream.input_tokens, stream.output_tokens, True)
                await send_json(send, 503, RUN_FAILED, {"retry-after": str(RUN_FAILED_RETRY_AFTER_S)})
                state["done"] = True
                return
            if stream.committed and not state["sent"]:
                await start(status, headers)
                state["sent"] = True
            if state["sent"] and (out or not more):
                await send({"type": "http.response.body", "body": out, "more_body": more})
                state["done"] = not more

        try:
            await self.app(scope, receive, filtered)
        except Exception:  # an unhandled error inside AgentOS: a generic 500, the traceback to our log only
            log.debug("unhandled error serving %s %s", scope["method"], scope["path"], exc_info=True)
            if state["start"] is None and not state["done"] and not state["sent"]:
                await send_json(send, 500, SERVER_ERROR)

"""The simulated LLM's ASGI app (``create_app``) and a context manager that serves it (``SimServer``).

Routes: ``POST /v1/chat/completions`` (also ``/chat/completions``), ``POST /v1/responses`` (also
``/responses``), ``GET /v1/models``, and the control API
under ``/_sim/``, which tests and checks use to change the simulator while it runs:

- ``GET /_sim/faults`` -> ``{"rules": [rule...], "seed": int|null}``; queued rules carry ``remaining``.
- ``POST /_sim/faults`` with a rule ``{"kind": "500", "next": 3}``, a list of rules (objects or CLI strings
  like ``"429:0.2"``) or ``{"rules": [...], "seed": 7}``: replaces the fault profile; answers like GET.
- ``DELETE /_sim/faults``: no faults.
- ``GET /_sim/latency`` -> the latency profile; ``POST /_sim/latency`` with some of ``ttft``, ``tps``,
  ``output_tokens``, ``seed`` (objects, numbers or CLI strings): merged into the profile; answers like GET.
- ``GET /_sim/tools`` -> the tool policy ``{"mode": "none"|"team"|"all", "names": [...]}``; ``POST`` one (or
  a CLI string ``"team"``, ``"all"``, ``"get_weather,search"``) to replace it.
- ``GET /_sim/stats?recent=N`` -> counters and the last N request records (messages received included);
  ``?all=true``: every record kept (``records_cap`` of them at most, ``records_dropped`` says how many went).
- ``POST /_sim/reset``: start-up profiles, reseeded random streams, empty stats.

Invalid control bodies answer 422 ``{"detail": "<one line>"}``. A bearer key is accepted and never required.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from agno_check.sim.chat import handle_chat
from agno_check.sim.profiles import FaultProfile, FaultRule, LatencyProfile, error_text
from agno_check.sim.responses import RESPONSES_PATHS, handle_responses
from agno_check.sim.state import RECENT_RECORDS, SimState
from agno_check.sim.tools import ToolPolicy, parse_policy

CHAT_PATHS = frozenset({"/v1/chat/completions", "/chat/completions"})
GRACEFUL_SHUTDOWN_S = 2  # a hanging request must not hold the server's shutdown for long


class SimApp:
    """ASGI entry point: chat completions and responses go to the raw handlers, the rest to the FastAPI app.

    ``state`` is exposed for in-process inspection; change it through the control API while serving.
    """

    def __init__(self, state: SimState, control: FastAPI) -> None:
        self.state = state
        self.control = control

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            no_delay(send)
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in CHAT_PATHS:
            await handle_chat(self.state, scope, receive, send)
        elif scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in RESPONSES_PATHS:
            await handle_responses(self.state, scope, receive, send)
        else:
            await self.control(scope, receive, send)


def no_delay(send: Any) -> None:
    """TCP_NODELAY on the request's connection, whoever made the socket: a streamed token must leave at once,
    not wait ~40 ms for the client's delayed ACK of the previous write (Nagle)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass  # a closed socket: the request fails on its own


def create_app(
    latency: LatencyProfile | Mapping[str, Any] | None = None,
    faults: FaultProfile | Mapping[str, Any] | list[Any] | None = None,
    seed: int = 0,
    tools: ToolPolicy | str | Mapping[str, Any] | None = None,
) -> SimApp:
    """Build the simulator app. ``latency``/``faults`` take models, their JSON, or CLI strings inside them;
    ``tools`` the naive model's tool policy (default: call none)."""
    state = SimState(
        initial_latency=_as_latency(latency),
        initial_faults=_as_faults(faults),
        seed=seed,
        initial_tools=as_policy(tools),
    )
    return SimApp(state, _control_app(state))


def _as_latency(value: LatencyProfile | Mapping[str, Any] | None) -> LatencyProfile:
    if value is None:
        return LatencyProfile()
    return value if isinstance(value, LatencyProfile) else LatencyProfile.model_validate(dict(value))


def as_policy(value: ToolPolicy | str | Mapping[str, Any] | None) -> ToolPolicy:
    if value is None:
        return ToolPolicy()
    if isinstance(value, ToolPolicy):
        return value
    return parse_policy(value) if isinstance(value, str) else ToolPolicy.model_validate(dict(value))


def _as_faults(value: FaultProfile | Mapping[str, Any] | list[Any] | None) -> FaultProfile:
    if value is None:
        return FaultProfile()
    if isinstance(value, FaultProfile):
        return value
    return FaultProfile.model_validate(dict(value) if isinstance(value, Mapping) else list(value))


def _control_app(state: SimState) -> FastAPI:
    app = FastAPI(title="agno-check simulated LLM", docs_url=None, redoc_url=None)
    created = int(time.time())

    def invalid(exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": error_text(exc)}, status_code=422)

    async def body_of(request: Request) -> Any:
        raw = await request.body()
        if not raw.strip():
            return {}
        return await request.json()

    @app.get("/v1/models")
    @app.get("/models")
    async def models() -> dict[str, Any]:
        model = {"id": "sim", "object": "model", "created": created, "owned_by": "agno-check"}
        return {"object": "list", "data": [model]}

    @app.get("/_sim/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/_sim/faults")
    async def get_faults() -> dict[str, Any]:
        return state.faults_view()

    @app.post("/_sim/faults", response_model=None)
    async def set_faults(request: Request) -> dict[str, Any] | JSONResponse:
        try:
            state.set_faults(FaultProfile.model_validate(await body_of(request)))
        except ValueError as exc:  # pydantic's ValidationError and a JSON decode error are ValueErrors
            return invalid(exc)
        return state.faults_view()

    @app.delete("/_sim/faults")
    async def clear_faults() -> dict[str, Any]:
        state.set_faults(FaultProfile())
        return state.faults_view()

    @app.get("/_sim/latency")
    async def get_latency() -> dict[str, Any]:
        return state.latency.model_dump(exclude_none=True)

    @app.post("/_sim/latency", response_model=None)
    async def set_latency(request: Request) -> dict[str, Any] | JSONResponse:
        try:
            patch = await body_of(request)
            if not isinstance(patch, dict):
                raise ValueError("the body must be a JSON object with ttft, tps, output_tokens and/or seed")
            merged = {**state.latency.model_dump(exclude_none=True), **patch}
            state.set_latency(LatencyProfile.model_validate(merged))
        except ValueError as exc:
            return invalid(exc)
        return state.latency.model_dump(exclude_none=True)

    @app.get("/_sim/tools")
    async def get_tools() -> dict[str, Any]:
        return state.tools.model_dump()

    @app.post("/_sim/tools", response_model=None)
    async def set_tools(request: Request) -> dict[str, Any] | JSONResponse:
        try:
            state.set_tools(as_policy(await body_of(request) or None))
        except ValueError as exc:
            return invalid(exc)
        return state.tools.model_dump()

    @app.get("/_sim/stats")
    async def stats(recent: int = RECENT_RECORDS, all: bool = False) -> dict[str, Any]:  # noqa: A002
        return state.stats(recent=recent, everything=all)

    @app.post("/_sim/reset")
    async def reset() -> dict[str, Any]:
        state.reset()
        return {"reset": True, "latency": state.latency.model_dump(exclude_none=True), **state.faults_view()}

    return app


class SimServer:
    """The simulator on ``127.0.0.1:<free port>`` in a background thread, for tests, the demo and checks.

    ``with SimServer(latency={"ttft": "50ms"}) as sim: OpenAIChat(base_url=sim.openai_base_url, ...)``.
    The control methods go through the HTTP control API, so they are safe from any thread.
    """

    def __init__(
        self,
        latency: LatencyProfile | Mapping[str, Any] | None = None,
        faults: FaultProfile | Mapping[str, Any] | list[Any] | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        tools: ToolPolicy | str | Mapping[str, Any] | None = None,
    ) -> None:
        from agno_check.serve import BackgroundServer

        self.app = create_app(latency, faults, seed, tools)
        self._server = BackgroundServer(
            self.app, host=host, port=port, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S
        )
        self._client: Any = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``."""
        return self._server.url

    @property
    def openai_base_url(self) -> str:
        """What an OpenAI client takes as ``base_url``: ``<url>/v1``."""
        return f"{self.url}/v1"

    def start(self) -> SimServer:
        import httpx

        self._server.start()
        # trust_env=False: a proxy from the environment must never see loopback control traffic.
        self._client = httpx.Client(base_url=self.url, timeout=10.0, trust_env=False)
        return self

    def stop(self) -> None:
        self.app.state.closing.set()  # hangs and slow streams give up now
        if self._client is not None:
            self._client.close()
        self._server.stop()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ control API

    def set_faults(
        self, *rules: FaultRule | str | Mapping[str, Any], seed: int | None = None, **rule: Any
    ) -> dict[str, Any]:
        """Replace the fault profile: ``set_faults("500:next=3")``, ``set_faults(kind="429", rate=0.5)``,
        ``set_faults(FaultRule(...), "reset:0.1")``. Returns the profile in force (as ``GET /_sim/faults``).
        """
        items: list[Any] = []
        for item in (*rules, rule) if rule else rules:
            if isinstance(item, FaultRule):
                item = item.model_dump(exclude_none=True)
            items.append(dict(item) if isinstance(item, Mapping) else item)
        return self._call("POST", "/_sim/faults", {"rules": items, "seed": seed})

    def clear_faults(self) -> None:
        """No faults from now on."""
        self._call("DELETE", "/_sim/faults")

    def faults(self) -> dict:
        """The fault profile in force (queued rules carry ``remaining``), as ``GET /_sim/faults``."""
        return self._call("GET", "/_sim/faults")

    def set_latency(self, profile: LatencyProfile | None = None, **fields: Any) -> dict[str, Any]:
        """Change the latency profile: a ``LatencyProfile`` or some fields (``ttft="50ms"``, ``tps=200``).

        Returns the profile in force (as ``GET /_sim/latency``)."""
        body = profile.model_dump(exclude_none=True) if profile is not None else {}
        return self._call("POST", "/_sim/latency", {**body, **fields})

    def stats(self, recent: int = RECENT_RECORDS, everything: bool = False) -> dict[str, Any]:
        """Counters and the last ``recent`` request records, or ``everything`` kept (as ``GET /_sim/stats``)."""
        return self._call("GET", f"/_sim/stats?recent={recent}&all={'true' if everything else 'false'}")

    def set_tools(self, policy: ToolPolicy | str | Mapping[str, Any]) -> dict[str, Any]:
        """Replace the naive model's tool policy: ``"none"``, ``"team"``, ``"all"``, ``"name1,name2"``."""
        body = policy.model_dump() if isinstance(policy, ToolPolicy) else policy
        return self._call("POST", "/_sim/tools", body)

    def reset(self) -> None:
        """Start-up profiles, reseeded random streams, empty stats."""
        self._call("POST", "/_sim/reset")

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        if self._client is None:
            raise RuntimeError("the simulator is not started")
        response = self._client.request(method, path, json=body)
        if response.status_code == 422:
            raise ValueError(response.json().get("detail", response.text))
        response.raise_for_status()
        return response.json()

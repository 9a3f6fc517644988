"""The demo service: a real agno Agent on the simulated model, served by a real AgentOS.

``build_hardened_app`` is the shape we recommend: AgentOS on a FastAPI ``base_app`` of ours (docs off, our
``/health`` and Prometheus ``/metrics`` preserved over AgentOS's), ``OS_SECURITY_KEY`` set through AgentOS's
settings, CORS closed, the model with a short timeout and retries, and the ``guard`` middlewares around it.
``build_flawed_app`` is AgentOS as it ships (``AgentOS(agents=[agent]).get_app()``), with a model that does not
retry: what a newcomer gets by following the quick start.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from agno_check.demo.config import AGENT_ID, AGENT_NAME, CANARY, INSTRUCTIONS, DemoConfig, ModelPolicy

SIM_API_KEY = "agno-check-sim"


def make_agent(model_base_url: str, db: Any, policy: ModelPolicy) -> Any:
    from agno.agent import Agent
    from agno.models.openai import OpenAIChat

    model = OpenAIChat(id="sim", base_url=model_base_url, api_key=SIM_API_KEY, timeout=policy.timeout_s,
                       max_retries=policy.max_retries)
    return Agent(id=AGENT_ID, name=AGENT_NAME, instructions=INSTRUCTIONS, model=model, db=db,
                 add_history_to_context=True, telemetry=False)


def build_flawed_app(model_base_url: str, db: Any, config: DemoConfig) -> Any:
    from agno.os import AgentOS
    from agno.os.settings import AgnoAPISettings

    agent = make_agent(model_base_url, db, config.flawed_model)
    # explicit settings: an OS_SECURITY_KEY in the user's environment must not harden the flawed demo
    return AgentOS(agents=[agent], telemetry=False, settings=AgnoAPISettings(os_security_key=None)).get_app()


def build_hardened_app(model_base_url: str, db: Any, engine: Any, db_backend: str, token: str, limiter: Any,
                       config: DemoConfig) -> tuple[Any, Any]:
    """The hardened ASGI app and its ``DemoMetrics``."""
    from agno.os import AgentOS
    from agno.os.config import CORSConfig
    from agno.os.settings import AgnoAPISettings
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse, Response

    from agno_check.demo.guard import FrontDoor, Limit, Observe, QueryCheck, ResponseFilter, SecurityHeaders
    from agno_check.demo.health import Health
    from agno_check.demo.leaks import LeakGuard
    from agno_check.demo.metrics import DemoMetrics

    metrics = DemoMetrics()
    health = Health(engine, db_backend, model_base_url, limiter, config)

    @asynccontextmanager
    async def lifespan(_: Any):  # type: ignore[no-untyped-def]
        yield
        await limiter.aclose()

    base = FastAPI(title="agno-check demo", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)

    @base.get("/health")
    async def health_route() -> JSONResponse:
        status, body = await health.report()
        return JSONResponse(body, status_code=status)

    @base.get("/metrics")
    async def metrics_route() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    agent = make_agent(model_base_url, db, config.model)
    agent_os = AgentOS(
        agents=[agent], telemetry=False, base_app=base, on_route_conflict="preserve_base_app",
        settings=AgnoAPISettings(os_security_key=token, docs_enabled=False), cors=CORSConfig(origins=[]),
    )
    app = agent_os.get_app()
    guard = LeakGuard([INSTRUCTIONS], markers=[CANARY])
    limits = config.limits
    wrapped = ResponseFilter(app, guard, metrics)
    wrapped = QueryCheck(wrapped)
    wrapped = FrontDoor(wrapped, token, limits.max_body_bytes)
    wrapped = Limit(wrapped, limiter, metrics)
    wrapped = Observe(wrapped, metrics)
    return SecurityHeaders(wrapped), metrics

"""Health endpoint discovery, shared by the health checks and performance.health_under_load."""

from __future__ import annotations

from dataclasses import dataclass

from agno_check.checks.context import CheckContext
from agno_check.errors import TargetError
from agno_check.targets.base import Response

CANDIDATES = ("/health", "/healthz", "/api/health", "/_health", "/status", "/ready")


@dataclass
class HealthProbe:
    path: str | None  # None: no health endpoint found
    response: Response | None
    tried: tuple[str, ...]


async def discover_health(ctx: CheckContext) -> HealthProbe:
    """The configured health path, else the first candidate that answers 2xx; cached for the run."""

    async def find() -> HealthProbe:
        if ctx.settings.health_path:
            response = await ctx.get(ctx.settings.health_path, label="health")
            return HealthProbe(ctx.settings.health_path, response, (ctx.settings.health_path,))
        first: Response | None = None
        tried: list[str] = []
        for path in CANDIDATES:
            tried.append(path)
            try:
                response = await ctx.get(path, label="health discovery")
            except TargetError:
                continue
            first = first or response
            if 200 <= response.status_code < 300:
                return HealthProbe(path, response, tuple(tried))
        return HealthProbe(None, first, tuple(tried))

    return await ctx.memo("health", find)

from __future__ import annotations

from typing import Any

from agno_check.checks._health import discover_health
from agno_check.checks._skip_reasons import DEPLOYMENT
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, passed, skipped, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError

DEPENDENCY_WORDS = ("db", "database", "postgres", "sqlite", "redis", "cache", "model", "llm", "upstream",
                    "storage", "vector", "knowledge", "dependencies", "checks", "components", "services")
DETAIL_PATHS = ("/health/detailed", "/health/ready", "/ready", "/readyz")


def dependency_keys(body: Any, depth: int = 0) -> list[str]:
    """Keys of a health body that name a dependency (``db``, ``model``, ``checks`` ...)."""
    if not isinstance(body, dict) or depth > 3:
        return []
    found = []
    for key, value in body.items():
        lowered = str(key).lower()
        if any(word == lowered or lowered.startswith(word) or lowered.endswith(word) for word in DEPENDENCY_WORDS):
            found.append(str(key))
        found += [f"{key}.{k}" for k in dependency_keys(value, depth + 1)]
    return found


@check(id="configuration.health_depth", severity="low", title="Health reports the status of dependencies",
       inprocess_skip=DEPLOYMENT)
async def health_depth(ctx: CheckContext) -> Outcome:
    """What it checks: the health body (and /health/detailed, /ready) reports the state of what the agent
    depends on: its database, its model upstream, its cache.

    Why it matters: a health endpoint that always says ok keeps a replica in rotation while its database is
    down, and every run fails or silently stores nothing.

    How to fix: Add a readiness endpoint that opens a database connection and reaches the model provider,
    and reports each as ``{"db": "ok", "model": "ok"}`` with a non-2xx status when one is down.
    """
    probe = await discover_health(ctx)
    if probe.path is None or probe.response is None:
        return skipped("no health endpoint to read (see configuration.health_endpoint)")
    bodies = {probe.path: probe.response.json()}
    for path in DETAIL_PATHS:
        if path == probe.path:
            continue
        try:
            response = await ctx.get(path, label="health depth")
        except TargetError:
            continue
        if 200 <= response.status_code < 300 or response.status_code == 503:
            bodies[path] = response.json()
    for path, body in bodies.items():
        keys = dependency_keys(body)
        if keys:
            return passed(f"GET {path} reports dependencies: {', '.join(keys[:6])}", path=path, keys=keys[:20])
    return warned(f"GET {probe.path} reports no dependency (only {str(bodies[probe.path])[:80]})",
                  paths=list(bodies))

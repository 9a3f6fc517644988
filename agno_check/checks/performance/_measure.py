"""Helpers shared by the performance checks: SLO thresholds and the concurrent batch."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from agno_check.checks._health import discover_health
from agno_check.checks.context import CheckContext
from agno_check.errors import TargetError
from agno_check.slo import Slo, parse_slos
from agno_check.targets.base import Turn

HEALTH_PROBE_INTERVAL_S = 0.1


def slo_for(ctx: CheckContext, metric: str, default_ms: float) -> Slo:
    """The user's ``--slo`` on this metric, else the catalogue's default."""
    for slo in parse_slos(ctx.settings.slo):
        if slo.metric == metric:
            return slo
    return Slo(metric=metric, op="<", threshold=default_ms, expr=f"{metric}<{default_ms:g}")


@dataclass
class ConcurrentBatch:
    """C runs started together, and health probes sent while they were in flight."""

    turns: list[Turn | Exception] = field(default_factory=list)
    health_path: str | None = None
    health_ms: list[float] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)
    wall_ms: float = 0.0


async def concurrent_batch(ctx: CheckContext, key: str = "concurrent_batch") -> ConcurrentBatch:
    """Shared by performance.concurrency and performance.health_under_load: one batch, two verdicts."""

    async def make() -> ConcurrentBatch:
        batch = ConcurrentBatch()
        probe = await discover_health(ctx)
        batch.health_path = probe.path

        async def one() -> Turn | Exception:
            try:
                return await ctx.run_turn(session_id=ctx.new_session_id("concurrency"))
            except TargetError as exc:
                return exc

        started = time.perf_counter()
        runs = asyncio.gather(*(one() for _ in range(ctx.settings.concurrency)))
        runs_task = asyncio.ensure_future(runs)
        while batch.health_path and not runs_task.done():
            try:
                response = await ctx.get(batch.health_path, label="health under load",
                                         timeout_s=min(ctx.settings.timeout, 10.0))
                if 200 <= response.status_code < 300:
                    batch.health_ms.append(response.elapsed_ms)
                else:
                    batch.health_failures.append(f"HTTP {response.status_code}")
            except TargetError as exc:
                batch.health_failures.append(str(exc))
            await asyncio.sleep(HEALTH_PROBE_INTERVAL_S)
        batch.turns = list(await runs_task)
        batch.wall_ms = (time.perf_counter() - started) * 1000.0
        return batch

    return await ctx.memo(key, make)

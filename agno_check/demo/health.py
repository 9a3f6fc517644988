"""A health endpoint that reports its dependencies: database, model upstream, and the limiter's Redis.

Why open a connection: agno's ``PostgresDb`` swallows connection errors (a session read on a dead server
returns ``[]`` and runs go on storing nothing), so its API cannot tell whether the database is up. The probe
runs ``SELECT 1`` on the engine agno uses. The model is reached with ``GET /models`` on its base URL, which
costs no tokens. Results are reused for a couple of seconds so a busy load balancer cannot turn health checks
into load, and every probe has its own timeout so health answers within a second even when a dependency hangs.

The body names each dependency and its state, never a connection string or an exception text: ``/health`` is
public.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agno_check.demo.config import DemoConfig


def _select_one(engine: Any) -> None:
    from sqlalchemy import text

    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


class Health:
    """``await health.report()`` -> (HTTP status, body)."""

    def __init__(self, engine: Any, db_backend: str, model_base_url: str, limiter: Any, config: DemoConfig) -> None:
        self.engine = engine
        self.db_backend = db_backend
        self.model_base_url = model_base_url.rstrip("/")
        self.limiter = limiter
        self.config = config
        self._cached: tuple[float, int, dict[str, Any]] | None = None
        self._lock: asyncio.Lock | None = None

    async def _timed(self, probe: Any) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(probe, self.config.health_probe_timeout_s)
        except TimeoutError:
            return {"status": "down", "error": f"no answer within {self.config.health_probe_timeout_s:g} s"}
        except Exception:  # noqa: BLE001 - any failure means down; the cause goes to logs, not to the public
            return {"status": "down", "error": "unreachable"}
        return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000.0, 1)}

    async def _db(self) -> None:
        await asyncio.to_thread(_select_one, self.engine)

    async def _model(self) -> None:
        import httpx

        async with httpx.AsyncClient(trust_env=False, timeout=self.config.health_probe_timeout_s) as client:
            response = await client.get(f"{self.model_base_url}/models")
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")

    async def _fresh(self) -> tuple[int, dict[str, Any]]:
        probes = {"db": self._db(), "model": self._model()}
        if self.limiter is not None and self.limiter.backend == "redis":
            probes["cache"] = self.limiter.ping()
        names = list(probes)
        results = await asyncio.gather(*(self._timed(probe) for probe in probes.values()))
        checks = dict(zip(names, results, strict=True))
        checks["db"]["backend"] = self.db_backend
        if "cache" in checks:
            checks["cache"]["backend"] = "redis"
        healthy = all(item["status"] == "ok" for item in checks.values())
        return (200 if healthy else 503), {"status": "ok" if healthy else "degraded", "checks": checks}

    async def report(self) -> tuple[int, dict[str, Any]]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] > self.config.health_cache_s:
                status, body = await self._fresh()
                self._cached = (now, status, body)
            return self._cached[1], self._cached[2]

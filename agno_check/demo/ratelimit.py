"""Per-token rate limits: a cap on requests in flight and a token bucket, in memory or in Redis.

Why both: a closed-loop client (a load test, a UI) never has more requests in flight than it has users, however
fast the agent answers, while a burst or a runaway script has many at once; the in-flight cap tells them apart
on any machine. The bucket caps the rate for callers that pace themselves just under it.

Why Redis when ``REDIS_URL`` is set: replicas behind a load balancer must share one budget per token, or N
replicas allow N times the limit. The Redis limiter does each decision in one Lua script (atomic, one round
trip), keys expire on their own, and if Redis fails the request is let through (a limiter outage must not
become a service outage) and counted, so the metrics show it.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from agno_check.demo.config import Limits

MAX_KEYS = 10_000  # in-memory buckets kept; the least recently used go first
KEY_PREFIX = "agno-check:demo:rl:"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: int = 0
    reason: str = ""
    #: whether an in-flight slot was taken (and must be released)
    held: bool = False


class MemoryLimiter:
    """Limits for one process. All calls run on the server's event loop, so no locks are needed."""

    backend = "memory"

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._in_flight: dict[str, int] = {}
        self.failures = 0

    async def acquire(self, key: str) -> Decision:
        limits = self.limits
        if self._in_flight.get(key, 0) >= limits.max_in_flight:
            return Decision(False, limits.in_flight_retry_after_s,
                            f"more than {limits.max_in_flight} requests in flight")
        now = time.monotonic()
        tokens, at = self._buckets.pop(key, (float(limits.bucket_capacity), now))
        tokens = min(float(limits.bucket_capacity), tokens + (now - at) * limits.refill_per_s)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            wait = math.ceil((1.0 - tokens) / limits.refill_per_s)
            return Decision(False, max(1, wait), f"over {limits.refill_per_s:g} requests/s")
        self._buckets[key] = (tokens - 1.0, now)
        while len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        self._in_flight[key] = self._in_flight.get(key, 0) + 1
        return Decision(True, held=True)

    async def release(self, key: str) -> None:
        left = self._in_flight.get(key, 0) - 1
        if left > 0:
            self._in_flight[key] = left
        else:
            self._in_flight.pop(key, None)

    async def ping(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


# KEYS[1] in-flight counter, KEYS[2] bucket hash; ARGV: max in flight, capacity, refill/s, in-flight TTL (s)
_ACQUIRE = """
local flight = tonumber(redis.call('GET', KEYS[1]) or '0')
if flight >= tonumber(ARGV[1]) then return {0, 1} end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local cap = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[2], 'tokens', 'at')
local tokens = tonumber(state[1]) or cap
local at = tonumber(state[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
if tokens < 1 then
  redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('EXPIRE', KEYS[2], math.ceil(cap / rate) + 60)
  return {0, 2, tostring((1 - tokens) / rate)}
end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'at', tostring(now))
redis.call('EXPIRE', KEYS[2], math.ceil(cap / rate) + 60)
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return {1, 0}
"""
_RELEASE = """
local left = redis.call('DECR', KEYS[1])
if left <= 0 then redis.call('DEL', KEYS[1]) end
return left
"""
#: an in-flight counter outlives a crashed replica's requests by at most this long
IN_FLIGHT_TTL_S = 300


class RedisLimiter:
    """The same limits shared by every replica through Redis (``redis.asyncio``, created on the server's loop)."""

    backend = "redis"

    def __init__(self, limits: Limits, url: str) -> None:
        self.limits = limits
        self.url = url
        self._client: Any = None
        self._acquire: Any = None
        self._release: Any = None
        self.failures = 0

    def _redis(self) -> Any:
        if self._client is None:
            import redis.asyncio as redis

            self._client = redis.from_url(self.url, socket_timeout=1.0, socket_connect_timeout=1.0)
            self._acquire = self._client.register_script(_ACQUIRE)
            self._release = self._client.register_script(_RELEASE)
        return self._client

    @staticmethod
    def _keys(key: str) -> list[str]:
        return [f"{KEY_PREFIX}{key}:flight", f"{KEY_PREFIX}{key}:bucket"]

    async def acquire(self, key: str) -> Decision:
        limits = self.limits
        self._redis()
        try:
            result = await self._acquire(keys=self._keys(key), args=[limits.max_in_flight, limits.bucket_capacity,
                                                                    limits.refill_per_s, IN_FLIGHT_TTL_S])
        except Exception:  # noqa: BLE001 - fail open, counted: a limiter outage is not a service outage
            self.failures += 1
            return Decision(True, reason="limiter unavailable")
        if int(result[0]) == 1:
            return Decision(True, held=True)
        if int(result[1]) == 1:
            return Decision(False, limits.in_flight_retry_after_s,
                            f"more than {limits.max_in_flight} requests in flight")
        wait = float(result[2].decode() if isinstance(result[2], bytes) else result[2])
        return Decision(False, max(1, math.ceil(wait)), f"over {limits.refill_per_s:g} requests/s")

    async def release(self, key: str) -> None:
        try:
            await self._release(keys=self._keys(key)[:1])
        except Exception:  # noqa: BLE001 - the counter expires on its own
            self.failures += 1

    async def ping(self) -> None:
        await self._redis().ping()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

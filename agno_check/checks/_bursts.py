"""The bounded burst shared by security.rate_limiting and reliability.backpressure: one burst, two verdicts.

``--burst-requests`` runs (default 60) with valid credentials, all started together within
``--burst-seconds`` (default 5), none retried on 429 (the 429s are what rate limiting is judged on). Each
request is bounded by ``--timeout``; a transport failure is kept as an outcome, because for backpressure a
reset or a timeout under overload is the finding, not a reason to stop.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from agno_check.checks.context import CheckContext
from agno_check.errors import TargetError, TargetTimeout
from agno_check.targets.base import Response, Turn

#: at most this many burst requests in flight from agno-check itself (below the HTTP client's pool size), so a
#: queue inside agno-check is never mistaken for the target's
MAX_IN_FLIGHT = 200


@dataclass
class Burst:
    requested: int
    turns: list[Turn] = field(default_factory=list)
    failures: list[TargetError] = field(default_factory=list)
    launch_ms: float = 0.0  # from the first request to the last one started
    wall_ms: float = 0.0

    @property
    def answered(self) -> int:
        return len(self.turns)

    def with_status(self, *codes: int) -> list[Turn]:
        return [t for t in self.turns if t.status_code in codes]

    def status_counts(self) -> dict[str, int]:
        counts = Counter(str(t.status_code) for t in self.turns)
        for failure in self.failures:
            counts["timeout" if isinstance(failure, TargetTimeout) else "transport error"] += 1
        return dict(sorted(counts.items()))

    def longest_retry_after(self) -> Response | None:
        """The shed answer with the longest Retry-After (what the runner must wait out before the next check)."""
        shed = [t.response for t in self.turns if t.response.retry_after_s() is not None]
        return max(shed, key=lambda r: r.retry_after_s() or 0.0, default=None)

    def evidence(self) -> dict[str, object]:
        return {"requests": self.requested, "statuses": self.status_counts(),
                "started_within_ms": round(self.launch_ms, 1), "wall_ms": round(self.wall_ms, 1)}


async def burst(ctx: CheckContext) -> Burst:
    """Send the burst once per run (the second check reuses it) and leave its Retry-After for the runner."""

    async def make() -> Burst:
        n = ctx.settings.burst_requests
        result = Burst(requested=n)
        gate = asyncio.Semaphore(MAX_IN_FLIGHT)
        started = time.perf_counter()
        spacing = 0.0 if n <= MAX_IN_FLIGHT else ctx.settings.burst_seconds / n
        last_start = started

        async def one(i: int) -> None:
            nonlocal last_start
            if spacing:
                await asyncio.sleep(i * spacing)
            async with gate:
                last_start = max(last_start, time.perf_counter())
                try:
                    turn = await ctx.run_turn(session_id=ctx.new_session_id("burst"), honour_429=False)
                except TargetError as exc:
                    result.failures.append(exc)
                    return
                result.turns.append(turn)

        await asyncio.gather(*(one(i) for i in range(n)))
        result.launch_ms = (last_start - started) * 1000.0
        result.wall_ms = (time.perf_counter() - started) * 1000.0
        return result

    outcome = await ctx.memo("burst", make)
    shed = outcome.longest_retry_after()
    if shed is not None:
        ctx.note_retry_after(shed)
    return outcome

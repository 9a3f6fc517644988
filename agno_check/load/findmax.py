"""``--find-max``: step the users up until an SLO breaks; report the highest load that held.

Steps double from ``--users`` (1, 2, 4, ... up to ``--max-users``); after the first step that breaks, up to three
bisection steps between the last load that held and the first that broke narrow the answer to about 10%. Each
step settles (spawning, first answers) before its window opens, and is judged on its own window only: the SLOs,
and at least one successful turn.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agno_check.load.metrics import Aggregate
from agno_check.slo import Slo

BISECT_ROUNDS = 3


@dataclass
class Step:
    users: int
    duration_s: float
    values: dict[str, float | None]
    requests: int
    failures: int
    held: bool
    broken: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        picked = {k: self.values.get(k) for k in ("rps", "p50", "p95", "p99", "ttft_p95", "error_rate")}
        return {"users": self.users, "duration_s": round(self.duration_s, 2), "requests": self.requests,
                "failures": self.failures, "held": self.held, "broken": self.broken, **picked,
                "slo_values": self.values}


@dataclass
class FindMaxResult:
    steps: list[Step] = field(default_factory=list)

    @property
    def best(self) -> Step | None:
        held = [s for s in self.steps if s.held]
        return max(held, key=lambda s: s.users) if held else None

    @property
    def first_broken(self) -> Step | None:
        broken = [s for s in self.steps if not s.held]
        return min(broken, key=lambda s: s.users) if broken else None

    def as_dict(self) -> dict[str, Any]:
        best, broke = self.best, self.first_broken
        return {"max_users": best.users if best else None, "max_rps": best.values.get("rps") if best else None,
                "broke_at_users": broke.users if broke else None,
                "ceiling_reached": bool(best) and broke is None,
                "steps": [s.as_dict() for s in self.steps]}


def user_steps(start: int, ceiling: int) -> list[int]:
    steps, users = [], max(1, start)
    while users < ceiling:
        steps.append(users)
        users *= 2
    steps.append(ceiling)
    return steps


def search(run_step: Callable[[int], Step], start: int, ceiling: int,
           should_stop: Callable[[], bool]) -> FindMaxResult:
    """Doubling, then bisection; ``run_step(users)`` measures one step."""
    result = FindMaxResult()
    good: int | None = None
    bad: int | None = None
    for users in user_steps(start, ceiling):
        if should_stop():
            return result
        step = run_step(users)
        result.steps.append(step)
        if not step.held:
            bad = users
            break
        good = users
    rounds = 0
    while good is not None and bad is not None and bad - good > max(1, good // 10) and rounds < BISECT_ROUNDS:
        if should_stop():
            break
        middle = (good + bad) // 2
        step = run_step(middle)
        result.steps.append(step)
        good, bad = (middle, bad) if step.held else (good, middle)
        rounds += 1
    return result


def judge(users: int, window: Aggregate, duration_s: float, slos: list[Slo], streamed: bool) -> Step:
    values = window.slo_values(duration_s, streamed)
    broken = [s.expr for s in slos if not s.holds(values.get(s.metric))]
    succeeded = window.requests - window.failures
    if succeeded <= 0:
        broken.append("no successful turn")
    return Step(users=users, duration_s=duration_s, values=values, requests=window.requests,
                failures=window.failures, held=not broken, broken=broken)


def measure_step(runner: Any, collector: Any, users: int, spawn_rate: float | None, step_s: float,
                 slos: list[Slo], streamed: bool, sleep: Callable[[float], None]) -> Step:
    """Set the users, let them settle, then judge a window of ``step_s`` seconds."""
    import gevent

    gevent.spawn(runner.start, users, max(float(users), spawn_rate or 0.0))
    sleep(min(2.0, max(1.0, step_s / 5)))
    collector.start_step()
    opened = time.perf_counter()
    sleep(step_s)
    window = collector.end_step()
    return judge(users, window, time.perf_counter() - opened, slos, streamed)

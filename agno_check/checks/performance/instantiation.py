"""performance.instantiation: what creating the agent costs, as AgentOS does on every request."""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from typing import Any

from agno_check.checks._inprocess import info_of
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.stats import percentile
from agno_check.targets.loader import one_line

WARMUP_RUNS = 3
TIMED_RUNS = 20
MEMORY_RUNS = 3
BUDGET_S = 3.0  # a slow agent gets fewer timed runs, never a longer check
WARN_MS, FAIL_MS = 20.0, 250.0
WARN_MIB, FAIL_MIB = 10.0, 100.0
MIB = 1024 * 1024


def summary(values: list[float]) -> dict[str, float]:
    """mean, p50, p95 and max to 3 decimals (instantiation is sub-millisecond; stats.distribution rounds to 0.1)."""
    return {"mean": round(sum(values) / len(values), 3), "p50": round(percentile(values, 50) or 0.0, 3),
            "p95": round(percentile(values, 95) or 0.0, 3), "max": round(max(values), 3)}


def _peak_mib(func: Any) -> float:
    """Peak traced memory of one call in MiB, as agno's PerformanceEval measures it (tracemalloc peak, after
    a gc); works whether or not tracemalloc was already tracing."""
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    func()
    _, peak = tracemalloc.get_traced_memory()
    if not was_tracing:
        tracemalloc.stop()
    return max(0.0, (peak - before) / MIB)


def measure(make: Any) -> dict[str, Any]:
    """Time and memory of ``make()``: warm-up runs, then timed runs within the budget, then memory runs."""
    import psutil

    process = psutil.Process()
    rss_before = process.memory_info().rss
    for _ in range(WARMUP_RUNS):
        make()
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < TIMED_RUNS and (len(times) < 3 or time.perf_counter() - started < BUDGET_S):
        t0 = time.perf_counter()
        make()
        times.append((time.perf_counter() - t0) * 1000.0)
    baseline = _peak_mib(lambda: None)
    memory = [max(0.0, _peak_mib(make) - baseline) for _ in range(MEMORY_RUNS)]
    gc.collect()
    return {"time_ms": summary(times), "memory_mib": summary(memory), "runs": len(times),
            "rss_delta_mib": round((process.memory_info().rss - rss_before) / MIB, 2)}


@check(id="performance.instantiation", severity="medium", title="Creating the agent per request is cheap",
       phase="measure", targets=("inprocess",))
async def instantiation(ctx: CheckContext) -> Outcome:
    """What it checks: the time and peak memory of ``agent.deep_copy()``, the copy AgentOS makes of the agent
    for every request, measured the way agno's ``PerformanceEval`` measures instantiation (warm-up runs, then
    timed runs; tracemalloc peak after a gc, less an empty call's); psutil's RSS change as context. Mean time
    over 20 ms or peak memory over 10 MiB warns; over 250 ms or 100 MiB fails.

    Why it matters: a plain agent copies in well under a millisecond. An agent that drags large objects
    along (a tool holding a loaded dataset or model, a huge ``dependencies`` dict, a big ``session_state``)
    deep-copies them on every request: latency and memory that grow with traffic. Severity medium: it is a
    per-request tax, not an outage, until traffic makes it one.

    How to fix: Keep heavy objects out of what the agent copies: load datasets and models once at module level
    and reach them from the tool function, pass connections by reference (``db``, ``knowledge``), and keep
    ``session_state`` and ``dependencies`` small.
    """
    info = info_of(ctx)
    try:
        result = await asyncio.to_thread(measure, info.served.deep_copy)
    except Exception as exc:
        return errored(f"agent.deep_copy() failed, so instantiation could not be measured: {one_line(exc)}")
    mean_ms = result["time_ms"]["mean"]
    peak = result["memory_mib"]["max"]
    text = f"deep_copy() {mean_ms:.2f} ms mean (p95 {result['time_ms']['p95']:.2f}) over {result['runs']} runs, " \
           f"peak {peak * 1024:.0f} KiB"
    if mean_ms >= FAIL_MS or peak >= FAIL_MIB:
        return failed(f"{text}: AgentOS pays this on every request", **result)
    if mean_ms >= WARN_MS or peak >= WARN_MIB:
        return warned(f"{text}: more than a plain agent's (under 1 ms, under 1 MiB)", **result)
    return passed(text, **result)

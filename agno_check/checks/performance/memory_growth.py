"""performance.memory_growth: the serving process's memory stays flat over many sessions."""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from pathlib import Path
from typing import Any

from agno_check.checks._inprocess import info_of
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError

WARMUP_SESSIONS = 10  # fills the caches that grow once (SQLAlchemy statements, connection pools)
SESSIONS = 40  # measured, in two halves; fewer (never under MIN_SESSIONS) when runs are slow
MIN_SESSIONS = 20
BUDGET_S = 20.0  # for the measured sessions
WARN_KIB, FAIL_KIB = 4.0, 64.0  # retained per session; a stateless agent keeps well under 1 KiB
KIB = 1024
QUICK_MODEL = {"ttft": "5ms", "tps": 5000, "output_tokens": 12}
#: agno-check's own allocations (our HTTP client, the check itself) are not the agent's
_OURS = str(Path(__file__).resolve().parents[2])


def quick_sim(sim: Any) -> None:
    """Empty the simulated LLM's log of recent requests (so it never counts as growth) and make it answer at
    once: memory per session does not depend on the model's pace, the check's duration does."""
    if sim is not None:
        sim.reset()
        sim.set_latency(**QUICK_MODEL)


def traced_kib(sim: Any) -> float:
    """Memory traced now, after a gc, without agno-check's own allocations or the simulator's request log."""
    quick_sim(sim)
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces([
        tracemalloc.Filter(False, f"{_OURS}/*"), tracemalloc.Filter(False, tracemalloc.__file__)])
    return sum(stat.size for stat in snapshot.statistics("filename")) / KIB


async def _sessions(ctx: CheckContext, count: int, failures: list[str]) -> float:
    """``count`` one-run sessions through the served AgentOS (turns are not kept: they would be our growth);
    returns the seconds they took."""
    started = time.perf_counter()
    for _ in range(count):
        turn = await ctx.target.run(ctx.settings.message, ctx.new_session_id("memory"), False)
        if not turn.ok:
            failures.append(turn.failure_reason() or "failed")
    return time.perf_counter() - started


@check(id="performance.memory_growth", severity="medium", title="Memory stays flat over many sessions",
       phase="measure", targets=("inprocess",), needs_answers=True)
async def memory_growth(ctx: CheckContext) -> Outcome:
    """What it checks: runs 10 warm-up sessions, then 40 new sessions of one run each (at least 20 when runs
    are slow) through the served AgentOS against the simulated model, and measures the memory the process
    retains (tracemalloc, after a gc, leaving out agno-check's own allocations and the simulated model's
    request log) after each half. The growth per session is the smaller of the two halves' (a cache that
    fills once grows in one half, a leak in both): over 4 KiB per session warns (a stateless agent keeps
    well under 1 KiB; ``InMemoryDb`` keeps about 6 KiB for a one-line session), over 64 KiB fails. Not run
    with ``--live-model`` (it would spend dozens of model calls).

    Why it matters: a process that keeps something per session (an in-memory store, a module-level list a
    tool appends to, an unbounded cache) grows until the container is killed, typically at night, under the
    traffic that matters. At 64 KiB a session, a million sessions are 61 GiB. Severity medium: it takes days
    to hurt, and then it restarts the service.

    How to fix: Keep per-session data in the database, not in the process (``PostgresDb`` rather than
    ``InMemoryDb``); bound caches (``functools.lru_cache(maxsize=...)``, ``cachetools.TTLCache``); never
    append to module-level lists from a tool.
    """
    info = info_of(ctx)
    if info.live_model:
        return skipped(f"--live-model: {WARMUP_SESSIONS + SESSIONS} runs would spend real model calls; this check "
                       "runs against the simulated model")
    import psutil

    failures: list[str] = []
    started_tracing = not tracemalloc.is_tracing()
    try:
        try:
            await asyncio.to_thread(quick_sim, info.sim)
            warmup_s = await _sessions(ctx, WARMUP_SESSIONS, failures)
            per_session = warmup_s / WARMUP_SESSIONS
            half = max(MIN_SESSIONS // 2, min(SESSIONS // 2, int(BUDGET_S / 2 / max(per_session, 1e-3))))
            if started_tracing:
                tracemalloc.start(1)  # one frame: deeper tracebacks make every allocation several times slower
            rss_start = psutil.Process().memory_info().rss
            marks = [await asyncio.to_thread(traced_kib, info.sim)]
            for _ in range(2):
                await _sessions(ctx, half, failures)
                marks.append(await asyncio.to_thread(traced_kib, info.sim))
            rss_end = psutil.Process().memory_info().rss
        except TargetError as exc:
            return errored(f"the sessions could not be run: {exc}")
    finally:
        if started_tracing and tracemalloc.is_tracing():
            tracemalloc.stop()
        if info.sim is not None:
            await asyncio.to_thread(info.sim.reset)  # back to the start-up profile for the next checks
    sessions = 2 * half
    if len(failures) > (WARMUP_SESSIONS + sessions) // 2:
        return errored(f"{len(failures)} of {WARMUP_SESSIONS + sessions} runs failed, so growth per session means "
                       f"nothing (first: {failures[0]})")
    halves = [(marks[1] - marks[0]) / half, (marks[2] - marks[1]) / half]
    growth = max(0.0, min(halves))
    evidence: dict[str, Any] = {
        "sessions": sessions, "warmup_sessions": WARMUP_SESSIONS, "traced_kib": [round(m, 1) for m in marks],
        "growth_kib_per_session": round(growth, 2), "halves_kib_per_session": [round(h, 2) for h in halves],
        "rss_delta_mib": round((rss_end - rss_start) / (KIB * KIB), 2), "failed_runs": len(failures)}
    text = f"{growth:.1f} KiB retained per session over {sessions} sessions " \
           f"(halves: {halves[0]:.1f}, {halves[1]:.1f} KiB)"
    if growth > FAIL_KIB:
        return failed(f"{text}: the process grows with every session", **evidence)
    if growth > WARN_KIB:
        return warned(f"{text}: more than a stateless agent keeps", **evidence)
    return passed(text, **evidence)

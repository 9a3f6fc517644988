"""performance.tool_latency: each tool's own time inside a run, p95 against ``tool_p95<MS``."""

from __future__ import annotations

from agno_check.checks._tools import exercised_tools, run_time_note, run_with_tool
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed
from agno_check.checks.performance._measure import slo_for
from agno_check.checks.registry import check
from agno_check.errors import TargetError
from agno_check.stats import percentile

DEFAULT_TOOL_P95_MS = 5000.0
#: calls timed per tool (earlier runs' calls count too), and at most this many tools
SAMPLES = 5
MAX_TOOLS = 12


@check(id="performance.tool_latency", severity="medium", phase="measure", targets=("inprocess",),
       title="Each tool is fast inside a run")
async def tool_latency(ctx: CheckContext) -> Outcome:
    """What it checks: in-process, with the simulated model calling tools (``--exercise-tools``), each
    exercised tool's own time inside the run (measured around the call by agno-check's probe, apart from the
    model's time), over at least 5 calls per tool with schema-valid arguments; the p95 of each tool against
    ``--slo tool_p95<MS`` (default 5000 ms). Skipped when no tool is exercised.

    Why it matters: a run waits for every tool it calls, one after the other. A slow tool (an unindexed
    query, a remote API with no timeout, work done per call that could be cached) adds its time to every
    answer that needs it, and the model's latency is no longer what limits the agent.

    How to fix: Give the tool's clients timeouts, cache what does not change per call, index the queries it
    runs, and move slow work out of the request path; the evidence gives each tool's p50/p95.
    """
    probes, names = exercised_tools(ctx)
    slo = slo_for(ctx, "tool_p95", DEFAULT_TOOL_P95_MS)
    stats: dict[str, dict[str, float | int]] = {}
    try:
        for name in names[:MAX_TOOLS]:
            for _ in range(SAMPLES):
                if len([c for c in probes.calls_of(name) if not c.error]) >= SAMPLES:
                    break
                run = await run_with_tool(ctx, probes, name)
                if run.verdict in ("hang", "crash", "not reached"):
                    break
    except (TargetError, ValueError) as exc:
        return errored(f"could not drive the simulated model's tool calls: {exc}")
    for name in names[:MAX_TOOLS]:
        times = [c.duration_s * 1000.0 for c in probes.calls_of(name) if not c.error]
        if times:
            stats[name] = {"calls": len(times), "p50_ms": round(percentile(times, 50) or 0.0, 3),
                           "p95_ms": round(percentile(times, 95) or 0.0, 3), "max_ms": round(max(times), 3)}
    evidence = {"tools": stats, "slo": slo.expr, "not_timed": [n for n in names if n not in stats]}
    uncovered = ""
    if probes.run_time_toolkits:
        evidence["not_listed_run_time_toolkits"] = list(probes.run_time_toolkits)
        uncovered = f"; {run_time_note(probes)}"
    if not stats:
        return errored(f"none of {', '.join(names)} completed a call to time", **evidence)
    slow = [name for name, s in stats.items() if not slo.holds(float(s["p95_ms"]))]
    listed = ", ".join(f"{n} p95 {_ms(float(s['p95_ms']))} ms over {s['calls']} calls" for n, s in stats.items())
    if slow:
        said = ", ".join(f"{n} p95 {_ms(float(stats[n]['p95_ms']))} ms" for n in slow)
        return failed(f"{said} breaks {slo.expr} ({listed}){uncovered}", **evidence)
    return passed(f"{listed}: within {slo.expr}{uncovered}", **evidence)


def _ms(value: float) -> str:
    """Tools are often sub-millisecond: keep three significant digits there, one decimal above."""
    return f"{value:.1f}" if value >= 1 else f"{value:.3g}"

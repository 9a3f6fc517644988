"""Helpers for the tool checks (``reliability.tool_errors``, ``performance.tool_latency``): an in-process
target's tools that the simulated model calls, and one run that makes it call a given tool.

The in-process target leaves ``InprocessInfo.tools`` (the user's tools with a probe around each, see
``agno_check/targets/tool_probe.py``) and ``tool_policy`` (which of them the simulated model calls). A run
for one tool narrows the simulator's tool policy to that tool (team delegation stays allowed, so a member's
tool is reached through its team) and puts the policy back afterwards.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agno_check.checks._inprocess import info_of
from agno_check.checks.outcome import SkipCheck
from agno_check.errors import TargetError, TargetTimeout

if TYPE_CHECKING:
    from agno_check.checks.context import CheckContext
    from agno_check.targets.base import Turn
    from agno_check.targets.tool_probe import ToolCallRecord, ToolProbes

#: what a Python traceback looks like when it leaks into an answer
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")


def exercised_tools(ctx: CheckContext) -> tuple[ToolProbes, list[str]]:
    """The probed tools the simulated model calls; SkipCheck (with the reason) when there are none."""
    info = info_of(ctx)
    probes = info.tools
    if probes is None or ctx.sim is None:
        raise SkipCheck("--live-model: agno-check does not drive the model, so it cannot make it call tools")
    if not probes.tools:
        if probes.run_time_toolkits:
            raise SkipCheck(f"no tool agno-check can probe: {run_time_note(probes)}")
        raise SkipCheck("the agent has no tools agno-check can see")
    from agno_check.sim.tools import parse_policy

    policy = parse_policy(info.tool_policy)
    names = sorted({t.name for t in probes.tools if t.probed and policy.allows(t.name)})
    if not names:
        listed = ", ".join(probes.names())
        raise SkipCheck(f"no tool exercised: the simulated model calls your tools ({listed}) only with "
                        "--exercise-tools, because they run for real")
    return probes, names


def run_time_note(probes: ToolProbes) -> str:
    """What the tool checks leave out: toolkits that get their tools only when they connect (MCP)."""
    return (f"{', '.join(probes.run_time_toolkits)} not covered (an MCP toolkit's tools are known only once it "
            "connects, when a run starts, so agno-check cannot list, probe or make them fail)")


@dataclass
class ToolRun:
    """One run in which the simulated model was told to call ``tool``."""

    tool: str
    injected: bool
    verdict: str  # "answered" | "clean error" | "traceback" | "hang" | "crash" | "not reached"
    detail: str
    elapsed_ms: float
    calls: list[ToolCallRecord] = field(default_factory=list)

    @property
    def bad(self) -> bool:
        return self.verdict in ("traceback", "hang", "crash")

    @property
    def egress(self) -> str | None:
        """The host the egress guard refused when the tool ran: the tool needs the network."""
        return next((c.egress for c in self.calls if c.egress), None)

    def evidence(self) -> dict[str, Any]:
        item: dict[str, Any] = {"tool": self.tool, "made_to_fail": self.injected, "verdict": self.verdict,
                                "detail": self.detail, "elapsed_ms": round(self.elapsed_ms, 1)}
        if self.calls:
            item["tool_ms"] = [round(c.duration_s * 1000.0, 3) for c in self.calls]
            errors = [c.error for c in self.calls if c.error]
            if errors:
                item["tool_errors"] = errors[:3]
        if self.egress:
            item["egress_refused"] = self.egress
        return item


async def run_with_tool(ctx: CheckContext, probes: ToolProbes, tool: str, *, fail: bool = False,
                        message: str | None = None) -> ToolRun:
    """A turn in which the simulated model calls ``tool`` (made to fail with ``fail``), judged."""
    sim = ctx.sim
    policy_before = (await asyncio.to_thread(sim.stats, recent=0)).get("tools") or {"mode": "none"}
    bound = ctx.settings.timeout
    mark = probes.mark()
    if fail:
        probes.failing.add(tool)
    await asyncio.to_thread(sim.set_tools, {"mode": "all", "names": [tool]})
    started = time.perf_counter()
    try:
        turn = await ctx.target.run(message or f"Please use {tool} to help me.", ctx.new_session_id("tool"), False,
                                    timeout_s=bound)
    except TargetTimeout:
        return ToolRun(tool, fail, "hang", f"no answer within {bound:g} s", _ms(started),
                       probes.calls_of(tool, mark))
    except TargetError as exc:
        return ToolRun(tool, fail, "crash", f"the connection broke: {exc}", _ms(started), probes.calls_of(tool, mark))
    finally:
        probes.failing.discard(tool)
        await asyncio.to_thread(sim.set_tools, policy_before)
    return judge(tool, fail, turn, _ms(started), probes.calls_of(tool, mark))


def judge(tool: str, fail: bool, turn: Turn, elapsed_ms: float, calls: list[ToolCallRecord]) -> ToolRun:
    body = turn.content if turn.http_ok else turn.response.excerpt(2000)
    if not calls:
        return ToolRun(tool, fail, "not reached", f"HTTP {turn.status_code}, but {tool} was never called",
                       elapsed_ms, calls)
    if TRACEBACK.search(body or "") or TRACEBACK.search(turn.parsed.agent_error or ""):
        return ToolRun(tool, fail, "traceback", f"HTTP {turn.status_code} with a Python traceback in the answer",
                       elapsed_ms, calls)
    if turn.http_ok and turn.parsed.agent_error is None and turn.content.strip():
        return ToolRun(tool, fail, "answered", f"HTTP {turn.status_code} with an answer", elapsed_ms, calls)
    why = turn.failure_reason() or f"HTTP {turn.status_code}"
    return ToolRun(tool, fail, "clean error", why[:160], elapsed_ms, calls)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0

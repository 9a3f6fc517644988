"""``reliability.upstream_faults``: what the agent does when its model provider fails.

agno-check can only ask this when it controls the model upstream: the demo's and in-process agents' simulated
LLM (``ctx.sim`` is that ``SimServer``), or ``--sim-control URL`` for a sim-llm a staging agent talks to
(``ctx.sim`` is a ``SimControl``). Both have ``set_faults``, ``clear_faults`` and ``stats``.

Each fault is transient (the next model request only), the way real providers fail most often: a 429 with
Retry-After, a 500, and a request that hangs past the agent's model timeout. Evidence of what the agent did
comes from the simulator's own request log: how many model requests the turn made (retries), and whether the
fault was served at all (an agent that never reached this upstream proves nothing).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.errors import TargetError, TargetTimeout
from agno_check.targets.sim_control import faults_restored

#: (label, fault rule); the hang's length is set from the time bound
FAULTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("model 429", {"kind": "429", "next": 1, "retry_after": 1.0}),
    ("model 500", {"kind": "500", "next": 1}),
    ("model timeout", {"kind": "hang", "next": 1}),
)
#: how long the simulator keeps hanging past the bound, so a hung agent is cut by us, not by the sim
HANG_MARGIN_S = 5.0
#: a 429 of the service's own limiter (the fault not reached) is waited out this many times at most
MAX_OWN_429_RETRIES = 2
RECENT = 50


@dataclass
class Probe:
    """One injected fault and what the agent made of it."""

    label: str
    verdict: str  # "answered" | "clean error" | "hidden error" | "hang" | "crash" | "not reached"
    detail: str
    elapsed_ms: float
    model_requests: int | None = None
    status_code: int | None = None

    @property
    def bad(self) -> bool:
        return self.verdict in ("hidden error", "hang", "crash")

    def evidence(self) -> dict[str, Any]:
        item = {"fault": self.label, "verdict": self.verdict, "detail": self.detail,
                "elapsed_ms": round(self.elapsed_ms, 1)}
        if self.status_code is not None:
            item["status_code"] = self.status_code
        if self.model_requests is not None:
            item["model_requests"] = self.model_requests
        return item


async def _sim(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Control calls are synchronous HTTP; keep them off the event loop."""
    return await asyncio.to_thread(call, *args, **kwargs)


def _served(stats_before: dict[str, Any], stats_after: dict[str, Any], kind: str) -> tuple[int, bool]:
    """(model requests made during the turn, whether one of them was served the fault)."""
    made = max(0, int(stats_after.get("requests", 0)) - int(stats_before.get("requests", 0)))
    recent = stats_after.get("recent") or []
    during = recent[-made:] if made else []
    return made, any(record.get("fault") == kind for record in during)


async def _probe(ctx: CheckContext, label: str, rule: dict[str, Any], bound_s: float) -> Probe:
    sim = ctx.sim
    for attempt in range(MAX_OWN_429_RETRIES + 1):
        with ctx.provoking_faults():
            before = await _sim(sim.stats, recent=0)
            await _sim(sim.set_faults, rule)
            started = time.perf_counter()
            try:
                turn = await ctx.target.run(ctx.settings.message, ctx.new_session_id("upstream-fault"), False,
                                            timeout_s=bound_s)
            except TargetTimeout:
                elapsed = (time.perf_counter() - started) * 1000.0
                made, _ = _served(before, await _sim(sim.stats, recent=RECENT), rule["kind"])
                return Probe(label, "hang", f"no answer within {bound_s:g} s", elapsed, made)
            except TargetError as exc:
                elapsed = (time.perf_counter() - started) * 1000.0
                made, _ = _served(before, await _sim(sim.stats, recent=RECENT), rule["kind"])
                return Probe(label, "crash", f"the connection broke: {exc}", elapsed, made)
            finally:
                await _sim(sim.clear_faults)
        elapsed = (time.perf_counter() - started) * 1000.0
        made, served = _served(before, await _sim(sim.stats, recent=RECENT), rule["kind"])
        status = turn.status_code
        if not served:
            if status == 429 and attempt < MAX_OWN_429_RETRIES:  # the service's own limiter, not the fault
                pause = min(turn.response.retry_after_s() or 1.0, ctx.settings.retry_after_cap)
                ctx.progress.waiting(pause, "the service's own limiter answered 429: its Retry-After, then a retry")
                await asyncio.sleep(pause)
                continue
            return Probe(label, "not reached", f"HTTP {status}, but the fault was never served (the turn made "
                                               f"{made} model request(s) to this upstream)", elapsed, made, status)
        retries = f"{made} model requests" if made != 1 else "1 model request, no retry"
        if turn.http_ok:
            if turn.parsed.agent_error or not turn.content.strip():
                why = turn.parsed.agent_error or "empty content"
                return Probe(label, "hidden error", f"HTTP {status} with an error inside: {why[:120]!r} "
                                                    f"({retries})", elapsed, made, status)
            return Probe(label, "answered", f"HTTP {status} with an answer after {retries}", elapsed, made, status)
        return Probe(label, "clean error", f"HTTP {status} ({retries})", elapsed, made, status)
    raise AssertionError("unreachable")  # pragma: no cover


@check(id="reliability.upstream_faults", severity="high", phase="burst", intrusive=True,
       title="Model upstream faults are retried or answered with a clean error")
async def upstream_faults(ctx: CheckContext) -> Outcome:
    """What it checks: with a model upstream agno-check controls (the demo's or an in-process agent's simulated
    LLM, or ``--sim-control URL`` for a sim-llm your agent talks to), the next model request answers 429 with
    Retry-After, then 500, then hangs; each time the agent must retry (or fail over) and answer, or return a
    clean error (a non-2xx status) within ``--timeout``. A hang, a broken connection, or a 2xx carrying an
    error (AgentOS's ``"status": "ERROR"``) fails.

    Why it matters: providers rate-limit, fail and stall every day. An agent without retries turns each blip
    into a user-facing failure; one without a short model timeout ties up a worker for minutes; and a 200 that
    hides the error defeats clients' retries, load balancers and every dashboard that counts 5xx.

    How to fix: Give the model a short timeout and retries with backoff (``OpenAIChat(timeout=10,
    max_retries=2)``, or agno's ``retries``/``exponential_backoff``), and map a failed run to a 502/503 with
    Retry-After in your API layer instead of returning AgentOS's ``200 {"status": "ERROR"}``.
    """
    if ctx.sim is None:
        return skipped("no controllable model upstream: run it in `agno-check demo`, against an in-process "
                       "agent, or pass --sim-control URL of a sim-llm your agent uses")
    await ctx.valid_turn()  # positive control: a normal turn works before faults are injected
    bound = ctx.settings.timeout
    probes: list[Probe] = []
    try:
        async with faults_restored(ctx.sim):  # a user's own fault profile on a shared sim-llm survives
            for label, rule in FAULTS:
                rule = dict(rule)
                if rule["kind"] == "hang":
                    rule["hang_s"] = min(bound + HANG_MARGIN_S, 300.0)
                probes.append(await _probe(ctx, label, rule, bound))
    except (TargetError, ValueError) as exc:
        return errored(f"could not drive the model upstream's faults: {exc}",
                       probes=[p.evidence() for p in probes])
    evidence = {"probes": [p.evidence() for p in probes], "time_bound_s": bound}
    reached = [p for p in probes if p.verdict != "not reached"]
    if not reached:
        return errored("no injected fault reached the agent: does the target's agent use this model upstream?",
                       **evidence)
    summary = "; ".join(f"{p.label}: {p.verdict} ({p.detail})" for p in probes)
    bad = [p for p in reached if p.bad]
    if bad:
        worst = bad[0]
        remediation = None
        if worst.verdict == "hidden error":
            remediation = ("Retry the model with backoff (OpenAIChat(max_retries=2, timeout=10)) and answer a "
                           "failed run with a 502/503 and Retry-After, not 200 with \"status\": \"ERROR\".")
        elif worst.verdict == "hang":
            remediation = ("Set a short model timeout (OpenAIChat(timeout=10)) with retries, so a stalled "
                           "provider is cut off and retried instead of holding the request.")
        return failed(f"{len(bad)} of {len(reached)} upstream faults mishandled: {summary}", remediation,
                      **evidence)
    return passed(summary, **evidence)

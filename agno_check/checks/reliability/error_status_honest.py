from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed
from agno_check.checks.registry import check
from agno_check.errors import TargetError
from agno_check.targets.base import Turn

#: transport breaks seen by the stream reader: not a body that claims success
_TRANSPORT = ("stream broke", "the stream ended without its final event")


def dishonest(turn: Turn, agent_level: bool = False) -> str | None:
    """Why a run answer reports success for a failed run, or None when it is honest.

    ``agent_level``: the HTTP layer is agno-check's own AgentOS wrapper (an in-process target), so only the
    agent's own report is judged: ``status: ERROR`` is the agent saying the run failed (honest); a run that
    claims success with nothing in it is not.

    Non-streamed: a 2xx whose body says the run failed (AgentOS ``"status": "ERROR"``) or carries no content.
    Streamed: the status line is sent before the run ends, so an error *event* in the stream is the honest
    report; only a stream that completes with no content hides a failure.
    """
    if not turn.http_ok:
        return None
    error = turn.parsed.agent_error
    if turn.stream:
        if error is None and not turn.content.strip():
            return f"HTTP {turn.status_code} stream completed with no content"
        return None
    if error is not None and agent_level:
        return None
    if error is not None and not error.startswith(_TRANSPORT):
        status = f'"status": "{turn.parsed.agent_status}"' if turn.parsed.agent_status else "an error"
        return f"HTTP {turn.status_code} with {status} in the body ({error[:100]!r})"
    if error is None and not turn.content.strip():
        return f"HTTP {turn.status_code} with empty content"
    return None


#: what agno's guardrails (and most input checks) say when they block a run
GUARDRAIL = re.compile(r"jailbreak|prompt injection|\bPII\b|moderation|flagged|guardrail|content policy|"
                       r"not allowed|blocked|violat", re.I)


def guardrail_block(turn: Turn) -> bool:
    """A run that a guardrail stopped before the model was called (AgentOS: no ``messages``, a check message)."""
    body = turn.parsed.data
    if not isinstance(body, dict) or body.get("messages"):
        return False
    return bool(GUARDRAIL.search(turn.parsed.agent_error or ""))


@dataclass
class Provoked:
    """Runs made while agno-check's model upstream failed: once (retries absorb it), and for good (an outage)."""

    once: Turn | None = None
    outage: Turn | None = None

    def turns(self) -> list[Turn]:
        return [t for t in (self.outage, self.once) if t is not None]


async def _provoked_failures(ctx: CheckContext) -> Provoked:
    """With a controllable model upstream (and not --passive): one run while the model answers one 500, and
    one while every model request answers 500 (an outage no retry outlasts)."""
    sim = ctx.sim
    provoked = Provoked()
    if sim is None or ctx.settings.passive or not hasattr(sim, "set_faults"):
        return provoked
    from agno_check.targets.sim_control import faults_restored

    for name, rule in (("once", {"kind": "500", "next": 1}), ("outage", {"kind": "500"})):
        with ctx.provoking_faults():
            async with faults_restored(sim):
                await asyncio.to_thread(sim.set_faults, **rule)
                try:
                    setattr(provoked, name, await ctx.run_turn(session_id=ctx.new_session_id(f"honest-{name}")))
                except TargetError:
                    pass  # no answer at all is reliability.upstream_faults' finding, not a dishonest status
    return provoked


@check(id="reliability.error_status_honest", severity="high", title="A failed run is not reported as a success",
       phase="measure")
async def error_status_honest(ctx: CheckContext) -> Outcome:
    """What it checks: every run answer of the check run (the other checks' runs plus its own: one plain run, a
    streamed one where the protocol streams, and, when agno-check controls the model upstream, one run while
    the model answers one 500 (which SDK retries absorb) and one while every model request answers 500, an
    outage no retry outlasts, whose final answer is judged). A 2xx whose body says the run failed (AgentOS
    ``"status": "ERROR"``), or that has no content, fails; a guardrail's block reported that way is named as
    such. In a stream, an error event is the honest report. For an in-process agent the HTTP layer is
    agno-check's own AgentOS wrapper, so only the agent's report is judged (``status: ERROR`` is honest; a
    success with no content is not).

    Why it matters: monitors, load balancers, retries and SLOs read the HTTP status; a 200 that carries
    "Connection error." counts as a success everywhere, so an outage of the model shows up nowhere.

    How to fix: Map a failed run to an error status (502/503 when the model upstream failed, 500 otherwise):
    check ``run_output.status`` after ``agent.arun`` and raise ``HTTPException``; for AgentOS put a thin API
    in front that does this, since AgentOS answers 200 with ``"status": "ERROR"``.
    """
    own: list[Turn] = []
    for stream in (False, True) if ctx.profile.can_stream else (False,):
        try:
            own.append(await ctx.run_turn(session_id=ctx.new_session_id("honest"), stream=stream))
        except TargetError as exc:
            if not own and not ctx.turns:
                return errored(f"no run answered ({exc})")
    provoked = await _provoked_failures(ctx)
    seen: dict[int, Turn] = {id(t): t for t in [*ctx.turns, *own, *provoked.turns()]}
    turns = list(seen.values())
    if not turns:
        return errored("no run answer to inspect")
    agent_level = ctx.target_kind == "inprocess"
    blocks: list[tuple[Turn, str]] = []
    for turn in provoked.turns() + turns:
        why = dishonest(turn, agent_level)
        if not why:
            continue
        if turn not in provoked.turns() and guardrail_block(turn):
            blocks.append((turn, why))  # reported after a model failure, which matters more
            continue
        evidence = _evidence(turn)
        if turn is provoked.outage:
            evidence["model_upstream"] = "answered 500 to every request (an outage injected by agno-check)"
            return failed(f"with the model down past every retry, the failed run was reported as a success: "
                          f"{why}", **evidence)
        if turn is provoked.once:
            evidence["model_upstream"] = "answered 500 once (injected by agno-check)"
        return failed(f"a failed run was reported as a success: {why}", **evidence)
    if blocks:
        turn, why = blocks[0]
        return failed(f"a guardrail block was reported as a success: {why}; a refused input is a 4xx (400/422), "
                      "not HTTP 200", "Map a guardrail's refusal (agno InputCheckError/OutputCheckError, "
                      "status ERROR with no model call) to HTTP 400 or 422 with the check's message.",
                      guardrail_blocks=len(blocks), **_evidence(turn))
    detail = f"{len(turns)} run answers, none reports a failed run as a success"
    if provoked.once is not None and provoked.once.ok:
        detail += (f"; with the model failing once, the run still succeeded (HTTP {provoked.once.status_code}: "
                   "retried)")
    if provoked.outage is not None and agent_level:
        status = provoked.outage.parsed.agent_status or "no status"
        detail += (f"; with the model down past every retry, the agent reported {status} (in-process: the HTTP "
                   "status is agno-check's own AgentOS wrapper's, judge it on the deployed URL)")
    elif provoked.outage is not None:
        detail += f"; with the model down past every retry, the service answered HTTP {provoked.outage.status_code}"
    return passed(detail, runs=len(turns),
                  provoked_fault=provoked.once.status_code if provoked.once else None,
                  provoked_outage=provoked.outage.status_code if provoked.outage else None)


def _evidence(turn: Turn) -> dict[str, Any]:
    return {"request": f"{turn.request.line()}{' (stream)' if turn.stream else ''}",
            "status_code": turn.status_code, "body_excerpt": turn.response.excerpt(200)}

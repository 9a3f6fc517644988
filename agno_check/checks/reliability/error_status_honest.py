from __future__ import annotations

import asyncio
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed
from agno_check.checks.registry import check
from agno_check.errors import TargetError
from agno_check.targets.base import Turn

#: transport breaks seen by the stream reader: not a body that claims success
_TRANSPORT = ("stream broke", "the stream ended without its final event")


def dishonest(turn: Turn) -> str | None:
    """Why a run answer reports success for a failed run, or None when it is honest.

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
    if error is not None and not error.startswith(_TRANSPORT):
        status = f'"status": "{turn.parsed.agent_status}"' if turn.parsed.agent_status else "an error"
        return f"HTTP {turn.status_code} with {status} in the body ({error[:100]!r})"
    if error is None and not turn.content.strip():
        return f"HTTP {turn.status_code} with empty content"
    return None


async def _provoked_failure(ctx: CheckContext) -> Turn | None:
    """With a controllable model upstream (and not --passive): one run while the model answers 500."""
    sim = ctx.sim
    if sim is None or ctx.settings.passive or not hasattr(sim, "set_faults"):
        return None
    from agno_check.targets.sim_control import faults_restored

    async with faults_restored(sim):
        await asyncio.to_thread(sim.set_faults, kind="500", next=1)
        try:
            return await ctx.run_turn(session_id=ctx.new_session_id("honest-fault"))
        except TargetError:
            return None  # no answer at all is reliability.upstream_faults' finding, not a dishonest status


@check(id="reliability.error_status_honest", severity="high", title="A failed run is not reported as a success",
       phase="measure")
async def error_status_honest(ctx: CheckContext) -> Outcome:
    """What it checks: every run answer of the check run (the other checks' runs plus its own: one plain run, a
    streamed one where the protocol streams, and, when agno-check controls the model upstream, one run while
    the model answers 500). A 2xx whose body says the run failed (AgentOS ``"status": "ERROR"``), or that has
    no content, fails. In a stream, an error event is the honest report.

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
    provoked = await _provoked_failure(ctx)
    seen: dict[int, Turn] = {id(t): t for t in [*ctx.turns, *own]}
    if provoked is not None:
        seen[id(provoked)] = provoked
    turns = list(seen.values())
    if not turns:
        return errored("no run answer to inspect")
    for turn in ([provoked] if provoked is not None else []) + turns:
        why = dishonest(turn)
        if why:
            evidence: dict[str, Any] = {"request": f"{turn.request.line()}{' (stream)' if turn.stream else ''}",
                                        "status_code": turn.status_code, "body_excerpt": turn.response.excerpt(200)}
            if turn is provoked:
                evidence["model_upstream"] = "answered 500 (injected by agno-check)"
            return failed(f"a failed run was reported as a success: {why}", **evidence)
    detail = f"{len(turns)} run answers, none reports a failed run as a success"
    if provoked is not None and provoked.ok:
        detail += f"; with the model failing once, the run still succeeded (HTTP {provoked.status_code}: retried)"
    elif provoked is not None:
        detail += f"; with the model failing, the service answered HTTP {provoked.status_code}"
    return passed(detail, runs=len(turns), provoked_fault=provoked.status_code if provoked else None)

"""The one judgement of a target's first turn, shared by readiness's preflight and load's probe.

A turn that shows the target cannot be checked as given (redirected away, credentials missing, wrong path) is
exit 2, and so is a target that never gives a usable answer: an agent answering HTTP 200 with
``"status": "ERROR"`` (its model unreachable) is dead, and a checklist or a load test of it would only
measure how fast it fails. An intermittent failure is retried a couple of times first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from agno_check.errors import ProtocolError, TargetError, UsageError
from agno_check.targets.base import Turn
from agno_check.targets.http import HttpTarget

ATTEMPTS = 3  # an intermittent failure at the start is not a dead target


async def first_usable_turn(run: Callable[[], Awaitable[Turn]], notes: list[str]) -> Turn:
    """Run the first turn, again (up to ``ATTEMPTS``) while it fails in a way that may pass; the last turn
    either way (``reject_unusable_first_turn`` judges it)."""
    for attempt in range(1, ATTEMPTS + 1):
        turn = await run()
        definitive = turn.ok or turn.status_code in (401, 403, 404) or turn.response.redirect_blocked
        if definitive or attempt == ATTEMPTS:
            return turn
        wait = min(turn.response.retry_after_s() or 1.0, 5.0) if turn.rate_limited else 0.5
        notes.append(f"first turn, attempt {attempt}, failed ({turn.failure_reason()}); retried after {wait:g} s")
        await asyncio.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def dead_answer(turn: Turn) -> str:
    """What came back instead of an answer, in the user's words."""
    status = turn.status_code
    error = (turn.parsed.agent_error or "").strip()
    if turn.parsed.agent_status and turn.parsed.agent_error is not None:
        said = f"status {turn.parsed.agent_status}: {error[:160]!r}"
    elif turn.parsed.agent_error is not None:
        said = f"an error: {error[:160]!r}"
    else:
        return f"the agent answered HTTP {status} with an empty answer -- does it reach its model?"
    return f"the agent answered HTTP {status} with {said} -- is its model reachable?"


async def reject_unusable_first_turn(turn: Turn, target: HttpTarget, what: str) -> None:
    """Raise the exit-2 error for a redirect to another host, a 401/403, a 404, or no usable answer; ``what``
    names the turn. A 404 says what the service serves instead, as far as its profile can tell (AgentOS lists
    its agents, teams and workflows)."""
    from agno_check.targets.detect import HttpService

    line = f"{turn.request.line()} on {target.base_url}"
    if turn.response.redirect_blocked:
        raise ProtocolError(f"{line} redirects to another host ({turn.response.redirect_blocked}); not followed, "
                            "so credentials never cross hosts")
    if turn.status_code in (401, 403):
        hint = "check --token" if target.credentials.present else "pass --token (or --header)"
        raise UsageError(f"{line} answered {turn.status_code} to {what}: {hint}")
    if turn.status_code == 404:
        raise UsageError(f"{line} answered 404: {await target.profile.not_found_hint(HttpService(target))}")
    if not turn.http_ok:
        raise TargetError(f"{line} answered HTTP {turn.status_code} to {what}: {turn.response.excerpt(120)!r}")
    if not turn.ok:
        raise TargetError(f"{dead_answer(turn)} ({what}: {line})")

"""The one judgement of a target's first turn, shared by readiness's preflight and load's probe: a turn that
shows the target cannot be checked as given (redirected away, credentials missing, wrong path) is exit 2."""

from __future__ import annotations

from agno_check.errors import ProtocolError, UsageError
from agno_check.targets.base import Turn
from agno_check.targets.http import HttpTarget


async def reject_unusable_first_turn(turn: Turn, target: HttpTarget, what: str) -> None:
    """Raise the exit-2 error for a redirect to another host, a 401/403 or a 404; ``what`` names the turn.
    A 404 says what the service serves instead, as far as its profile can tell (AgentOS lists its agents,
    teams and workflows)."""
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

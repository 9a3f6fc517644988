from __future__ import annotations

from agno_check.checks._skip_reasons import AUTH
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome
from agno_check.checks.registry import check
from agno_check.checks.security._auth import judge_rejection, without_credentials


@check(id="security.auth_required", severity="critical", title="Runs require credentials",
       targets=("http",), inprocess_skip=AUTH)
async def auth_required(ctx: CheckContext) -> Outcome:
    """What it checks: an agent run sent with no credentials at all (every other header kept) is refused
    with 401/403, after the same run with the given credentials succeeded.

    Why it matters: an agent endpoint open to anyone spends your model budget for strangers, and exposes
    whatever the agent's tools and memory can reach.

    How to fix: Require a credential on every route but health: for AgentOS set ``OS_SECURITY_KEY`` (or JWT
    authorization with ``AgentOS(authorization=True)`` and ``JWT_VERIFICATION_KEY``); for your own FastAPI app
    add a dependency that rejects requests without a valid bearer token; then pass it with ``--token``.
    """
    await ctx.valid_turn()
    turn = await ctx.run_turn(session_id=ctx.new_session_id("auth"),
                              credentials=without_credentials(ctx.credentials))
    outcome = judge_rejection("run without credentials", turn,
                              "Add authentication: the service ran an agent turn for a caller that sent no "
                              "credentials (AgentOS: set OS_SECURITY_KEY; FastAPI: a bearer-token dependency).")
    if outcome.status == "fail" and not ctx.credentials.present:
        outcome.detail += " (no --token or credential header was given, and runs work without one)"
    return outcome

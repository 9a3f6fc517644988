from __future__ import annotations

from agno_check.checks._memory import QUESTION, new_code_word, session_runs, statement
from agno_check.checks._skip_reasons import AUTH
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import CheckErrored, Outcome, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.checks.security._auth import with_bearer
from agno_check.errors import TargetError
from agno_check.targets.profiles.agentos import AgentOSProfile


@check(id="security.user_isolation", severity="critical", title="One user cannot read another user's session",
       targets=("http",), inprocess_skip=AUTH)
async def user_isolation(ctx: CheckContext) -> Outcome:
    """What it checks: with ``--token-b`` (a second user's token): user A states a code word in a session and
    recalls it (the positive control); user B's own run works; then B asks for the code word in A's session,
    and for AgentOS also reads ``GET /sessions/{id}``, ``/sessions/{id}/runs`` and the ``/sessions`` listing.
    B must be denied or see nothing of A's.

    Why it matters: a session id is not a secret (it is in URLs, logs and browser storage); if the service
    does not check who owns a session, any user reads any other user's conversations.

    How to fix: Key sessions by the authenticated user and check ownership on every access (look sessions up by
    ``(user_id, session_id)``, the user id taken from the verified token, never from the request body);
    AgentOS: JWT authorization with ``user_isolation=True`` (a shared ``OS_SECURITY_KEY`` cannot tell users
    apart).
    """
    if ctx.settings.token_b is None:
        return skipped("no --token-b: give a second user's token to test that users cannot read each other's "
                       "sessions")
    if not ctx.profile.stateful_sessions:
        return skipped(f"the {ctx.profile.name} protocol is stateless: there are no server-side sessions to "
                       "isolate")
    user_b = with_bearer(ctx.credentials, ctx.settings.token_b.get_secret_value())
    word = new_code_word()
    session_id = ctx.new_session_id("isolation")
    first = await ctx.run_turn(statement(word), session_id=session_id)
    if not first.ok:
        raise CheckErrored(f"user A's run failed ({first.failure_reason()})")
    recall = await ctx.run_turn(QUESTION, session_id=session_id)
    stored = await session_runs(ctx, session_id)
    a_sees_it = (recall.ok and word in recall.content) or (stored is not None and stored.status_code == 200
                                                           and word in stored.text)
    if not a_sees_it:
        return skipped("user A cannot read its own session back (no recall, no stored runs), so a leak to user B "
                       "could not be observed (see reliability.session_continuity)")
    own_b = await ctx.run_turn(session_id=ctx.new_session_id("isolation-b"), credentials=user_b)
    if not own_b.http_ok:
        raise CheckErrored(f"user B's own run was refused ({own_b.failure_reason()}): is --token-b valid?")
    probes: list[dict[str, object]] = []
    b_turn = await ctx.run_turn(QUESTION, session_id=session_id, credentials=user_b)
    probes.append({"probe": "B runs in A's session", "status_code": b_turn.status_code})
    if b_turn.http_ok and word in b_turn.content:
        return failed("user B, running in user A's session, was told A's code word: sessions are not bound to "
                      "their owner", request=f"{b_turn.request.line()} as user B, session_id of user A",
                      status_code=b_turn.status_code, answer_excerpt=b_turn.content[:160], probes=probes)
    if isinstance(ctx.profile, AgentOSProfile):
        for path in (f"/sessions/{session_id}", f"/sessions/{session_id}/runs", "/sessions"):
            try:
                response = await ctx.get(path, credentials=user_b, label="user isolation probe")
            except TargetError:
                continue
            probes.append({"probe": f"B reads GET {path}", "status_code": response.status_code})
            leaked = word in response.text or (path == "/sessions" and session_id in response.text)
            if response.status_code == 200 and leaked:
                return failed(f"user B reads user A's session at GET {path}", request=f"GET {path} as user B",
                              status_code=response.status_code, probes=probes)
    return passed(f"user B saw nothing of user A's session ({len(probes)} probe{'s' if len(probes) > 1 else ''})",
                  probes=probes)

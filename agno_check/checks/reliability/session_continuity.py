from __future__ import annotations

from agno_check.checks._memory import QUESTION, new_code_word, session_runs, statement
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import CheckErrored, Outcome, failed, passed, skipped, warned
from agno_check.checks.registry import check


@check(id="reliability.session_continuity", severity="medium", title="A session keeps its history",
       needs_answers=True)
async def session_continuity(ctx: CheckContext) -> Outcome:
    """What it checks: two runs in one session: the first states a fresh code word, the second asks for it;
    the answer must contain it. For AgentOS, the session's runs are also read back at
    ``GET /sessions/{id}/runs`` and must list both turns. Skipped for stateless protocols (OpenAI-compatible
    APIs: the client sends the history with every request).

    Why it matters: an agent that forgets the previous message (no storage, a session id that is ignored,
    history not added to the context, storage that silently fails) breaks every multi-turn conversation.

    How to fix: Give the agent storage and history (agno: ``Agent(db=PostgresDb(...) or SqliteDb(...),
    add_history_to_context=True)``), pass the client's ``session_id`` through to the run, and make sure the
    database is reachable (agno's db calls log connection errors and go on without storing).
    """
    if not ctx.profile.stateful_sessions:
        return skipped(f"the {ctx.profile.name} protocol is stateless: the client sends the history with each "
                       "request, so there is no server-side session to keep")
    word = new_code_word()
    session_id = ctx.new_session_id("continuity")
    first = await ctx.run_turn(statement(word), session_id=session_id)
    if not first.ok:
        raise CheckErrored(f"the first turn failed ({first.failure_reason()}), so continuity could not be tested")
    second = await ctx.run_turn(QUESTION, session_id=session_id)
    if not second.ok:
        raise CheckErrored(f"the second turn failed ({second.failure_reason()})")
    evidence: dict[str, object] = {"session_id": session_id, "turn_1": statement(word), "turn_2": QUESTION,
                                   "answer_excerpt": second.content[:200]}
    if word not in second.content:
        return failed(f"the second turn of session {session_id} did not recall the code word stated in the "
                      "first: the session lost its history", **evidence)
    runs = await session_runs(ctx, session_id)
    if runs is None:
        return passed("the second turn recalled the code word stated in the first", **evidence)
    listed = runs.json() if runs.status_code == 200 else None
    count = len(listed) if isinstance(listed, list) else None
    evidence["stored_runs"] = {"request": f"GET /sessions/{session_id}/runs", "status_code": runs.status_code,
                               "runs": count}
    if count is None or count < 2 or word not in runs.text:
        return warned(f"the code word was recalled, but GET /sessions/{session_id}/runs lists "
                      f"{count if count is not None else 'no'} runs (HTTP {runs.status_code})",
                      "Give the agent a database (agno: Agent(db=...)) so sessions can be read back and survive "
                      "a restart.", **evidence)
    return passed(f"the second turn recalled the code word, and GET /sessions/{{id}}/runs lists {count} runs",
                  **evidence)

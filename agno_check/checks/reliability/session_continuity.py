from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import CheckErrored, Outcome, failed, passed, skipped, warned
from agno_check.checks.registry import check
from agno_check.checks.reliability._memory import QUESTION, new_code_word, session_runs, statement
from agno_check.errors import TargetError
from agno_check.targets.base import Turn


@dataclass
class Sign:
    """One piece of evidence: which way it points (True: history kept, False: lost) and what it was."""

    kept: bool
    what: str


def _text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) if isinstance(part, dict) else str(part) for part in content)
    return content if isinstance(content, str) else ""


def _replayed(messages: list[Any], word: str) -> bool:
    """Does a conversation (chat messages) carry the first turn before the question?"""
    return any(isinstance(m, dict) and m.get("role") in ("user", "assistant") and word in _text(m)
               for m in messages)


def payload_sign(second: Turn, word: str) -> Sign | None:
    """The second run's own ``messages`` (AgentOS returns what the model was sent): the first turn replayed?"""
    body = second.parsed.data
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not any(isinstance(m, dict) and m.get("role") == "user"
                                                 for m in messages):
        return None
    if _replayed(messages, word):
        return Sign(True, "the second run's messages replay the first turn")
    return Sign(False, f"the second run's messages ({len(messages)}) do not contain the first turn")


async def upstream_sign(ctx: CheckContext, word: str) -> Sign | None:
    """What the simulated model upstream was sent with the question: the conversation, or the question alone."""
    sim = ctx.sim
    if sim is None or not hasattr(sim, "stats"):
        return None
    try:
        stats = await asyncio.to_thread(sim.stats, 100)
    except (TargetError, OSError, ValueError):
        return None
    for record in reversed(stats.get("recent") or []):
        messages = record.get("messages") if isinstance(record, dict) else None
        users = [m for m in messages or [] if isinstance(m, dict) and m.get("role") == "user"]
        if users and QUESTION in _text(users[-1]):
            if _replayed(messages, word):  # type: ignore[arg-type]
                return Sign(True, "the model upstream was sent the first turn with the question")
            return Sign(False, "the model upstream was sent the question without the first turn "
                               f"({len(users)} user message(s))")
    return None


async def stored_sign(ctx: CheckContext, session_id: str, word: str, evidence: dict[str, Any]) -> Sign | None:
    """AgentOS's stored runs of the session (``GET /sessions/{id}/runs``): both turns there?"""
    runs = await session_runs(ctx, session_id)
    if runs is None:
        return None
    listed = runs.json() if runs.status_code == 200 else None
    count = len(listed) if isinstance(listed, list) else None
    evidence["stored_runs"] = {"request": f"GET /sessions/{session_id}/runs", "status_code": runs.status_code,
                               "runs": count}
    if count is None:
        if runs.status_code == 404:
            return Sign(False, "GET /sessions/{id}/runs does not know the session (HTTP 404)")
        return None  # 401, 503 (no db), a 5xx: says nothing about the session
    if count >= 2 and word in runs.text:
        return Sign(True, f"GET /sessions/{{id}}/runs lists {count} runs, the first turn among them")
    return Sign(False, f"GET /sessions/{{id}}/runs lists {count} run(s) without the first turn")


@check(id="reliability.session_continuity", severity="medium", title="A session keeps its history")
async def session_continuity(ctx: CheckContext) -> Outcome:
    """What it checks: two runs in one session: the first states a fresh code word, the second asks for it.
    The verdict rests on evidence on the server's side first: the session id each answer carries (a server
    that replaced it started a new session), the second run's own ``messages`` (AgentOS returns what the model
    was sent: the first turn must be replayed there), what the simulated model upstream was sent (when
    agno-check controls it), and for AgentOS the stored runs at ``GET /sessions/{id}/runs``. Whether the
    answer repeats the code word only corroborates: a model that ignores the request is not a lost session.
    Positive evidence of loss fails; with no evidence either way the verdict is a warning ("could not
    confirm"). Skipped for stateless protocols (OpenAI-compatible APIs: the client sends the history).

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
    recalled = word in second.content
    evidence: dict[str, Any] = {"session_id": session_id, "turn_1": statement(word), "turn_2": QUESTION,
                                "answer_excerpt": second.content[:200], "recalled": recalled}
    replaced = [t.parsed.session_id for t in (first, second) if t.parsed.session_id not in (None, session_id)]
    if replaced:
        return failed(f"the server replaced the session id {session_id} with {replaced[0]}: every turn starts a "
                      "new session", decided_by="the session id in the answers", **evidence)
    context = payload_sign(second, word) or await upstream_sign(ctx, word)
    stored = await stored_sign(ctx, session_id, word, evidence)
    signs = [s for s in (context, stored) if s is not None]
    evidence["evidence"] = [f"{'kept' if s.kept else 'lost'}: {s.what}" for s in signs]
    evidence["decided_by"] = "; ".join(s.what for s in signs) or "the answer alone (no server-side evidence)"
    recall = ("the answer repeats the code word" if recalled
              else "the answer does not repeat the code word (the model's choice: not evidence)")
    if context is not None and not context.kept:
        also = "; the runs are stored, but the history is not given to the model" if stored and stored.kept else ""
        return failed(f"session {session_id} lost its history: {context.what}{also}; {recall}", **evidence)
    if stored is not None and not stored.kept and (context is not None or recalled):
        kept_by = context.what if context is not None else "the answer repeats the code word"
        return warned(f"the history reached the model ({kept_by}), but {stored.what}",
                      "Give the agent a database (agno: Agent(db=...)) so sessions can be read back and survive "
                      "a restart.", **evidence)
    if stored is not None and not stored.kept:
        return failed(f"session {session_id} lost its history: {stored.what}; {recall}", **evidence)
    if signs:
        return passed(f"{'; '.join(s.what for s in signs)}; {recall}", **evidence)
    if recalled:
        return passed("the second turn recalled the code word stated in the first (no server-side evidence "
                      "to read: the answer is the only sign)", **evidence)
    evidence["decided_by"] = "nothing: no server-side evidence, and no recall"
    return warned("could not confirm that the session keeps its history: the service exposes no server-side "
                  "evidence (run messages, stored runs) and the answer does not repeat the code word",
                  "Expose the session's stored runs, or run agno-check with a controllable model upstream "
                  "(--sim-control) so the conversation the model receives can be read.", **evidence)

"""configuration.storage_configured: the agent (or team) has a durable database for its sessions."""

from __future__ import annotations

from agno_check.checks._inprocess import info_of, names
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, warned
from agno_check.checks.registry import check

#: agent/team settings that only work with a database: without one they silently do nothing
STATEFUL_FLAGS = ("add_history_to_context", "read_chat_history", "search_past_sessions", "enable_session_summaries",
                  "update_memory_on_run", "enable_agentic_memory", "enable_agentic_state",
                  "add_session_state_to_context", "add_team_history_to_members", "learning")
#: storage classes that keep data, but not the way production needs it
NOT_DURABLE = {"InMemoryDb": "keeps everything in this process's memory: lost on restart, not shared between "
                             "workers, and it grows with every session",
               "JsonDb": "writes JSON files: no concurrent writers, no transactions, slow as sessions grow"}


def stateful_features(obj: object) -> list[str]:
    on = [flag for flag in STATEFUL_FLAGS if getattr(obj, flag, None) not in (None, False)]
    if getattr(obj, "memory_manager", None) is not None:
        on.append("memory_manager")
    return on


@check(id="configuration.storage_configured", severity="high", title="Sessions are stored in a durable database",
       targets=("inprocess",))
async def storage_configured(ctx: CheckContext) -> Outcome:
    """What it checks: the agent (or team) has a ``db``; it fails when history, memory, session summaries or
    session state are switched on without one, and warns on storage that is not durable (``InMemoryDb``,
    ``JsonDb``) or on no storage at all for an agent that needs none of those.

    Why it matters: without a database agno keeps nothing between runs (AgentOS even serves a fresh copy of
    the agent per request), so ``add_history_to_context`` and memories silently do nothing: every turn starts
    from scratch, and there is no record of what the agent said. Severity high: a stateful assistant that
    forgets the conversation is broken for its users, and it does not show in a one-turn demo.

    How to fix: Give the agent a database: ``Agent(db=PostgresDb(db_url=os.environ["DATABASE_URL"]))``
    (``SqliteDb(db_file=...)`` for a single process), and share it between workers.
    """
    info = info_of(ctx)
    db = getattr(info.obj, "db", None)
    features = stateful_features(info.obj)
    if db is None:
        if features:
            return failed(f"no db, yet {names(features)} {'is' if len(features) == 1 else 'are'} on: agno keeps "
                          "nothing between runs, so these silently do nothing", features=features)
        return warned("no db: runs, sessions and their metrics are not kept (no history, no audit trail; AgentOS's "
                      "session pages stay empty)", features=[])
    kind = type(db).__name__
    if kind in NOT_DURABLE:
        return warned(f"{kind} {NOT_DURABLE[kind]}", db=kind, features=features)
    return passed(f"{kind} configured" + (f" for {names(features)}" if features else ""), db=kind,
                  features=features)

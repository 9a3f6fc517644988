"""configuration.storage_reachable: a real connection to the agent's database opens and answers ``SELECT 1``."""

from __future__ import annotations

import asyncio
from typing import Any

from agno_check.checks._inprocess import info_of, names
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.targets.loader import one_line

#: a connection that takes longer than this is as good as unreachable for a request path
CONNECT_BOUND_S = 10.0


def _where(engine: Any) -> str:
    """The database URL without its password."""
    try:
        return engine.url.render_as_string(hide_password=True)
    except Exception:
        return type(engine).__name__


def _probe_sync(engine: Any) -> None:
    from sqlalchemy import text

    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def _probe_async(engine: Any) -> None:
    """An AsyncEngine's pool belongs to the event loop AgentOS serves on: probe with a pool of our own."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    own = create_async_engine(engine.url, poolclass=NullPool)
    try:
        async with own.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await own.dispose()


async def probe(db: Any, bound_s: float) -> str | None:
    """None when the database answered; else why not (one line)."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    engine = db.db_engine
    try:
        if isinstance(engine, AsyncEngine):
            await asyncio.wait_for(_probe_async(engine), bound_s)
        else:
            await asyncio.wait_for(asyncio.to_thread(_probe_sync, engine), bound_s)
    except TimeoutError:
        return f"no connection within {bound_s:g} s"
    except Exception as exc:
        return one_line(getattr(exc, "orig", None) or exc)
    return None


@check(id="configuration.storage_reachable", severity="high", title="The agent's database accepts connections",
       targets=("inprocess",))
async def storage_reachable(ctx: CheckContext) -> Outcome:
    """What it checks: opens a real connection to every SQL database the agent and its team members use
    (``db.db_engine.connect()`` and ``SELECT 1``: PostgreSQL, MySQL, SQLite, ...), bounded in time.

    Why it matters: agno swallows storage errors. With an unreachable database, a run logs an error and
    answers normally, storing nothing: sessions, history and memories are silently lost, and nothing in the
    HTTP answers shows it. Severity high, not critical: it is judged from where agno-check runs, which may
    not reach the production database.

    How to fix: Check the ``db_url`` (host, port, database, credentials) and that the database is up and
    reachable from where the agent runs; for SQLite, that the file's folder exists and is writable.
    """
    info = info_of(ctx)
    dbs: dict[int, tuple[str, Any]] = {}
    for node in info.nodes:
        db = getattr(node.obj, "db", None)
        if db is not None and id(db) not in dbs:
            dbs[id(db)] = (node.label, db)
    if not dbs:
        return skipped("no db configured (see configuration.storage_configured)")
    bound = min(CONNECT_BOUND_S, ctx.settings.timeout)
    reached: list[str] = []
    unprobed: list[str] = []
    for owner, db in dbs.values():
        engine = getattr(db, "db_engine", None)
        if engine is None or not hasattr(engine, "connect"):
            unprobed.append(f"{type(db).__name__} of {owner}")
            continue
        password = getattr(getattr(engine, "url", None), "password", None)
        if password:
            ctx.redact.add(str(password))
        where = _where(engine)
        why = await probe(db, bound)
        if why is not None:
            return failed(f"{type(db).__name__} of {owner} at {where} is unreachable: {why}; agno swallows this, "
                          "so runs go on and store nothing", db=type(db).__name__, url=where, error=why)
        reached.append(f"{type(db).__name__} at {where}")
    if not reached:
        return skipped(f"no reachability probe for {names(unprobed)} (agno-check probes SQL databases)")
    extra = f"; not probed: {names(unprobed)}" if unprobed else ""
    return passed(f"connected and ran SELECT 1: {names(reached)}{extra}", databases=reached)

"""Start and stop the demo: storage, the simulated LLM, and the AgentOS app on free loopback ports.

``with DemoStack() as stack: stack.url, stack.token, stack.sim`` — everything is stopped and the temporary
SQLite directory removed on exit. ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` are checked with a real
connection before anything is served: a wrong URL is one line and exit 2, never a demo that silently stores
nothing. Credentials in those URLs never appear in messages.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from typing import Any

from agno_check.demo.config import AGENT_ID, CANARY, DEMO_MODEL_LATENCY, DEMO_MODEL_SEED, DemoConfig
from agno_check.errors import UsageError

AGNO_LOGGERS = ("agno", "agno-team", "agno-workflow")


class _Silence(logging.Filter):
    """Drops agno's log records (its handler writes to stdout, where ``--format json`` must stay clean)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


_SILENCE = _Silence()
CONNECT_TIMEOUT_S = 3


def _hide_password(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not even a URL: show its scheme only
        return url.split("://", 1)[0] + "://…"


def postgres_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` as SQLAlchemy with psycopg 3 wants them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass
class Storage:
    db: Any
    engine: Any
    backend: str  # "sqlite" | "postgresql"
    description: str  # for the user: where the demo stores sessions (no password)


def open_storage(database_url: str | None, folder: str) -> Storage:
    """SQLite in ``folder``, or PostgreSQL at ``database_url`` (checked with ``SELECT 1`` first)."""
    if not database_url:
        from agno.db.sqlite import SqliteDb

        path = os.path.join(folder, "demo.db")
        db = SqliteDb(db_file=path)
        return Storage(db, db.db_engine, "sqlite", f"SQLite in {path}")
    url = postgres_url(database_url)
    shown = _hide_password(url)
    if not url.startswith("postgresql"):
        raise UsageError(f"DATABASE_URL {shown!r}: the demo stores sessions in PostgreSQL; expected "
                         "postgresql://user:password@host:5432/db")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        reason = getattr(exc, "orig", None) or exc
        first_line = str(reason).strip().splitlines()[0] if str(reason).strip() else type(reason).__name__
        raise UsageError(f"DATABASE_URL: cannot connect to {shown}: {first_line}") from None
    from agno.db.postgres import PostgresDb

    return Storage(PostgresDb(db_engine=engine), engine, "postgresql", f"PostgreSQL at {shown}")


def check_redis(url: str) -> None:
    import redis

    shown = _hide_password(url)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=CONNECT_TIMEOUT_S)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError, OSError) as exc:
        raise UsageError(f"REDIS_URL: cannot connect to {shown}: {str(exc).splitlines()[0] if str(exc) else exc}") \
            from None


@dataclass
class DemoStack:
    """The running demo. ``hardened=False`` serves AgentOS's defaults (``--flawed``)."""

    hardened: bool = True
    port: int = 0
    database_url: str | None = None
    redis_url: str | None = None
    config: DemoConfig = field(default_factory=DemoConfig)
    token: str | None = None
    debug: bool = False

    def __post_init__(self) -> None:
        self.sim: Any = None
        self.storage: Storage | None = None
        self.limiter: Any = None
        self.metrics: Any = None
        self._server: Any = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if self.hardened and not self.token:
            self.token = secrets.token_urlsafe(32)
        if not self.hardened:
            self.token = None

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def agent_id(self) -> str:
        return AGENT_ID

    @property
    def canary(self) -> str:
        return CANARY

    @property
    def limiter_backend(self) -> str | None:
        return self.limiter.backend if self.limiter is not None else None

    def start(self) -> DemoStack:
        os.environ["AGNO_TELEMETRY"] = "false"  # nothing may leave the machine
        if not self.debug:  # the fault check makes agno log ERRORs on purpose; the report tells the story
            for name in AGNO_LOGGERS:  # a filter, not a level: every agno run resets its loggers' level
                logging.getLogger(name).addFilter(_SILENCE)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        from agno_check.demo.ratelimit import MemoryLimiter, RedisLimiter
        from agno_check.demo.service import build_flawed_app, build_hardened_app
        from agno_check.serve import BackgroundServer
        from agno_check.sim.server import SimServer

        if self.hardened and self.redis_url:
            check_redis(self.redis_url)
        self._tmp = tempfile.TemporaryDirectory(prefix="agno-check-demo-")
        self.storage = open_storage(self.database_url, self._tmp.name)
        self.sim = SimServer(latency=DEMO_MODEL_LATENCY, seed=DEMO_MODEL_SEED).start()
        model_url = self.sim.openai_base_url
        if self.hardened:
            limits = self.config.limits
            self.limiter = RedisLimiter(limits, self.redis_url) if self.redis_url else MemoryLimiter(limits)
            app, self.metrics = build_hardened_app(model_url, self.storage.db, self.storage.engine,
                                                   self.storage.backend, self.token or "", self.limiter, self.config)
            options: dict[str, Any] = {"server_header": False}
        else:
            app = build_flawed_app(model_url, self.storage.db, self.config)
            options = {}
        # uvicorn logs a traceback for each unhandled error (the flawed demo has some, on purpose); the report
        # already says what went wrong, so its log stays quiet unless --debug
        options["log_level"] = "warning" if self.debug else "critical"
        self._server = BackgroundServer(app, port=self.port, timeout_graceful_shutdown=2, **options).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self.sim is not None:
            self.sim.stop()
            self.sim = None
        if self.storage is not None:
            try:
                self.storage.engine.dispose()
            except Exception:  # noqa: BLE001 - best effort at shutdown
                pass
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        for name in AGNO_LOGGERS:
            logging.getLogger(name).removeFilter(_SILENCE)

    def __enter__(self) -> DemoStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

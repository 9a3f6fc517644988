"""Real services the tests need (PostgreSQL): skip with the reason when one is missing, or fail instead when
``AGNO_CHECK_REQUIRE_SERVICES=1`` (CI sets it, so a missing service can never turn into a green run).

    from tests.services import postgres_url
    url = postgres_url()  # skips (or fails) the calling test when PostgreSQL is unreachable
"""

from __future__ import annotations

import functools
import os

import pytest

DATABASE_URL_ENV = "AGNO_CHECK_TEST_DATABASE_URL"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REQUIRE_ENV = "AGNO_CHECK_REQUIRE_SERVICES"
CONNECT_TIMEOUT_S = 5


def services_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip the calling test with ``reason``, or fail it when services are required."""
    if services_required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: required services must be up)", pytrace=False)
    pytest.skip(reason)


def database_url() -> str:
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


@functools.cache
def _postgres_problem(url: str) -> str | None:
    """None when ``SELECT 1`` works on ``url``; else why not (checked once per session)."""
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
                                          poolclass=sqlalchemy.pool.NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(sqlalchemy.text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as exc:
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        return f"{exc.__class__.__name__}: {first[:200]}"
    return None


def postgres_url() -> str:
    """The test database's URL; skips (or fails, see module docstring) when PostgreSQL is unreachable."""
    url = database_url()
    problem = _postgres_problem(url)
    if problem is not None:
        import sqlalchemy

        shown = sqlalchemy.engine.make_url(url).render_as_string(hide_password=True)
        unavailable(f"PostgreSQL at {shown} is unreachable ({problem}); set {DATABASE_URL_ENV}")
    return url

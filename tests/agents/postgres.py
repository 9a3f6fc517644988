"""Agents on PostgreSQL: the test database (``AGNO_CHECK_TEST_DATABASE_URL``), and one that refuses connections.

Building them connects to nothing (PostgresDb is lazy), so importing this module works without a server;
tests that need the server call ``tests.services.postgres_url()`` first.
"""

from __future__ import annotations

from agno.agent import Agent
from agno.db.postgres import PostgresDb

from tests.agents.basic import INSTRUCTIONS, sound_model
from tests.services import database_url

SCHEMA = "agno_check_tests"
#: nothing listens on port 1: every connection is refused at once
REFUSED_URL = "postgresql+psycopg://agno:s3cret-pw@127.0.0.1:1/agno"

agent = Agent(id="pg-support", name="PG Support", instructions=INSTRUCTIONS, model=sound_model(),
              db=PostgresDb(db_url=database_url(), db_schema=SCHEMA), add_history_to_context=True,
              retries=1, telemetry=False)

refused_agent = Agent(id="pg-refused", name="PG Refused", instructions=INSTRUCTIONS, model=sound_model(),
                      db=PostgresDb(db_url=REFUSED_URL, db_schema=SCHEMA), add_history_to_context=True,
                      retries=1, telemetry=False)

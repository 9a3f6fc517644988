"""A support team: a leader and two members on SQLite; one member has its own (non-OpenAI) model settings."""

from __future__ import annotations

from agno.agent import Agent
from agno.db.sqlite import SqliteDb
from agno.team import Team

from tests.agents.basic import SQLITE_FILE, sound_model

billing = Agent(id="billing", name="Billing", role="Answers billing questions", model=sound_model(),
                telemetry=False)
shipping = Agent(id="shipping", name="Shipping", role="Answers shipping questions", debug_mode=True,
                 telemetry=False)

team = Team(id="support-team", name="Support Team", members=[billing, shipping], model=sound_model(),
            db=SqliteDb(db_file=str(SQLITE_FILE)), add_history_to_context=True, telemetry=False)

"""Agents built the way the seed's users build them, one configuration choice differing between them.

Nothing here talks to a real provider: agno-check points every model at its simulated LLM. The API key is a
placeholder on purpose (a readiness run must not need a real one).
"""

from __future__ import annotations

import atexit
import os
import tempfile
from pathlib import Path
from typing import Any

from agno.agent import Agent
from agno.db.in_memory import InMemoryDb
from agno.db.sqlite import SqliteDb
from agno.models.openai import OpenAIChat
from agno.tools import Toolkit

SQLITE_FILE = Path(tempfile.gettempdir()) / f"agno-check-inprocess-{os.getpid()}.db"
atexit.register(SQLITE_FILE.unlink, missing_ok=True)
INSTRUCTIONS = "You are the ACME support agent. Answer briefly."


def sound_model(**overrides: object) -> OpenAIChat:
    options: dict = {"id": "gpt-4o-mini", "timeout": 20.0, "max_retries": 2}
    options.update(overrides)
    return OpenAIChat(**options)


#: production-minded: SQLite storage, history, agent and model retries with backoff, a timeout, debug off,
#: telemetry off
agent = Agent(
    id="support", name="Support", instructions=INSTRUCTIONS, model=sound_model(),
    db=SqliteDb(db_file=str(SQLITE_FILE)), add_history_to_context=True,
    retries=2, delay_between_retries=1, exponential_backoff=True, telemetry=False,
)

#: the first draft: no storage (but history on), no retries, no timeout, debug mode on, telemetry by default
draft_agent = Agent(
    id="draft", name="Draft", instructions=INSTRUCTIONS, model=OpenAIChat(id="gpt-4o-mini", max_retries=0),
    add_history_to_context=True, debug_mode=True,
)

#: a model that speaks OpenAI's Responses API (what ``"openai:gpt-4o"`` resolves to): a stand-in runs for it
responses_agent = Agent(id="responses", name="Responses", instructions=INSTRUCTIONS, model="openai:gpt-4o",
                        db=SqliteDb(db_file=str(SQLITE_FILE)), telemetry=False)

not_an_agent = {"id": "support"}

#: keeps every session in process memory
memory_agent = Agent(id="memory", name="Memory", instructions=INSTRUCTIONS, model=sound_model(), db=InMemoryDb(),
                     add_history_to_context=True, telemetry=False)


class CatalogueTools(Toolkit):
    """A tool that holds its data set in the object: every deep_copy() (one per AgentOS request) copies it."""

    def __init__(self, size: int = 100_000) -> None:
        self.catalogue = {f"sku-{i}": f"product description {i}" for i in range(size)}
        super().__init__(name="catalogue", tools=[self.lookup])

    def lookup(self, sku: str) -> str:
        """Describe a product by SKU."""
        return self.catalogue.get(sku, "unknown")


#: sound, except that its tool carries a 100,000-entry catalogue into every per-request copy
heavy_agent = Agent(id="heavy", name="Heavy", instructions=INSTRUCTIONS, model=sound_model(),
                    db=SqliteDb(db_file=str(SQLITE_FILE)), tools=[CatalogueTools()], telemetry=False)

RUN_LOG: list[str] = []


def keep_everything(run_output: Any, **_: Any) -> None:
    """A post-hook that "keeps a copy for debugging" in a module-level list: 100 KB per run, never freed."""
    RUN_LOG.append("x" * 100_000 + str(getattr(run_output, "run_id", "")))


#: sound, except for the leaking post-hook
leaky_agent = Agent(id="leaky", name="Leaky", instructions=INSTRUCTIONS, model=sound_model(),
                    db=SqliteDb(db_file=str(SQLITE_FILE)), post_hooks=[keep_everything], telemetry=False)

"""The real AgentOS around a real agno Agent whose model is the simulated LLM, as agno-facts.md describes it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("AGNO_TELEMETRY", "false")

AGENT_ID = "helpdesk"
INSTRUCTIONS = "You are Helpdesk for ACME. Internal canary: CANARY-AGENTOS-4242. Answer support questions briefly."
CANARY = "CANARY-AGENTOS-4242"


def create_agent(model_url: str, db_file: str | Path | None = None, **agent_options: Any) -> Any:
    from agno.agent import Agent
    from agno.db.sqlite import SqliteDb
    from agno.models.openai import OpenAIChat

    options: dict[str, Any] = {
        "id": AGENT_ID, "name": "Helpdesk", "instructions": INSTRUCTIONS, "add_history_to_context": True,
        "telemetry": False,
        "model": OpenAIChat(id="sim", base_url=model_url, api_key="sim-key", max_retries=0, timeout=5.0),
    }
    if db_file is not None:
        options["db"] = SqliteDb(db_file=str(db_file))
    options.update(agent_options)
    return Agent(**options)


def create_agentos_app(model_url: str, db_file: str | Path | None = None, **agent_options: Any) -> Any:
    """``AgentOS(...).get_app()``; set ``OS_SECURITY_KEY`` in the environment before calling for key auth."""
    from agno.os import AgentOS

    agent = create_agent(model_url, db_file, **agent_options)
    return AgentOS(agents=[agent], telemetry=False).get_app()

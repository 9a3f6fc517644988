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


def create_full_agentos_app(model_url: str, db_file: str | Path, *, security_key: str | None = None,
                            authorization: Any = None, **agent_options: Any) -> Any:
    """AgentOS's whole surface: an agent and a team on one SQLite db given to AgentOS too (schedules,
    approvals, service accounts, components), the A2A interface, the MCP server and AG-UI (at ``/ui/agui``) on.

    ``security_key`` is set as ``OS_SECURITY_KEY`` while the app is built (AgentOS reads it then) and removed
    after; ``authorization`` is passed as ``AgentOS(authorization=...)`` (JWT)."""
    from agno.db.sqlite import SqliteDb
    from agno.os import AgentOS
    from agno.os.interfaces.agui import AGUI
    from agno.team import Team

    db = SqliteDb(db_file=str(db_file))
    agent = create_agent(model_url, None, db=db, **agent_options)
    member = create_agent(model_url, None, db=db, id="researcher", name="Researcher")
    team = Team(id="crew", name="Crew", members=[member], model=agent.model, db=db, telemetry=False)
    options: dict[str, Any] = {"agents": [agent], "teams": [team], "db": db, "a2a_interface": True,
                               "mcp_server": True, "interfaces": [AGUI(agent=agent, prefix="/ui")],
                               "telemetry": False}
    if authorization is not None:
        options["authorization"] = authorization
    previous = os.environ.pop("OS_SECURITY_KEY", None)
    if security_key:
        os.environ["OS_SECURITY_KEY"] = security_key
    try:
        return AgentOS(**options).get_app()
    finally:
        os.environ.pop("OS_SECURITY_KEY", None)
        if previous is not None:
            os.environ["OS_SECURITY_KEY"] = previous

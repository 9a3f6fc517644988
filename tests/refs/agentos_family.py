"""A real AgentOS serving any of an Agent, a Team (with a member) and a Workflow (one agent step), every model
on the simulated LLM, for the AgentOS family's profiles (agents, teams, workflows)."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("AGNO_TELEMETRY", "false")

AGENT_ID, TEAM_ID, WORKFLOW_ID = "writer", "crew", "pipeline"


def create_family_app(model_url: str, agents: bool = False, teams: bool = False, workflows: bool = False) -> Any:
    from agno.agent import Agent
    from agno.models.openai import OpenAIChat
    from agno.os import AgentOS
    from agno.team import Team
    from agno.workflow import Step, Workflow

    def model() -> OpenAIChat:
        return OpenAIChat(id="sim", base_url=model_url, api_key="sim-key", max_retries=0, timeout=10.0)

    def agent(agent_id: str) -> Agent:
        return Agent(id=agent_id, name=agent_id.title(), model=model(), telemetry=False,
                     instructions="Answer support questions briefly.")

    served: dict[str, Any] = {}
    if agents:
        served["agents"] = [agent(AGENT_ID)]
    if teams:
        served["teams"] = [Team(id=TEAM_ID, name="Crew", members=[agent("member")], model=model(), telemetry=False)]
    if workflows:
        served["workflows"] = [Workflow(id=WORKFLOW_ID, name="Pipeline", steps=[Step(name="write",
                                                                                   agent=agent("stepper"))],
                                        telemetry=False)]
    return AgentOS(**served, telemetry=False).get_app()

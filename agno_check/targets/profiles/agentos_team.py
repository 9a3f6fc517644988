"""AgentOS teams: ``POST /teams/{team_id}/runs`` (the agents' form fields, Team* SSE events).

Chosen by ``--team ID``, or detected when the AgentOS serves teams and no agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from agno_check.targets.profiles.agentos import USER_ID, AgentOSProfile, has_run_route, served
from agno_check.targets.profiles.base import ProtocolOption, Service
from agno_check.targets.profiles.registry import protocol


@protocol
@dataclass
class AgentOSTeamProfile(AgentOSProfile):
    """An AgentOS team; ``agent_id`` holds the team's id (the checks that read AgentOS routes use it)."""

    name: ClassVar[str] = "agentos-team"
    report_profile: ClassVar[str] = "agentos"
    summary: ClassVar[str] = "AgentOS teams: POST /teams/{id}/runs (--team ID)"
    options: ClassVar[tuple[ProtocolOption, ...]] = (
        ProtocolOption("team", "AgentOS team id: run this team (default: the first of GET /teams when the OS "
                       "serves no agent).", attr="agent_id"), USER_ID)
    detect_order: ClassVar[int] = 15
    probe_order: ClassVar[int] = 1001  # only ever detected from the OpenAPI document
    chosen_by: ClassVar[str | None] = "team"
    component: ClassVar[str] = "teams"
    id_option: ClassVar[str] = "team"

    @classmethod
    async def detect(cls, service: Service, values: dict[str, Any]) -> str | None:
        """Only when the OS serves teams and nothing ahead of them (no agent, or for workflows no team)."""
        if values.get("agent_id") or not has_run_route(await service.openapi_paths(), cls.component):
            return None
        listing = await served(service)
        ahead = ("agents", "teams", "workflows")[: ("agents", "teams", "workflows").index(cls.component)]
        if listing.get(cls.component) and not any(listing.get(c) for c in ahead):
            return f"the AgentOS serves {cls.component} only ({', '.join(listing[cls.component])})"
        return None

"""AgentOS workflows: ``POST /workflows/{workflow_id}/runs`` (the agents' form fields).

Streamed, a workflow forwards its steps' own events (``RunContent`` of each step's agent, ``RunCompleted`` at
the end of a step) between ``WorkflowStarted`` and ``WorkflowCompleted``: the content deltas are the steps'
tokens (so TTFT is the first token of the first step), and only a workflow event ends the run. Chosen by
``--workflow ID``, or detected when the AgentOS serves workflows and no agent or team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from agno_check.targets.profiles.agentos import USER_ID
from agno_check.targets.profiles.agentos_team import AgentOSTeamProfile
from agno_check.targets.profiles.base import ProtocolOption, StreamReader, int_or_none
from agno_check.targets.profiles.registry import protocol
from agno_check.targets.sse import SseEvent

_CONTENT = ("RunContent", "TeamRunContent")
_FAILED = {"WorkflowError": "ERROR", "StepError": "ERROR", "WorkflowCancelled": "CANCELLED"}


class _WorkflowStream(StreamReader):
    def feed(self, event: SseEvent) -> str:
        payload = self.payload(event)
        if payload is None:
            return ""
        name = payload.get("event") or event.event
        if str(name).startswith("Workflow"):  # the workflow's own ids, not a step agent's
            self.parsed.session_id = payload.get("session_id") or self.parsed.session_id
            self.parsed.run_id = payload.get("run_id") or self.parsed.run_id
        if name in _CONTENT and isinstance(payload.get("content"), str):
            self.parsed.content += payload["content"]
            return payload["content"]
        if name == "WorkflowCompleted":
            self.done = True
            self.parsed.agent_status = "COMPLETED"
            if isinstance(payload.get("content"), str) and payload["content"]:
                self.parsed.content = payload["content"]
            metrics = payload.get("metrics") or {}
            if isinstance(metrics, dict):
                self.parsed.input_tokens = int_or_none(metrics.get("input_tokens"))
                self.parsed.output_tokens = int_or_none(metrics.get("output_tokens"))
        elif name in _FAILED:
            self.done = True
            self.parsed.agent_status = _FAILED[name]
            self.parsed.agent_error = str(payload.get("error") or payload.get("content") or name)
        return ""


@protocol
@dataclass
class AgentOSWorkflowProfile(AgentOSTeamProfile):
    """An AgentOS workflow; ``agent_id`` holds the workflow's id."""

    name: ClassVar[str] = "agentos-workflow"
    report_profile: ClassVar[str] = "agentos"
    summary: ClassVar[str] = "AgentOS workflows: POST /workflows/{id}/runs (--workflow ID)"
    options: ClassVar[tuple[ProtocolOption, ...]] = (
        ProtocolOption("workflow", "AgentOS workflow id: run this workflow (default: the first of GET "
                       "/workflows when the OS serves no agent or team).", attr="agent_id"), USER_ID)
    detect_order: ClassVar[int] = 16
    chosen_by: ClassVar[str | None] = "workflow"
    component: ClassVar[str] = "workflows"
    id_option: ClassVar[str] = "workflow"

    def stream_reader(self) -> StreamReader:
        return _WorkflowStream()

"""Models as they are: every OpenAI-SDK-based model (agno's default OpenAIResponses included) is judged by the
client settings in force, and a model shared by a team and its members is named once, with every place."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.readiness_helpers import readiness, result

MODEL_CHECKS = ["configuration.model_timeout", "reliability.retries_configured"]


def _app(tmp_path: Path, name: str, body: str) -> str:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(body))
    return f"{tmp_path}/{name}.py"


def test_openai_responses_without_a_timeout_fails_and_its_sdk_retries_count() -> None:
    """``"openai:gpt-4o"`` is an OpenAIResponses: the SDK's 600 s per attempt, and its 2 retries."""
    report = readiness("tests.agents.basic:responses_agent", only=MODEL_CHECKS)
    timeout = result(report, "configuration.model_timeout")
    assert timeout.status == "fail", timeout
    assert "agent.model OpenAIResponses(id='gpt-4o'): 600 s (SDK default)" in timeout.detail
    retries = result(report, "reliability.retries_configured")
    assert retries.status == "pass", retries
    assert "SDK max_retries=2 (default)" in retries.detail and "no SDK retries" not in retries.detail


def test_openai_responses_settings_and_a_client_of_its_own_are_read(tmp_path: Path) -> None:
    spec = _app(tmp_path, "responses_app", """
        import openai
        from agno.agent import Agent
        from agno.models.openai import OpenAIChat, OpenAIResponses

        tuned = Agent(id="tuned", telemetry=False, model=OpenAIResponses(id="gpt-5.4", timeout=15, max_retries=0))
        own_client = Agent(id="own-client", telemetry=False, model=OpenAIChat(
            id="gpt-4o-mini", client=openai.OpenAI(api_key="sk-placeholder", timeout=12, max_retries=4)))
    """)
    tuned = readiness(f"{spec}:tuned", only=MODEL_CHECKS)
    timeout = result(tuned, "configuration.model_timeout")
    assert timeout.status == "pass" and "OpenAIResponses(id='gpt-5.4'): 15 s" in timeout.detail, timeout
    retries = result(tuned, "reliability.retries_configured")
    assert retries.status == "fail" and "max_retries=0, no model or agent retries" in retries.detail, retries
    own = readiness(f"{spec}:own_client", only=MODEL_CHECKS)
    timeout = result(own, "configuration.model_timeout")
    assert timeout.status == "pass" and "12 s" in timeout.detail, timeout  # the client's, not the SDK default
    retries = result(own, "reliability.retries_configured")
    assert retries.status == "pass" and "SDK max_retries=4" in retries.detail, retries


def test_a_model_shared_by_a_team_and_its_members_is_named_once_with_every_place(tmp_path: Path) -> None:
    spec = _app(tmp_path, "shared_team", """
        from agno.agent import Agent
        from agno.models.openai import OpenAIResponses
        from agno.team import Team

        shared = OpenAIResponses(id="gpt-5.4", max_retries=0)
        team = Team(id="shared-team", model=shared, telemetry=False, members=[
            Agent(name="billing", model=shared, telemetry=False),
            Agent(name="shipping", model=shared, telemetry=False)])
    """)
    report = readiness(f"{spec}:team", only=MODEL_CHECKS)
    timeout = result(report, "configuration.model_timeout")
    assert timeout.status == "fail", timeout
    assert "team.model, team.members[0].model, team.members[1].model OpenAIResponses(id='gpt-5.4')" \
        in timeout.detail
    assert timeout.detail.count("OpenAIResponses(") == 1
    retries = result(report, "reliability.retries_configured")
    assert retries.status == "fail", retries
    assert retries.detail.count("OpenAIResponses(") == 1
    assert "team (shared-team), team.members[0] (billing), team.members[1] (shipping)" in retries.detail

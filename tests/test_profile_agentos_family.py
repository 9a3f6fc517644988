"""AgentOS teams (``agentos-team``, ``POST /teams/{id}/runs``) and workflows (``agentos-workflow``,
``POST /workflows/{id}/runs``) for readiness and load: chosen with ``--team`` / ``--workflow``, detected when the
OS serves only those, and a wrong ``--agent-id`` answered with what the OS does serve. Real AgentOS (agno
3.1.10), real Team and Workflow, every model on the simulated LLM."""

from __future__ import annotations

import json

import pytest

from tests.conftest import check_of, run_cli, validate_load, validate_readiness
from tests.refs.agentos_family import AGENT_ID, TEAM_ID, WORKFLOW_ID, create_family_app

CHECKS = "performance.latency,performance.ttft,reliability.malformed_input"


@pytest.mark.parametrize(("served", "profile", "route", "component_id"), [
    ({"teams": True}, "agentos-team", "/teams/crew/runs", TEAM_ID),
    ({"workflows": True}, "agentos-workflow", "/workflows/pipeline/runs", WORKFLOW_ID),
])
def test_an_os_serving_only_teams_or_workflows_is_detected_and_judged(sim, serve, served, profile, route,
                                                                       component_id):
    url = serve(create_family_app(sim.openai_base_url, **served)).url
    before = sim.stats(0)["requests"]
    result = run_cli("readiness", url, "--only", CHECKS, "--samples", "3", "--format", "json", timeout=180)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_readiness(report)  # the contract's schema: the family in "profile", the exact name in "protocol"
    assert report["profile"] == "agentos" and report["protocol"] == profile
    kind = profile.split("-")[1] + "s"
    assert f"profile: {profile} (the AgentOS serves {kind} only ({component_id})" in result.stderr
    for check_id in CHECKS.split(","):
        assert check_of(report, check_id)["status"] == "pass", check_of(report, check_id)
    assert route in json.dumps(check_of(report, "reliability.malformed_input")["evidence"])
    ttft = check_of(report, "performance.ttft")  # streamed runs: the first token of the team / the step's agent
    assert "p95" in ttft["detail"], ttft
    assert sim.stats(0)["requests"] - before >= 1 + 3 + 3  # every run reached the model through the component

    load = run_cli("load", url, "--users", "2", "--duration", "3s", "--stream", "--format", "json", "--quiet",
                   timeout=120)
    assert load.code == 0, load.stderr
    loaded = load.json()
    validate_load(loaded)
    assert loaded["profile"] == "agentos" and loaded["protocol"] == profile
    assert loaded["failures"] == 0 and loaded["requests"] > 2
    assert loaded["ttft_ms"]["p50"] > 0 and loaded["settings"]["resolved"][profile.split("-")[1]] == component_id


def test_team_and_workflow_flags_choose_the_component_of_an_os_that_serves_all_three(sim, serve):
    url = serve(create_family_app(sim.openai_base_url, agents=True, teams=True, workflows=True)).url
    auto = run_cli("readiness", url, "--only", "performance.latency", "--samples", "2", "--format", "json")
    team = run_cli("readiness", url, "--team", TEAM_ID, "--only", "performance.latency", "--samples", "2",
                   "--format", "json")
    workflow = run_cli("load", url, "--workflow", WORKFLOW_ID, "--users", "1", "--duration", "2s", "--format",
                       "json", "--quiet", timeout=120)
    assert auto.code == 0 and auto.json()["protocol"] == "agentos", auto.stderr  # agents first, as before
    assert team.code == 0 and team.json()["protocol"] == "agentos-team", team.stderr
    assert "profile: agentos-team (--team was given" in team.stderr
    assert check_of(team.json(), "performance.latency")["status"] == "pass"
    assert workflow.code == 0 and workflow.json()["protocol"] == "agentos-workflow", workflow.stderr
    assert workflow.json()["requests"] > 0 and workflow.json()["failures"] == 0


def test_a_wrong_agent_id_lists_the_agents_teams_and_workflows_the_os_serves(sim, serve):
    url = serve(create_family_app(sim.openai_base_url, agents=True, teams=True, workflows=True)).url
    for command in (("readiness", url), ("load", url, "--duration", "2s", "--quiet")):
        result = run_cli(*command, "--agent-id", "nope", timeout=120)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.code == 2 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert "POST /agents/nope/runs" in lines[0] and "answered 404: no agent 'nope' here" in lines[0]
        assert (f"the AgentOS serves agents: {AGENT_ID}; teams: {TEAM_ID}; workflows: {WORKFLOW_ID} "
                "(choose with --team, --workflow or --agent-id)") in lines[0]

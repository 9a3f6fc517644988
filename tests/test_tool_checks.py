"""Tools, teams and workflows on the simulated model: real agno agents (OpenAIResponses, OpenAIChat, agno's
default model) whose tools really run, in-process and served by AgentOS against ``agno-check sim-llm``.

The verdicts of ``reliability.tool_errors`` and ``performance.tool_latency`` come from the agent's own client
and the tools' own behaviour: a tool that raises, one that returns its traceback, sound ones.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.readiness_helpers import readiness, result

TOOL_CHECKS = ["reliability.tool_errors", "performance.tool_latency"]


@pytest.fixture(autouse=True)
def _calls() -> Iterator[list[tuple[str, dict]]]:
    from tests.agents import tools

    tools.CALLS.clear()
    yield tools.CALLS
    tools.CALLS.clear()


def test_a_tool_that_raises_is_found_and_sound_tools_are_timed(_calls: list) -> None:
    report = readiness("tests.agents.tools:flaky", exercise_tools="all", only=TOOL_CHECKS)
    errors = result(report, "reliability.tool_errors")
    assert errors.status == "warn", errors
    assert "refund_order raised ConnectionError: refunds database unreachable" in errors.detail
    runs = errors.evidence["runs"]
    assert {(r["tool"], r["made_to_fail"]) for r in runs} == {(t, f) for t in ("lookup_order", "refund_order")
                                                              for f in (False, True)}
    assert all(r["verdict"] == "answered" for r in runs)  # agno hands the exception to the model: no crash
    assert {name for name, _ in _calls} == {"lookup_order", "refund_order"}  # the tools really ran
    latency = result(report, "performance.tool_latency")
    assert latency.status == "pass", latency
    assert "lookup_order p95" in latency.detail and "tool_p95<5000" in latency.detail
    assert latency.evidence["tools"]["lookup_order"]["calls"] >= 5
    assert "refund_order" in latency.evidence["not_timed"]  # it never completed a call


def test_a_traceback_in_the_answer_fails_tool_errors() -> None:
    report = readiness("tests.agents.tools:leaky", exercise_tools="leaky_lookup", only=["reliability.tool_errors"])
    errors = result(report, "reliability.tool_errors")
    assert errors.status == "fail", errors
    assert "leaky_lookup: traceback" in errors.detail


def test_a_tool_latency_slo_is_judged() -> None:
    report = readiness("tests.agents.tools:support", exercise_tools="lookup_order", only=["performance.tool_latency"],
                       slo=["tool_p95<0.0001"])
    latency = result(report, "performance.tool_latency")
    assert latency.status == "fail" and "lookup_order p95" in latency.detail and "tool_p95<0.0001" in latency.detail


def test_without_exercise_tools_the_tools_are_listed_not_run(_calls: list) -> None:
    report = readiness("tests.agents.tools:support", only=TOOL_CHECKS)
    for check_id in TOOL_CHECKS:
        verdict = result(report, check_id)
        assert verdict.status == "skip" and "--exercise-tools" in verdict.detail and "lookup_order" in verdict.detail
    note = next(n for n in report.notes if n.startswith("tools not exercised"))
    assert "agent: lookup_order" in note and "cancel_order [requires_confirmation]" in note
    assert _calls == []


def test_mcp_toolkits_are_named_as_not_covered(_calls: list) -> None:
    """An MCP toolkit has no tools before it connects: the tool checks judge the tools they can see and say
    which toolkit they left out, rather than a pass that reads as if every tool had been probed."""
    try:
        import agno.tools.mcp  # noqa: F401
    except ImportError as exc:  # agno 3.0.0 beside the newest mcp package (the lowest-version venv)
        pytest.skip(f"agno's MCP support does not import here: {exc}")
    report = readiness("tests.agents.mcp_agent:agent", exercise_tools="all", only=TOOL_CHECKS)
    for check_id in TOOL_CHECKS:
        verdict = result(report, check_id)
        assert verdict.status == "pass", verdict
        assert "lookup_order" in verdict.detail and "agent: MCPTools not covered" in verdict.detail, verdict
        assert verdict.evidence["not_listed_run_time_toolkits"] == ["agent: MCPTools"]
    assert any(n.startswith("agent: MCPTools: tools known only once connected") for n in report.notes)


def test_url_targets_skip_the_tool_checks(sim, serve) -> None:  # noqa: ANN001 - conftest fixtures
    from tests.refs.agentos_app import create_agentos_app

    url = serve(create_agentos_app(sim.openai_base_url)).url
    report = readiness(url, only=TOOL_CHECKS)
    for check_id in TOOL_CHECKS:
        assert result(report, check_id).status == "skip"
        assert "module:agent" in result(report, check_id).detail


def _turn(spec: str, session_id: str, **flags: Any) -> tuple[Any, dict[str, Any]]:
    from agno_check.settings import ReadinessSettings, load_settings
    from agno_check.targets.opening import open_target

    async def go() -> tuple[Any, dict[str, Any]]:
        settings = load_settings(ReadinessSettings, {"target": spec, **flags}, "readiness")
        async with open_target(settings) as opened:
            turn = await opened.target.run("Where is order A-1?", session_id, False)
            return turn, opened.sim.stats(everything=True)

    return asyncio.run(go())


def test_a_team_run_reaches_its_members_and_stores_their_runs() -> None:
    from agno.db.base import SessionType

    from tests.agents.tools import DB

    session_id = f"agno-check-team-{os.getpid()}"
    turn, stats = _turn("tests.agents.tools:team", session_id)
    assert turn.ok, turn.failure_reason()
    calls = [r["tool_call"] for r in stats["recent"]]
    assert calls[0] == "delegate_task_to_member" and set(r["api"] for r in stats["recent"]) == {"responses"}
    assert "lookup_order" not in calls  # the member's own tool is not called without --exercise-tools
    session = DB.get_session(session_id=session_id, session_type=SessionType.TEAM)
    members = {getattr(run, "agent_id", None) for run in session.runs}
    assert members & {"orders", "writer"}, members  # a member run is stored in the team's session


def test_a_workflow_runs_its_steps() -> None:
    from agno.db.base import SessionType

    from tests.agents.tools import DB

    session_id = f"agno-check-flow-{os.getpid()}"
    turn, stats = _turn("tests.agents.tools:workflow", session_id)
    assert turn.ok, turn.failure_reason()
    apis = [r["api"] for r in stats["recent"]]
    assert apis[0] == "chat.completions" and "responses" in apis  # step 1 on OpenAIChat, step 2's team
    session = DB.get_session(session_id=session_id, session_type=SessionType.WORKFLOW)
    steps = [step.step_name for run in session.runs for step in run.step_results]
    assert steps == ["lookup", "reply"]


def test_workflow_readiness_judges_it_instead_of_exit_2() -> None:
    report = readiness("tests.agents.tools:workflow", only=["performance.latency", "configuration.model_timeout"],
                       samples=2)
    assert result(report, "performance.latency").status == "pass"
    timeout = result(report, "configuration.model_timeout")
    assert "workflow.steps[1].team.model" in timeout.detail  # the team step's missing model is agno's default
    assert any("in-process workflow 'order-flow'" in note for note in report.notes)


# ------------------------------------------------------------------------------------------ served by AgentOS


def test_agentos_app_on_sim_llm_through_openai_base_url(serve) -> None:  # noqa: ANN001
    """A served app as its users run it: models from the environment (OPENAI_BASE_URL at ``agno-check
    sim-llm``), an OpenAIResponses agent, an OpenAIChat agent and a team; readiness judges the URL."""
    proc = subprocess.Popen([sys.executable, "-m", "agno_check", "sim-llm", "--port", "0", "--ttft", "20ms", "--tps",
                             "500", "--tokens", "8", "--tools", "team"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "AGNO_TELEMETRY": "false"})
    try:
        url = proc.stdout.readline().split(" at ", 1)[1].split(" ", 1)[0]  # type: ignore[union-attr]
        os.environ["OPENAI_BASE_URL"], os.environ["OPENAI_API_KEY"] = f"{url}/v1", "sim-key"
        from agno.agent import Agent
        from agno.models.openai import OpenAIChat
        from agno.os import AgentOS
        from agno.team import Team

        responses_agent = Agent(id="default-model", name="Default", telemetry=False)  # agno's OpenAIResponses
        chat_agent = Agent(id="chat", name="Chat", model=OpenAIChat(id="gpt-4o-mini"), telemetry=False)
        crew = Team(id="crew", name="Crew", members=[Agent(id="m1", name="M1", role="helps", telemetry=False)],
                    telemetry=False)
        app = AgentOS(agents=[responses_agent, chat_agent], teams=[crew], telemetry=False).get_app()
        base = serve(app).url
        import httpx

        with httpx.Client(base_url=base, timeout=30, trust_env=False) as http:
            for path in ("/agents/default-model/runs", "/agents/chat/runs", "/teams/crew/runs"):
                answer = http.post(path, data={"message": "hello", "stream": "false"})
                assert answer.status_code == 200 and answer.json()["status"] == "COMPLETED", answer.text[:300]
            stats = httpx.get(f"{url}/_sim/stats?all=true", trust_env=False).json()
        apis = [(r["api"], r["tool_call"]) for r in stats["recent"]]
        assert apis[0] == ("responses", None) and apis[1] == ("chat.completions", None)
        assert ("responses", "delegate_task_to_member") in apis[2:] and len(apis) >= 4  # the member ran too
        report = readiness(base, agent_id="default-model", only=["performance.latency", "performance.ttft"],
                           samples=3)
        assert result(report, "performance.latency").status == "pass"
        assert result(report, "performance.ttft").status == "pass"
    finally:
        os.environ.pop("OPENAI_BASE_URL", None)
        os.environ.pop("OPENAI_API_KEY", None)
        proc.terminate()
        proc.wait(timeout=15)


def test_upstream_faults_are_judged_on_the_responses_client_s_own_retries_and_timeout() -> None:
    """In-process OpenAIResponses with max_retries=2, timeout=20: the SDK retries a 429 and a 500 (2 model
    requests each, seen by the simulator), and its 20 s timeout outlives a 10 s bound: a hang."""
    report = readiness("tests.agents.tools:support", only=["reliability.upstream_faults"], timeout=10)
    check = result(report, "reliability.upstream_faults")
    probes = {p["fault"]: p for p in check.evidence["probes"]}
    assert probes["model 429"]["verdict"] == probes["model 500"]["verdict"] == "answered"
    assert probes["model 429"]["model_requests"] == probes["model 500"]["model_requests"] == 2
    assert probes["model timeout"]["verdict"] == "hang" and check.status == "fail"


def test_a_bad_tool_name_is_one_line_and_exit_2() -> None:
    from tests.conftest import run_cli

    run = run_cli("readiness", "tests/agents/tools.py:support", "--exercise-tool", "lookup order!")
    assert run.code == 2 and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "bad tool policy" in run.stderr and "Traceback" not in run.stderr


def test_a_team_keeps_its_session_while_it_delegates() -> None:
    """tests/agents/team.py keeps history (add_history_to_context): delegating by default must not make its
    session look lost; tests/agents/tools.py's team keeps none, and is found."""
    for spec, expected in (("tests.agents.team:team", "pass"), ("tests.agents.tools:team", "fail")):
        report = readiness(spec, only=["reliability.session_continuity"])
        verdict = result(report, "reliability.session_continuity")
        assert verdict.status == expected, (spec, verdict)


def test_a_tool_that_needs_the_network_is_refused_and_reported_not_exercised(monkeypatch, _calls) -> None:  # noqa: ANN001
    """127.0.0.2 made "outside" by the egress policy, with a listener there that must see no connection."""
    import ipaddress
    import socket

    from agno_check.targets import egress

    listener = socket.socket()
    listener.bind(("127.0.0.2", 0))
    listener.listen(4)
    listener.settimeout(0.1)
    monkeypatch.setattr(egress, "DEFAULT_ALLOWED_NETWORKS",
                        (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")))
    monkeypatch.setenv("OUTSIDE_URL", f"http://127.0.0.2:{listener.getsockname()[1]}")
    try:
        report = readiness("tests.agents.tools:online", exercise_tools="all", only=["reliability.tool_errors"])
        with pytest.raises(OSError):
            listener.accept()  # nothing reached the "outside" address
    finally:
        listener.close()
    errors = result(report, "reliability.tool_errors")
    assert errors.status == "pass", errors  # lookup_order is sound; fetch_rates is not judged
    assert "not exercised, they need the network (refused by the egress guard): fetch_rates (127.0.0.2" \
        in errors.detail
    assert errors.evidence["not_exercised_needs_network"][0]["tool"] == "fetch_rates"
    assert ("fetch_rates", {"currency": "sample"}) in _calls  # it ran, and was refused at the socket

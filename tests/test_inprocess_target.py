"""In-process targets: import by spec, the report a user gets, bad specs, and nothing leaking past the run."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import check_of, run_cli, validate_readiness
from tests.readiness_helpers import readiness, result, statuses

AGENT_LEVEL = ("configuration.storage_configured", "configuration.storage_reachable", "configuration.model_timeout",
               "configuration.debug_mode_off", "configuration.telemetry_explicit", "configuration.required_env",
               "reliability.retries_configured", "performance.instantiation", "performance.memory_growth")
#: keeps the CLI run short: the bursts and the long measurements have tests of their own
SLOW = "security,reliability.backpressure,reliability.upstream_faults,performance.memory_growth"


def test_cli_file_spec_report_has_the_url_report_shape_and_the_agent_checks() -> None:
    run = run_cli("readiness", "tests/agents/basic.py:agent", "--format", "json", "--samples", "2",
                  "--concurrency", "2", "--skip", SLOW)
    report = run.json()  # stdout is the JSON document alone, though agno and the agent ran in this process
    validate_readiness(report)
    assert report["profile"] == report["protocol"] == "inprocess"
    assert report["target"] == "tests/agents/basic.py:agent"
    assert run.code == (0 if report["gate"]["passed"] else 1)
    ids = {c["id"] for c in report["checks"]}
    assert {"configuration.health_endpoint", "performance.latency", "performance.ttft"} <= ids  # live-URL checks
    for check_id in ("configuration.storage_configured", "configuration.storage_reachable",
                     "reliability.retries_configured", "configuration.model_timeout",
                     "configuration.debug_mode_off", "performance.instantiation"):
        assert check_of(report, check_id)["status"] == "pass", check_of(report, check_id)
    assert check_of(report, "performance.latency")["status"] == "pass"
    assert any("simulated LLM" in note for note in report["notes"])


@pytest.mark.parametrize(("spec", "expected"), [
    ("tests.agents.nowhere:agent", "no module named 'tests.agents.nowhere'"),
    ("tests.agents.basic:nope", "has no attribute 'nope' (agno Agent/Team/Workflow objects in it: agent, draft_agent"),
    ("tests.agents.broken:agent", "importing 'tests.agents.broken' failed: RuntimeError: DATABASE_URL is not set"),
    ("tests.agents.basic:not_an_agent", "is a builtins.dict, not an agno Agent, Team or Workflow"),
    ("tests/agents/missing.py:agent", "no such file 'tests/agents/missing.py'"),
])
def test_bad_spec_is_one_line_and_exit_2(spec: str, expected: str) -> None:
    run = run_cli("readiness", spec, "--format", "json")
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert expected in lines[0]
    assert "Traceback" not in run.stderr and "second line" not in run.stderr
    assert run.stdout == ""


def test_standalone_file_spec_imports_its_sibling_modules(tmp_path: Path) -> None:
    (tmp_path / "settings_mod.py").write_text("TIMEOUT = 15.0\n")
    (tmp_path / "my_app.py").write_text(textwrap.dedent("""
        from agno.agent import Agent
        from agno.models.openai import OpenAIChat
        from settings_mod import TIMEOUT

        print("importing my_app")  # must not reach stdout's report
        support = Agent(id="standalone", model=OpenAIChat(id="gpt-4o-mini", timeout=TIMEOUT), telemetry=False)
    """))
    report = readiness(f"{tmp_path}/my_app.py:support", only=["configuration.model_timeout"])
    assert report.profile == "inprocess"
    check = result(report, "configuration.model_timeout")
    assert check.status == "pass" and "15 s" in check.detail


def test_the_users_objects_and_the_process_are_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.agents.basic import draft_agent, responses_agent

    monkeypatch.setenv("OS_SECURITY_KEY", "a-real-looking-key-123456")
    monkeypatch.setenv("AGNO_TELEMETRY", "true")
    model = draft_agent.model
    before = (model.client, model.async_client, model.base_url, model.api_key, model.http_client)
    declared_responses_model = responses_agent.model
    stdout = sys.stdout
    for spec in ("tests.agents.basic:draft_agent", "tests.agents.basic:responses_agent"):
        report = readiness(spec, only=["configuration.debug_mode_off"])
        assert report.checks[0].status in ("pass", "fail")
    assert draft_agent.model is model
    assert (model.client, model.async_client, model.base_url, model.api_key, model.http_client) == before
    assert draft_agent.telemetry is True and draft_agent.store_events is False
    assert responses_agent.model is declared_responses_model
    assert type(responses_agent.model).__name__ == "OpenAIResponses"
    assert os.environ["OS_SECURITY_KEY"] == "a-real-looking-key-123456"
    assert os.environ["AGNO_TELEMETRY"] == "true"
    assert sys.stdout is stdout


def test_responses_models_run_on_the_simulated_llm_through_their_own_client() -> None:
    """``"openai:gpt-4o"`` is an OpenAIResponses: it keeps its class and calls the simulator's /v1/responses."""
    from agno_check.settings import ReadinessSettings, load_settings
    from agno_check.targets.opening import open_target

    async def go() -> tuple[list, int, list[str]]:
        settings = load_settings(ReadinessSettings, {"target": "tests.agents.basic:responses_agent"}, "readiness")
        async with open_target(settings) as opened:
            turn = await opened.target.run("hello", "agno-check-sim-only", False)
            assert turn.ok, turn.failure_reason()
            info = opened.inprocess
            model = opened.agent.model  # the declared model, aimed at the simulator for the run
            assert type(model).__name__ == "OpenAIResponses"
            urls = [str(model.get_async_client().base_url), str(model.get_client().base_url)]
            apis = [r["api"] for r in opened.sim.stats()["recent"]]
            return [(s.path, s.how) for s in info.models], apis, urls

    sites, apis, urls = asyncio.run(go())
    assert sites == [("agent.model", "sim")]
    assert apis and set(apis) == {"responses"}  # the turn above went to the simulator's Responses API
    assert all(url.startswith("http://127.0.0.1:") for url in urls)


def test_live_model_keeps_the_declared_model(sim) -> None:  # noqa: ANN001 - the conftest fixture
    """``--live-model``: no redirection (here the "real" model is the session's simulator on loopback)."""
    from agno.agent import Agent
    from agno.models.openai import OpenAIChat

    import tests.agents.basic as module

    module.live_agent = Agent(id="live", telemetry=False, model=OpenAIChat(
        id="sim", base_url=sim.openai_base_url, api_key="sim-key", timeout=10.0, max_retries=1))
    try:
        served_before = sim.stats()["requests"]
        report = readiness("tests.agents.basic:live_agent", live_model=True,
                           only=["performance.memory_growth", "configuration.model_timeout"])
        assert sim.stats()["requests"] > served_before  # the preflight went to the declared base_url
    finally:
        del module.live_agent
    assert result(report, "performance.memory_growth").status == "skip"
    assert "--live-model" in result(report, "performance.memory_growth").detail
    assert result(report, "configuration.model_timeout").status == "pass"
    assert any("--live-model" in note for note in report.notes)


def test_url_targets_skip_the_agent_level_checks_without_counting_them(sim, serve) -> None:  # noqa: ANN001
    from tests.refs.agentos_app import create_agentos_app

    url = serve(create_agentos_app(sim.openai_base_url)).url
    report = readiness(url, only=["configuration.health_endpoint", *AGENT_LEVEL])
    found = statuses(report)
    assert found["configuration.health_endpoint"] == "pass"
    for check_id in AGENT_LEVEL:
        assert found[check_id] == "skip"
        assert "module:agent" in result(report, check_id).detail
    configuration = report.categories["configuration"]
    assert configuration.skipped == 6 and configuration.passed == 1 and configuration.score == 100.0
    assert report.score == 100.0 and report.gate.passed


def test_agno_default_model_runs_on_the_simulator_and_stays_unset(tmp_path: Path) -> None:
    """No model: agno would create OpenAIResponses (the network) at run time; agno's default model class runs
    on the simulator instead (no stand-in), and the user's object keeps no model."""
    (tmp_path / "bare_team.py").write_text(textwrap.dedent("""
        from agno.agent import Agent
        from agno.team import Team

        team = Team(id="bare", members=[Agent(name="helper")], telemetry=False)
    """))
    report = readiness(f"{tmp_path}/bare_team.py:team", only=["configuration.model_timeout", "performance.latency"],
                       samples=2)
    check = result(report, "configuration.model_timeout")
    assert check.status == "fail" and "team.model agno's default OpenAIResponses" in check.detail
    assert check.detail.count("team.model") == 1  # the run's model is not judged as a declared model
    assert result(report, "performance.latency").status == "pass"  # the runs reached the simulated LLM
    assert any("simulated LLM" in note and "agno's default" in note for note in report.notes)
    assert not any("stand-in" in note for note in report.notes)
    module = sys.modules["bare_team"]
    assert module.team.model is None and module.team.members[0].model is None


def test_a_module_that_hangs_at_import_is_exit_2_within_the_run_bound(tmp_path: Path) -> None:
    import time

    (tmp_path / "hangs.py").write_text("import time\nwhile True:\n    time.sleep(0.5)\nagent = None\n")
    started = time.monotonic()
    result = run_cli("readiness", "hangs.py:agent", "--max-time", "3", cwd=str(tmp_path), timeout=120)
    assert result.code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "did not finish within 3 s" in lines[0], result.stderr
    assert time.monotonic() - started < 60  # bounded by --max-time, not by the module


def test_an_agno_outside_the_supported_range_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A fake ``agno-2.9.0.dist-info`` first on the path: importlib.metadata reports agno 2.9.0, as it would
    for a user whose own pin won."""
    info = tmp_path / "agno-2.9.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: agno\nVersion: 2.9.0\n")
    root = str(Path(__file__).resolve().parents[1])
    run = run_cli("readiness", "tests/agents/basic.py:agent", env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{root}"})
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "agno 2.9.0 is installed; agno-check supports agno>=3.0,<4" in lines[0], run.stderr


def test_a_provider_speaking_neither_api_gets_a_stand_in_named_in_the_report(tmp_path: Path) -> None:
    """A model class of the user's own (as for Claude or Gemini): neither chat completions nor Responses, so the
    runs use an OpenAIChat stand-in with its timeout and retries, and the report names it."""
    (tmp_path / "own_provider.py").write_text(textwrap.dedent("""
        from dataclasses import dataclass

        from agno.agent import Agent
        from agno.models.base import Model


        @dataclass
        class HouseModel(Model):
            id: str = "house-1"
            name: str = "HouseModel"
            provider: str = "House"
            timeout: float = 15.0
            max_retries: int = 1

            def invoke(self, *a, **k): raise RuntimeError("the real provider must not be called")
            async def ainvoke(self, *a, **k): raise RuntimeError("the real provider must not be called")
            def invoke_stream(self, *a, **k): raise RuntimeError("the real provider must not be called")
            async def ainvoke_stream(self, *a, **k): raise RuntimeError("the real provider must not be called")
            def _parse_provider_response(self, *a, **k): raise RuntimeError("unused")
            def _parse_provider_response_delta(self, *a, **k): raise RuntimeError("unused")


        agent = Agent(id="house", model=HouseModel(), telemetry=False)
    """))
    report = readiness(f"{tmp_path}/own_provider.py:agent", only=["performance.latency"], samples=2)
    assert result(report, "performance.latency").status == "pass"  # the stand-in answered every run
    note = next(n for n in report.notes if "stand-in" in n)
    assert "agent.model: HouseModel(id='house-1')" in note

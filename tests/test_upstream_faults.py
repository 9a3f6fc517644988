"""reliability.upstream_faults: real AgentOS agents on the simulated LLM, faults injected through --sim-control.

Each agent is a real agno Agent served by a real AgentOS over loopback; the check drives the simulator's
control API over HTTP (``SimControl``), as it would for a staging agent talking to ``agno-check sim-llm``.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import check_of, validate_readiness

CHECK = "reliability.upstream_faults"


def agentos_with(model_url: str, tmp_path, serve, **model_options) -> str:
    from agno.models.openai import OpenAIChat

    from tests.refs.agentos_app import create_agentos_app

    model = OpenAIChat(id="sim", base_url=model_url, api_key="sim-key", **model_options)
    return serve(create_agentos_app(model_url, tmp_path / "agent.db", model=model)).url


def run_check(cli, url: str, *extra: str) -> tuple[int, dict, dict]:
    result = cli("readiness", url, "--only", CHECK, "--format", "json", "--fail-on", "high", *extra, timeout=120)
    assert result.stdout, result.stderr
    report = result.json()
    validate_readiness(report)
    return result.code, report, check_of(report, CHECK)


def verdicts(check: dict) -> dict[str, str]:
    return {probe["fault"]: probe["verdict"] for probe in check["evidence"]["probes"]}


def faults_in_force(sim) -> list:
    return httpx.get(f"{sim.url}/_sim/faults", timeout=5, trust_env=False).json()["rules"]


def test_agent_without_retries_that_hides_the_error_in_a_200_fails(cli, fresh_sim, serve, tmp_path):
    url = agentos_with(fresh_sim.openai_base_url, tmp_path, serve, max_retries=0, timeout=2.0)
    code, report, check = run_check(cli, url, "--sim-control", fresh_sim.url)
    assert check["status"] == "fail", check
    assert verdicts(check) == {"model 429": "hidden error", "model 500": "hidden error",
                               "model timeout": "hidden error"}
    assert "error inside" in check["detail"]
    assert "502/503" in check["remediation"]
    assert code == 1 and f"{CHECK} (high) failed" in report["gate"]["reasons"]
    assert faults_in_force(fresh_sim) == []  # the check cleared its faults


def test_agent_with_retries_and_backoff_answers_after_transient_faults_and_passes(cli, fresh_sim, serve, tmp_path):
    url = agentos_with(fresh_sim.openai_base_url, tmp_path, serve, max_retries=2, timeout=2.0)
    code, _, check = run_check(cli, url, "--sim-control", fresh_sim.url)
    assert check["status"] == "pass", check
    assert set(verdicts(check).values()) == {"answered"}
    # the simulator saw the retry: the faulty request, then the one that answered
    assert all(probe["model_requests"] == 2 for probe in check["evidence"]["probes"])
    assert code == 0
    assert faults_in_force(fresh_sim) == []


def test_agent_whose_model_call_outlives_the_time_bound_fails_as_a_hang(cli, serve, fresh_sim, tmp_path):
    # fresh_sim after serve: it stops first, ending the hang, so the agent's server stops at once
    url = agentos_with(fresh_sim.openai_base_url, tmp_path, serve, max_retries=2, timeout=60.0)
    # the bound also times the positive control and the 429 probe (Retry-After 1 s, then a second model call):
    # 10 s is a 10x margin over a normal turn on a busy machine (~1 s); 3 s timed out the control under load
    _, _, check = run_check(cli, url, "--sim-control", fresh_sim.url, "--timeout", "10")
    assert check["status"] == "fail", check
    assert verdicts(check)["model timeout"] == "hang"
    assert verdicts(check)["model 429"] == verdicts(check)["model 500"] == "answered"  # only the hang is bad
    assert "within 10 s" in check["detail"]
    assert "timeout" in check["remediation"]


def test_service_that_answers_a_failed_model_call_with_a_clean_503_passes(cli):
    """No retries, but honest: the hardened demo service with a model that never retries answers 503."""
    from agno_check.demo.config import DemoConfig, ModelPolicy
    from agno_check.demo.stack import DemoStack

    config = DemoConfig(model=ModelPolicy(timeout_s=2.0, max_retries=0))
    with DemoStack(config=config) as stack:
        _, _, check = run_check(cli, stack.url, "--token", stack.token, "--sim-control", stack.sim.url)
    assert check["status"] == "pass", check
    assert set(verdicts(check).values()) == {"clean error"}
    assert {probe["status_code"] for probe in check["evidence"]["probes"]} == {503}


def test_without_a_controllable_upstream_the_check_skips_and_says_why(cli, sim, serve, tmp_path):
    url = agentos_with(sim.openai_base_url, tmp_path, serve, max_retries=2, timeout=2.0)
    _, report, check = run_check(cli, url)
    assert check["status"] == "skip"
    assert "--sim-control" in check["detail"]


def test_a_sim_the_agent_does_not_use_is_an_error_not_a_verdict(cli, sim, fresh_sim, serve, tmp_path):
    url = agentos_with(sim.openai_base_url, tmp_path, serve, max_retries=0, timeout=2.0)
    _, _, check = run_check(cli, url, "--sim-control", fresh_sim.url)
    assert check["status"] == "error", check
    assert "no injected fault reached the agent" in check["detail"]
    assert faults_in_force(fresh_sim) == []


@pytest.mark.parametrize("value", ["not a url", "ftp://127.0.0.1:8900"])
def test_a_bad_sim_control_url_is_exit_2_in_one_line(cli, sim, serve, tmp_path, value):
    url = agentos_with(sim.openai_base_url, tmp_path, serve, max_retries=0, timeout=2.0)
    result = cli("readiness", url, "--only", CHECK, "--sim-control", value)
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0 and "--sim-control" in result.stderr


def test_fault_injection_leaves_a_users_own_fault_profile_as_it_was(fresh_sim):
    import asyncio

    from agno_check.targets.sim_control import SimControl, faults_restored

    fresh_sim.set_faults("503:next=4", "429:0.1")
    before = fresh_sim.faults()

    async def inject(sim) -> None:
        async with faults_restored(sim):
            await asyncio.to_thread(sim.set_faults, kind="500", next=1)
            assert [r["kind"] for r in (await asyncio.to_thread(sim.faults))["rules"]] == ["500"]

    asyncio.run(inject(fresh_sim))
    assert fresh_sim.faults()["rules"] == before["rules"]
    asyncio.run(inject(SimControl(fresh_sim.url)))  # the same through --sim-control's client
    assert fresh_sim.faults()["rules"] == before["rules"]
    fresh_sim.clear_faults()
    asyncio.run(inject(fresh_sim))
    assert fresh_sim.faults()["rules"] == []  # no profile before: none after

"""A dead agent never passes: no usable first answer is exit 2 with what came back; an agent that stops
answering after the preflight gets ``error`` where a verdict needed answers, and the default gate fails.

Real parts: a real AgentOS around a real agno Agent whose model upstream is a closed loopback port, the real
CLI in a subprocess, and the simulated model made to fail every request after the first.
"""

from __future__ import annotations

import os

from agno_check.sim.server import SimServer
from tests.conftest import check_of, run_cli, validate_readiness
from tests.upstream import closed_port_url, fail_after_first_request


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("agno-check: profile:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_agentos_whose_model_is_down_is_exit_2_saying_what_came_back(serve, tmp_path):
    from tests.refs.agentos_app import create_agentos_app

    url = serve(create_agentos_app(closed_port_url(), tmp_path / "agent.db")).url
    readiness = run_cli("readiness", url, "--timeout", "10", timeout=120)
    load = run_cli("load", url, "--users", "1", "--duration", "2s", "--quiet", timeout=120)
    assert readiness.code == 2 and not readiness.stdout  # no report, and certainly no "gate PASSED"
    line = one_line(readiness.stderr)
    assert "the agent answered HTTP 200 with status ERROR: 'Connection error.' -- is its model reachable?" in line
    assert "POST /agents/helpdesk/runs" in line
    # load's probe turn is judged the same way
    assert load.code == 2
    assert "the agent answered HTTP 200 with status ERROR: 'Connection error.'" in one_line(load.stderr)


def test_in_process_live_model_with_no_reachable_provider_is_exit_2():
    env = {**os.environ, "DEAD_MODEL_URL": closed_port_url()}
    result = run_cli("readiness", "tests/agents/dead.py:agent", "--live-model", "--timeout", "10", env=env,
                     timeout=180)
    assert result.code == 2, result.stdout[-2000:]
    assert not result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("agno-check:")
              and "answered HTTP 200 with status ERROR" in line]
    assert errors and "'Connection error.' -- is its model reachable?" in errors[-1], result.stderr[-2000:]


def test_agent_that_stops_answering_after_the_preflight_gets_errors_and_the_default_gate_fails(serve, tmp_path):
    from tests.refs.agentos_app import create_agentos_app

    with SimServer(latency={"ttft": "1s", "tps": 5000, "output_tokens": 8}, seed=3) as sim:
        url = serve(create_agentos_app(sim.openai_base_url, tmp_path / "agent.db")).url
        watcher = fail_after_first_request(sim)
        only = ("performance.latency,performance.concurrency,reliability.session_continuity,"
                "performance.health_under_load")
        result = run_cli("readiness", url, "--only", only, "--samples", "3", "--concurrency", "3",
                         "--format", "json", timeout=180)
        watcher.join(timeout=5)
        assert sim.stats(0)["requests"] > 1
    report = result.json()
    validate_readiness(report)
    latency = check_of(report, "performance.latency")  # the check says so itself
    assert latency["status"] == "error" and "none of 3 runs succeeded" in latency["detail"], latency
    concurrency = check_of(report, "performance.concurrency")
    assert concurrency["status"] == "error" and "no successful sequential run" in concurrency["detail"]
    continuity = check_of(report, "reliability.session_continuity")
    assert continuity["status"] == "error" and "the first turn failed" in continuity["detail"], continuity
    # health stays fast while the runs fail fast: a pass on its own figures, withheld by the runner
    health = check_of(report, "performance.health_under_load")
    assert health["status"] == "error", health
    assert "failed, so there is nothing to judge" in health["detail"], health
    assert "agent error inside HTTP 200" in health["detail"] and health["evidence"]["answered"] == 0
    assert health["evidence"]["withheld_status"] in ("pass", "warn", "fail")
    assert result.code == 1  # the default --fail-on high fails on the high checks that could not run
    assert "performance.latency (high) could not run" in report["gate"]["reasons"]
    assert report["gate"]["fail_on"] == "high"

"""The ``scenarios/`` Locust files (under plain ``locust`` and under ``agno-check load --scenario``), and the
readiness check backed by the load engine (``--load-users``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from agno_check.serve import BackgroundServer
from agno_check.sim.server import SimServer
from tests.conftest import ROOT, check_of, run_cli, validate_load, validate_readiness
from tests.refs.agentos_app import create_agentos_app
from tests.refs.counting_app import CountingApp

SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    """One simulated model (OpenAI-compatible), a real AgentOS on it, and a seed-style JSON service."""
    with SimServer(latency={"ttft": "20ms", "tps": 2000, "output_tokens": 10}, seed=2) as sim:
        app = create_agentos_app(sim.openai_base_url, db_file=tmp_path_factory.mktemp("os") / "agno.db")
        counting = CountingApp()
        with BackgroundServer(app) as agentos, BackgroundServer(counting) as seed:
            yield {"agentos": agentos.url, "openai": sim.url, "json": seed.url, "counting": counting}


def test_every_scenario_runs_under_plain_locust(targets):
    hosts = {"agentos_chat.py": targets["agentos"], "multi_turn.py": targets["agentos"],
             "openai_streaming.py": targets["openai"], "seed_query.py": targets["json"]}
    assert {p.name for p in SCENARIOS.glob("*.py")} == set(hosts)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGNO_CHECK_")}
    env["THINK_TIME"] = "0.1-0.2"
    runs = {name: subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(SCENARIOS / name), "--headless", "-u", "2", "-r", "2", "-t", "3s",
         "--host", host, "--json", "--only-summary"],
        cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, host in hosts.items()}  # concurrently: four scenarios, one wait
    for name, process in runs.items():
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, f"{name}: {err[-1500:]}"
        entries = {(e["method"], e["name"]): e for e in json.loads(out)}
        turns = [e for (method, _), e in entries.items() if method == "POST"]
        assert turns and turns[0]["num_requests"] > 0 and turns[0]["num_failures"] == 0, (name, entries.keys())
        streamed = name != "seed_query.py"
        assert any(method == "TTFT" for method, _ in entries) is streamed, name


def test_agno_check_runs_a_scenario_with_its_report_and_gate(targets, tmp_path):
    result = run_cli("load", targets["openai"], "--scenario", str(SCENARIOS / "openai_streaming.py"),
                     "--users", "2", "--duration", "2s", "--slo", "ttft_p95<5000,error_rate<0.01",
                     "--format", "json", "--quiet", timeout=90)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    assert report["profile"] == report["protocol"] == "scenario" and report["stream"] is True
    assert report["requests"] > 0 and report["ttft_ms"] is not None
    assert all(v["passed"] for v in report["slo"])


def test_a_scenario_with_its_own_users_and_shape_counts_plain_requests(targets, tmp_path):
    counting: CountingApp = targets["counting"]
    counting.reset()
    locustfile = tmp_path / "own.py"
    locustfile.write_text(
        "from locust import FastHttpUser, LoadTestShape, task\n\n"
        "class Plain(FastHttpUser):\n"
        "    @task\n"
        "    def ask(self):\n"
        "        self.client.post('/query', json={'message': 'hi'})\n\n"
        "class TwoSteps(LoadTestShape):\n"
        "    def tick(self):\n"
        "        t = self.get_run_time()\n"
        "        return (1, 1) if t < 1 else (3, 3) if t < 2 else None\n")
    result = run_cli("load", targets["json"], "--scenario", str(locustfile), "--duration", "30s", "--format", "json",
                     "--quiet", timeout=90)
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["requests"] == counting.served > 0
    assert report["duration_s"] < 25  # the shape ended the run (2 s), not --duration (30 s)
    assert report["users"] == 3


def test_a_scenario_file_that_does_not_import_is_exit_2(targets, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import nonexistent_module_xyz\n")
    result = run_cli("load", targets["json"], "--scenario", str(broken), timeout=60)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "broken.py" in result.stderr


@pytest.mark.parametrize("slo, status", [("p95<5000", "pass"), ("p95<1", "fail")])
def test_readiness_load_users_adds_a_load_slo_check(targets, slo, status):
    result = run_cli("readiness", targets["agentos"], "--only", "performance.load_slo", "--load-users", "3",
                     "--load-duration", "2s", "--slo", slo, "--fail-on", "high", "--format", "json", timeout=120)
    report = result.json()
    validate_readiness(report)
    check = check_of(report, "performance.load_slo")
    assert check["status"] == status, check
    assert check["evidence"]["requests"] > 0 and check["evidence"]["users"] == 3
    assert result.code == (0 if status == "pass" else 1)


def test_readiness_without_load_users_skips_the_load_check(targets):
    result = run_cli("readiness", targets["json"], "--only", "performance.load_slo", "--profile", "json",
                     "--format", "json", timeout=60)
    check = check_of(result.json(), "performance.load_slo")
    assert check["status"] == "skip" and "--load-users" in check["detail"]

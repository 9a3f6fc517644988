"""Load models and distribution: ``--workers 2`` (Locust master + local worker processes), ``--rate`` (open
model), ``--stages`` (ramps), ``--find-max`` (the highest load that holds an SLO)."""

from __future__ import annotations

import pytest

from agno_check.sim.server import SimServer
from tests.conftest import run_cli, validate_load
from tests.refs.counting_app import CountingApp


def load(*args: str):
    return run_cli("load", *args, "--format", "json", "--quiet", timeout=120)


def test_two_workers_totals_and_agent_metrics_match_the_server():
    with SimServer(latency={"ttft": "20ms", "tps": 2000, "output_tokens": 12}, seed=9) as sim:
        result = load(sim.url, "--users", "4", "--duration", "3s", "--workers", "2", "--stream",
                      "--slo", "ttft_p95<5000")
        stats = sim.stats(0)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    assert report["workers"] == 2
    # every turn of both workers reached the master: the model's count, less the CLI's probe turn
    assert report["requests"] == stats["requests"] - 1 > 20
    assert report["failures"] == 0
    # custom metrics (TTFT, tokens) merge across workers exactly like requests
    assert report["output_tokens"] == stats["tokens_out"] - 12 == 12 * report["requests"]
    assert report["ttft_ms"]["p50"] >= 20.0 and report["slo"][0]["passed"] is True
    assert len(report["timeline"]) >= 2 and all("t_s" in p for p in report["timeline"])
    assert max(p["users"] for p in report["timeline"]) == 4


def test_multi_turn_sessions_grow_the_history_then_start_over():
    with SimServer(latency={"ttft": "5ms", "tps": 5000, "output_tokens": 5}, seed=4) as sim:
        result = load(sim.url, "--users", "2", "--duration", "2s", "--turns", "3", "--think-time", "0.01-0.03s")
        records = sim.stats(1000)["recent"]
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["settings"]["turns"] == 3 and report["requests"] > 6
    sizes = [len(r["messages"]) for r in records[1:]]  # the first record is the probe turn
    # OpenAI-compatible APIs are stateless: each turn carries the conversation so far (1, 3, 5 messages), then a
    # new conversation starts
    assert set(sizes) == {1, 3, 5}
    assert sizes.count(1) >= sizes.count(5) >= 1


def test_open_model_starts_turns_at_the_rate_whatever_the_latency(serve):
    app = CountingApp(delay_s=0.2)  # 5 users could make only 25 closed-loop turns a second
    url = serve(app).url
    result = load(url, "--profile", "json", "--rate", "40", "--users", "20", "--duration", "2s")
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    assert report["open_model"]["arrivals"] == report["requests"] == app.served
    assert 70 <= report["requests"] <= 90  # 40/s for 2 s
    assert report["open_model"]["late_arrivals"] == 0
    assert report["latency_ms"]["p50"] >= 200.0


def test_open_model_counts_late_arrivals_when_every_slot_is_busy(serve):
    app = CountingApp(delay_s=0.3)
    url = serve(app).url
    result = load(url, "--profile", "json", "--rate", "40", "--users", "2", "--duration", "2s")
    report = result.json()
    assert result.code == 0, result.stderr
    assert report["open_model"]["late_arrivals"] > 0
    # a late turn's wait counts: latency is from the intended start, so it is far over the 300 ms service time
    assert report["latency_ms"]["p95"] > 600
    assert any("late" in note for note in report["notes"])


def test_stages_ramp_users_and_end_the_run(serve):
    app = CountingApp(delay_s=0.02)
    url = serve(app).url
    result = load(url, "--profile", "json", "--stages", "2s:4,1s:4,1s:0")
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    users = [p["users"] for p in report["timeline"]]
    assert users[0] < 4 and max(users) == 4 and report["users"] == 4
    assert 3.5 <= report["duration_s"] < 40  # the stages end the run (4 s), not a default duration
    assert report["requests"] == app.served > 0


def test_find_max_reports_the_highest_load_that_held(serve):
    app = CountingApp(delay_s=0.03, serial=True)  # one at a time: latency ~ users x 30 ms
    url = serve(app).url
    result = load(url, "--profile", "json", "--find-max", "--users", "1", "--max-users", "16",
                  "--step-duration", "1s", "--slo", "p95<100")
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    steps = report["find_max"]["steps"]
    held = [s["users"] for s in steps if s["held"]]
    broken = [s["users"] for s in steps if not s["held"]]
    assert held and broken
    assert max(held) < min(broken)
    assert report["find_max"]["max_users"] == max(held)
    assert 1 in held  # one user: about 30 ms
    assert min(broken) <= 4  # four users queue behind each other: at least 4 x 30 ms = 120 ms
    assert report["slo"][0]["passed"] is True and report["slo"][0]["observed"] < 100


@pytest.mark.parametrize("args", [["--workers", "2", "--master"], ["--expect-workers", "2"],
                                  ["--worker"], ["--rate", "5", "--turns", "3"]])
def test_distribution_options_that_cannot_work_together_are_exit_2(args):
    result = run_cli("load", "http://127.0.0.1:9", *args, timeout=30)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1

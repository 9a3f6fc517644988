"""The load options of issue 14 against real servers over loopback: the counting app (exact server-side counts),
the simulated model (tokens it was asked for and sent) and AgentOS. Each run is a few users for a few seconds.

What a user checks is what is asserted: the counts the server saw, the per-request file line by line, the gate's
exit code and the reason it names.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from agno_check.sim.server import SimServer
from tests.conftest import ROOT, run_cli, validate_load
from tests.refs.counting_app import CountingApp

STREAM_MODEL = {"ttft": "30ms", "tps": 1000, "output_tokens": 12}


@pytest.fixture(scope="module")
def stream_sim():
    with SimServer(latency=STREAM_MODEL, seed=9) as server:
        yield server


def load(*args: str, timeout: float = 90.0):
    return run_cli("load", *args, "--quiet", timeout=timeout)


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# --- workload control ----------------------------------------------------------------------------------------


def test_output_and_input_tokens_reach_the_model_and_it_honours_them(stream_sim):
    stream_sim.reset()
    result = load(stream_sim.url, "--users", "2", "--duration", "2s", "--stream", "--output-tokens", "5",
                  "--input-tokens", "40", "--prompt-seed", "3", "--format", "json")
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    # the model was asked for 5 tokens (max_tokens) and sent 5 per answer; the probe turn asked for nothing
    assert report["output_tokens"] == 5 * report["requests"] > 0
    stats = stream_sim.stats(recent=5)
    assert stats["tokens_out"] == 5 * report["requests"] + STREAM_MODEL["output_tokens"]
    last_prompts = [r["messages"][-1]["content"] for r in stats["recent"]]
    assert all(len(p.split()) == 40 for p in last_prompts), last_prompts  # synthetic prompts of 40 words
    assert report["settings"]["input_tokens"] == 40 and report["settings"]["output_tokens"] == 5


def test_output_tokens_is_refused_where_the_protocol_has_no_such_field(serve):
    app = CountingApp()
    result = load(serve(app).url, "--profile", "json", "--output-tokens", "5", "--duration", "1s")
    assert result.code == 2
    assert "--output-tokens" in result.stderr and "json profile" in result.stderr
    assert "Traceback" not in result.stderr
    assert app.served == 0  # refused before any load


def test_spawn_rate_all_and_the_probe_are_in_the_report(serve):
    app = CountingApp()
    result = load(serve(app).url, "--profile", "json", "--users", "3", "--spawn-rate", "all", "--duration", "1s",
                  "--format", "json")
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["start_up"] == "all 3 users at once (one batch at the start)"
    assert report["spawn_rate"] == 3.0
    # the server saw the load's requests plus the probe turn, and the report says so
    assert report["probe"]["requests"] == app.probes == 1 and report["probe"]["ok"] is True
    assert "requests + 1" in report["probe"]["note"]
    assert report["requests"] == app.served
    paced = load(serve(CountingApp()).url, "--profile", "json", "--users", "3", "--spawn-rate", "2",
                 "--duration", "2s", "--format", "json")
    assert paced.code == 0, paced.stderr
    assert paced.json()["start_up"] == "2 users/s (3 users over 1.5 s)" and paced.json()["spawn_rate"] == 2.0
    bad = load(serve(CountingApp()).url, "--spawn-rate", "fast")
    assert bad.code == 2 and "--spawn-rate" in bad.stderr


# --- metrics ------------------------------------------------------------------------------------------------------


def test_warmup_requests_are_sent_but_left_out_of_every_metric(serve, tmp_path):
    app = CountingApp(delay_s=0.01)
    lines_file = tmp_path / "requests.jsonl"
    result = load(serve(app).url, "--profile", "json", "--users", "2", "--warmup", "1s", "--duration", "2s",
                  "--requests-out", str(lines_file), "--format", "json")
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    lines = read_lines(lines_file)
    warm = [line for line in lines if line.get("warmup")]
    assert report["warmup_s"] == 1.0
    assert report["warmup_requests"] == len(warm) > 0
    assert report["requests"] + report["warmup_requests"] == app.served == len(lines)
    # warm-up is by start time: every left-out request started in the first second, every counted one after it
    assert max(line["start_s"] for line in warm) < 1.0
    assert min(line["start_s"] for line in lines if not line.get("warmup")) >= 0.99
    assert report["duration_s"] == pytest.approx(2.0, abs=0.5)  # the measured window, after the warm-up
    assert report["rps"] == pytest.approx(report["requests"] / report["duration_s"], rel=0.01)


def test_a_warmup_line_always_starts_before_the_warmup_ends():
    """The warm-up cut and a line's start_s come from one clock and start_s is rounded down, so a request that
    started 40 us before the cut is marked warmup with start_s under 1.0 (it read 1.0, rounded, with the cut on
    perf_counter and start_s on the wall clock), and one that started at the cut is counted."""
    from types import SimpleNamespace

    from agno_check.load.listeners import Collector  # not the users module: it imports Locust, which patches
    # this process with gevent and breaks the threaded servers of the tests after this one

    class Lines(list):
        write = list.append

    collector = Collector("local")
    collector.configure(warmup_s=1.0, requests_out=Lines())
    collector.begin_window()
    for offset in (0.99996, 1.0):  # the fields of a load user's TurnResult that the collector reads
        turn = SimpleNamespace(started=collector.origin + offset, latency_ms=5.0, ttft_ms=None, output_tokens=None,
                               token_times_ms=[], status_code=200, user="u", session_id="s")
        collector.on_turn(turn, None)
    lines = [json.loads(line) for line in collector.requests_out]
    assert [line.get("warmup", False) for line in lines] == [True, False]
    assert lines[0]["start_s"] < 1.0 <= lines[1]["start_s"]
    assert collector.total.counters["warmup_requests"] == 1 and collector.total.requests == 1


def test_goodput_counts_the_requests_within_every_bound(serve, tmp_path):
    app = CountingApp(delay_s=0.02, every={"500": 4})
    lines_file = tmp_path / "requests.jsonl"
    result = load(serve(app).url, "--profile", "json", "--users", "3", "--duration", "2s",
                  "--goodput", "latency<25", "--slo", "goodput>0.99", "--requests-out", str(lines_file),
                  "--format", "json")
    report = result.json()
    validate_load(report)
    lines = read_lines(lines_file)
    assert len(lines) == app.served == report["requests"]
    # the file rounds latency to 0.01 ms: a request within 0.005 ms of the bound may fall on either side
    expected_good = sum(1 for line in lines if line["kind"] == "ok" and line["latency_ms"] < 24.995)
    borderline = sum(1 for line in lines if line["kind"] == "ok" and 24.995 <= line["latency_ms"] <= 25.005)
    goodput = report["goodput"]
    assert goodput["slo"] == ["latency<25"]
    assert expected_good <= goodput["good_requests"] <= expected_good + borderline
    assert goodput["fraction"] == pytest.approx(goodput["good_requests"] / report["requests"], abs=1e-5)
    assert goodput["per_s"] == pytest.approx(goodput["good_requests"] / report["duration_s"], rel=0.01)
    # every 4th request is a 500, so at most 75% can be good: the SLO fails and the gate says why
    assert goodput["fraction"] <= 0.76
    assert result.code == 1 and report["slo"][0]["passed"] is False
    assert any(r.startswith("goodput>0.99") for r in report["reasons"])


def test_goodput_slo_without_goodput_bounds_is_refused(serve):
    result = load(serve(CountingApp()).url, "--slo", "goodput>0.9", "--duration", "1s")
    assert result.code == 2 and "--goodput" in result.stderr


def test_streamed_metrics_ttst_itl_tails_and_gaps(stream_sim, tmp_path):
    lines_file = tmp_path / "requests.jsonl"
    result = load(stream_sim.url, "--users", "2", "--duration", "2s", "--stream", "--requests-out",
                  str(lines_file), "--requests-out-content", "--goodput", "ttft<5s,ttst<5s,itl<1000",
                  "--slo", "ttst_p95<5000,itl_p99<1000,goodput>0.9", "--format", "json")
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    # TTST is never before TTFT; ITL gains its tails; gaps are the raw chunk gaps (11 per 12-token answer)
    assert report["ttst_ms"]["p50"] >= report["ttft_ms"]["p50"] >= 30.0
    assert set(report["itl_ms"]) >= {"mean", "p50", "p90", "p95", "p99", "max"}
    assert report["itl_ms"]["max"] >= report["itl_ms"]["p99"] >= report["itl_ms"]["p90"]
    assert report["gap_ms"]["max"] >= report["itl_ms"]["max"]  # one raw gap is at least the largest mean gap
    assert report["goodput"]["good_requests"] == report["requests"] - report["failures"]
    lines = read_lines(lines_file)
    assert len(lines) == report["requests"]
    assert all(line["output_tokens"] == 12 and line["ttft_ms"] >= 30.0 for line in lines)
    assert all(line["prompt"] and line["content"] for line in lines)  # --requests-out-content


def test_requests_out_has_one_line_per_request_the_server_saw_and_no_credentials(serve, tmp_path):
    app = CountingApp(every={"500": 5, "echo_auth": 7})
    lines_file = tmp_path / "requests.jsonl"
    secret = "tok-requests-out-0123456789"
    result = load(serve(app).url, "--profile", "json", "--users", "3", "--duration", "2s", "--token", secret,
                  "--requests-out", str(lines_file), "--format", "json")
    report = result.json()
    assert result.code == 0, result.stderr
    text = lines_file.read_text()
    lines = read_lines(lines_file)
    assert len(lines) == app.served == report["requests"]
    assert Counter(line["session_id"] for line in lines) == Counter(app.sessions)
    assert Counter(line["kind"] for line in lines) == Counter(
        {"ok": app.by_kind["ok"], "HTTP 500": app.by_kind["500"] + app.by_kind["echo_auth"]})
    assert set(lines[0]) >= {"start_s", "latency_ms", "ttft_ms", "output_tokens", "status", "kind", "user",
                             "session_id"}
    assert len({line["user"] for line in lines}) == 3
    # the server echoed the token in some 500s; neither the file nor the report nor the streams hold it
    assert app.by_kind["echo_auth"] > 0
    assert secret not in text and secret not in result.stdout and secret not in result.stderr
    assert "prompt" not in lines[0] and "content" not in lines[0]  # no text without --requests-out-content


# --- shapes and stopping --------------------------------------------------------------------------------------


def test_a_sweeps_per_step_counts_equal_the_servers(serve, tmp_path):
    app = CountingApp(delay_s=0.005)
    html = tmp_path / "sweep.html"
    result = load(serve(app).url, "--profile", "json", "--users", "1,3", "--duration", "1.5s", "--format", "json",
                  "--html", str(html))
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    steps = report["steps"]
    assert [s["users"] for s in steps] == [1, 3]
    per_step = Counter(re.match(r"agno-check-load-s(\d+)-", s).group(1) for s in app.sessions)
    assert [s["requests"] for s in steps] == [per_step["0"], per_step["1"]]
    assert all(s["requests"] > 0 for s in steps)
    # the top level describes the last step
    assert report["users"] == 3 and report["requests"] == steps[-1]["requests"]
    assert report["latency_ms"] == steps[-1]["latency_ms"]
    page = html.read_text()
    assert "Latency and TTFT against load" in page and "3 users" in page


def test_a_rate_sweep_runs_each_arrival_rate(serve, tmp_path):
    app = CountingApp(delay_s=0.3)  # arrivals overlap: several turns in flight on one dispatcher
    lines_file = tmp_path / "requests.jsonl"
    result = load(serve(app).url, "--profile", "json", "--rate", "4,8", "--users", "5", "--duration", "2s",
                  "--requests-out", str(lines_file), "--format", "json")
    assert result.code == 0, result.stderr
    steps = result.json()["steps"]
    # each line names its own turn's session, even with turns of one dispatcher overlapping
    assert Counter(line["session_id"] for line in read_lines(lines_file)) == Counter(app.sessions)
    assert [s["rate"] for s in steps] == [4.0, 8.0]
    per_step = Counter(re.match(r"agno-check-load-s(\d+)-", s).group(1) for s in app.sessions)
    assert [s["requests"] for s in steps] == [per_step["0"], per_step["1"]]
    assert Counter(line["step"] for line in read_lines(lines_file)) == {0: per_step["0"], 1: per_step["1"]}
    # an open model: about rate x duration arrivals per step (the first at t=0)
    assert 6 <= steps[0]["requests"] <= 10 and 14 <= steps[1]["requests"] <= 18


def test_abort_on_stops_a_dying_target_within_grace_plus_two_seconds(serve, tmp_path):
    app = CountingApp(delay_s=0.005)
    server = serve(app)
    output = tmp_path / "report.json"
    grace = 2.0
    command = [sys.executable, "-m", "agno_check", "load", server.url, "--profile", "json", "--users", "2",
               "--duration", "60s", "--abort-on", "error_rate>0.5", "--abort-grace", f"{grace:g}s",
               "--format", "json", "--output", str(output), "--quiet"]
    proc = subprocess.Popen(command, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while app.served < 200 and time.monotonic() < deadline:  # the load is under way
            time.sleep(0.05)
        time.sleep(grace)  # past the grace period
        server.stop()
        killed = datetime.now().astimezone()
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    ended = datetime.now().astimezone()
    assert proc.returncode == 1, stderr
    report = json.loads(output.read_text())
    validate_load(report)
    aborted = report["aborted"]
    assert aborted["expr"] == "error_rate>0.5" and aborted["observed"] > 0.5
    killed_at = (killed - datetime.fromisoformat(str(report["started_at"]).replace("Z", "+00:00"))).total_seconds()
    assert killed_at >= grace
    assert aborted["at_s"] <= killed_at + 2.0, (aborted, killed_at)
    assert (ended - killed).total_seconds() < 20  # not the rest of the 60 s
    assert any(r.startswith("aborted: error_rate>0.5") for r in report["reasons"])
    assert report["passed"] is False


def test_respect_retry_after_waits_before_the_next_turn(serve, tmp_path):
    app = CountingApp(every={"429": 3})  # every third request: 429 with Retry-After: 1
    lines_file = tmp_path / "requests.jsonl"
    result = load(serve(app).url, "--profile", "json", "--users", "2", "--duration", "3s",
                  "--respect-retry-after", "--requests-out", str(lines_file), "--format", "json")
    report = result.json()
    assert result.code == 0, result.stderr
    lines = read_lines(lines_file)
    assert len(lines) == app.served
    limited = [line for line in lines if line["kind"] == "rate limited (429)"]
    assert limited and {e["kind"]: e["count"] for e in report["errors"]} == {"rate limited (429)": len(limited)}
    by_user: dict[str, list[dict]] = {}
    for line in sorted(lines, key=lambda item: item["start_s"]):
        by_user.setdefault(line["user"], []).append(line)
    waits = []
    for turns in by_user.values():
        for current, following in zip(turns, turns[1:], strict=False):
            if current["kind"] == "rate limited (429)":
                waits.append(following["start_s"] - (current["start_s"] + current["latency_ms"] / 1000))
    assert waits and min(waits) >= 0.99, waits  # Retry-After: 1 was honoured after every 429
    # without waiting, two users would send thousands of requests in 3 s; with it, about 3 per user per second
    assert app.served <= 2 * 3 * 4
    # all failures are 429s: the report says the run measured the rate limiter and names --tokens-file
    assert any("rate limiter" in note and "--tokens-file" in note for note in report["notes"])


def test_respect_retry_after_holds_open_model_arrivals(serve, tmp_path):
    app = CountingApp(every={"429": 3})  # every third request: 429 with Retry-After: 1
    lines_file = tmp_path / "requests.jsonl"
    result = load(serve(app).url, "--profile", "json", "--rate", "20", "--users", "5", "--duration", "3s",
                  "--respect-retry-after", "--requests-out", str(lines_file), "--format", "json")
    report = result.json()
    assert result.code == 0, result.stderr
    validate_load(report)
    lines = sorted(read_lines(lines_file), key=lambda item: item["start_s"])
    assert len(lines) == app.served == report["open_model"]["arrivals"]
    # one dispatcher: after each 429, no arrival starts until its Retry-After (1 s) has passed
    for current, following in zip(lines, lines[1:], strict=False):
        if current["kind"] == "rate limited (429)":
            assert following["start_s"] - (current["start_s"] + current["latency_ms"] / 1000) >= 0.99
    # 20/s for 3 s would be 60 arrivals; a 429 every third request holds about a second's worth each time
    held = report["open_model"]["held_arrivals"]
    assert held > 0 and report["open_model"]["arrivals"] + held >= 50
    assert app.served < 20
    assert any("held" in note and "Retry-After" in note for note in report["notes"])


def test_tokens_file_spreads_credentials_over_users_and_never_leaks(serve, tmp_path):
    app = CountingApp(every={"echo_auth": 4})  # some 500s repeat the Authorization header
    tokens = [f"tenant-{n}-secret-{n * 7919}" for n in range(3)]
    tokens_file = tmp_path / "tokens.txt"
    tokens_file.write_text("# one per line\n" + "\n".join(tokens) + "\n")
    lines_file = tmp_path / "requests.jsonl"
    markdown = tmp_path / "report.md"
    result = load(serve(app).url, "--profile", "json", "--users", "3", "--duration", "2s", "--tokens-file",
                  str(tokens_file), "--requests-out", str(lines_file), "--markdown", str(markdown),
                  "--format", "json")
    assert result.code == 0, result.stderr
    report = result.json()
    # each user has its own credential: three users, three tokens, one token per user's sessions
    users_by_token: dict[str, set[str]] = {}
    for session, authorization in app.auth_by_session.items():
        user = session.split("-")[3]
        users_by_token.setdefault(authorization, set()).add(user)
    assert set(users_by_token) == {f"Bearer {t}" for t in tokens}
    assert all(len(users) == 1 for users in users_by_token.values())
    assert app.probe_auth == [f"Bearer {tokens[0]}"]
    assert report["settings"]["tokens_file"] == {"path": str(tokens_file), "credentials": 3}
    assert app.by_kind["echo_auth"] > 0
    everything = result.stdout + result.stderr + lines_file.read_text() + markdown.read_text()
    for token in tokens:
        assert token not in everything


def test_tokens_file_errors_are_one_line(serve, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n")
    result = load(serve(CountingApp()).url, "--tokens-file", str(empty))
    assert result.code == 2 and "no credentials" in result.stderr and "Traceback" not in result.stderr
    both = load(serve(CountingApp()).url, "--tokens-file", str(empty), "--token", "x")
    assert both.code == 2 and "--tokens-file" in both.stderr


# --- the baseline -------------------------------------------------------------------------------------------------


def test_baseline_comparison_fails_the_gate_on_a_regression(serve, tmp_path):
    fast, slow = CountingApp(delay_s=0.01), CountingApp(delay_s=0.1)
    earlier = tmp_path / "load.json"
    first = load(serve(fast).url, "--profile", "json", "--users", "2", "--duration", "2s", "--format", "json",
                 "--output", str(earlier))
    assert first.code == 0, first.stderr
    markdown = tmp_path / "report.md"
    result = load(serve(slow).url, "--profile", "json", "--users", "2", "--duration", "2s", "--format", "json",
                  "--baseline", str(earlier), "--max-regression", "20%", "--markdown", str(markdown))
    assert result.code == 1, result.stderr
    report = result.json()
    validate_load(report)
    old = json.loads(earlier.read_text())
    rows = {row["metric"]: row for row in report["baseline"]["metrics"]}
    assert rows["p95"]["old"] == old["latency_ms"]["p95"] and rows["p95"]["new"] == report["latency_ms"]["p95"]
    assert rows["p95"]["regressed"] is True and rows["p95"]["change_pct"] > 20
    assert rows["rps"]["regressed"] is True and rows["rps"]["change_pct"] < -20
    assert rows["ttft_p95"]["old"] is None and rows["ttft_p95"]["regressed"] is False  # not streamed: not judged
    assert rows["error_rate"]["regressed"] is False
    assert any(r.startswith("baseline: latency p95") for r in report["reasons"])
    text = markdown.read_text()
    assert f"| latency p95 (ms) | {old['latency_ms']['p95']:g} | {report['latency_ms']['p95']:g} |" in text
    assert "regressed" in text
    junit = tmp_path / "report.xml"
    again = load(serve(CountingApp(delay_s=0.1)).url, "--profile", "json", "--users", "2", "--duration", "1s",
                 "--format", "junit", "--output", str(junit), "--baseline", str(earlier))
    assert again.code == 1
    xml = junit.read_text()
    assert "latency p95 (ms) within 20% of baseline" in xml and xml.count("<failure") >= 1
    # the same slowdown within a generous bound passes
    loose = load(serve(CountingApp(delay_s=0.1)).url, "--profile", "json", "--users", "2", "--duration", "1s",
                 "--format", "json", "--baseline", str(earlier), "--max-regression", "5000%")
    assert loose.code == 0, loose.stderr
    assert loose.json()["baseline"]["regressed"] is False


def test_a_bad_baseline_file_is_exit_2_before_any_load(serve, tmp_path):
    app = CountingApp()
    bad = tmp_path / "not-a-report.json"
    bad.write_text('{"schema": "something/else"}')
    result = load(serve(app).url, "--profile", "json", "--baseline", str(bad))
    assert result.code == 2 and "--baseline" in result.stderr and app.probes == 0


# --- AgentOS ------------------------------------------------------------------------------------------------------


def test_agentos_streamed_warmup_goodput_and_requests_out(tmp_path):
    from agno_check.serve import BackgroundServer
    from tests.refs.agentos_app import create_agentos_app

    with SimServer(latency={"ttft": "30ms", "tps": 2000, "output_tokens": 12}, seed=5) as sim:
        app = create_agentos_app(sim.openai_base_url, db_file=tmp_path / "agno.db")
        with BackgroundServer(app) as server:
            lines_file = tmp_path / "requests.jsonl"
            result = run_cli("load", server.url, "--users", "2", "--warmup", "1s", "--duration", "2s", "--stream",
                             "--goodput", "ttft<10s", "--requests-out", str(lines_file), "--format", "json",
                             "--quiet", timeout=120)
            stats = sim.stats(0)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    lines = read_lines(lines_file)
    # one model call per AgentOS run: the model saw the probe plus one request per line
    assert stats["requests"] == len(lines) + report["probe"]["requests"]
    assert report["requests"] + report["warmup_requests"] == len(lines)
    assert report["goodput"]["good_requests"] == report["requests"] - report["failures"] > 0
    assert report["ttst_ms"]["p50"] >= report["ttft_ms"]["p50"] >= 30.0
    assert all(line["session_id"].startswith("agno-check-load-") for line in lines)


def test_workers_ship_their_lines_sweep_steps_and_spread_tokens(serve, tmp_path):
    """--workers 2: one requests-out file with a line per served request, per-step counts equal to the server's,
    and the credentials spread over the users of both processes."""
    app = CountingApp(delay_s=0.005)
    tokens = [f"worker-tenant-{n}-{n * 104729}" for n in range(4)]
    tokens_file = tmp_path / "tokens.txt"
    tokens_file.write_text("\n".join(tokens) + "\n")
    lines_file = tmp_path / "requests.jsonl"
    result = load(serve(app).url, "--profile", "json", "--users", "2,4", "--duration", "2s", "--workers", "2",
                  "--tokens-file", str(tokens_file), "--requests-out", str(lines_file), "--format", "json",
                  timeout=180)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    lines = read_lines(lines_file)
    assert len(lines) == app.served == sum(s["requests"] for s in report["steps"])
    assert Counter(line["session_id"] for line in lines) == Counter(app.sessions)
    per_step = Counter(re.match(r"agno-check-load-s(\d+)-", s).group(1) for s in app.sessions)
    assert [s["requests"] for s in report["steps"]] == [per_step["0"], per_step["1"]]
    assert Counter(line["step"] for line in lines) == Counter({0: per_step["0"], 1: per_step["1"]})
    # the last step ran 4 users over 2 processes with 4 credentials: each credential had one user of its own
    last_users: dict[str, set[str]] = {}
    for session, authorization in app.auth_by_session.items():
        if session.startswith("agno-check-load-s1-"):
            last_users.setdefault(authorization, set()).add(session.split("-")[4])
    assert set(last_users) == {f"Bearer {t}" for t in tokens}
    assert all(len(users) == 1 for users in last_users.values())
    assert not any(token in result.stdout + result.stderr + lines_file.read_text() for token in tokens)


def test_sim_llm_command_paces_tokens_without_nagle_stalls():
    """`agno-check sim-llm` binds its own socket: without IPPROTO_TCP on it, asyncio leaves Nagle on, and every
    streamed answer on a kept-alive connection stalled ~40 ms (the client's delayed ACK), so load tests measured
    bursts instead of the model's token pace (TTST, inter-token gaps)."""
    import os
    import statistics

    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "agno_check", "sim-llm", "--port", "0", "--ttft", "20ms",
                             "--tps", "500", "--tokens", "8"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "AGNO_TELEMETRY": "false"})
    try:
        url = proc.stdout.readline().split(" at ", 1)[1].split(" ", 1)[0]  # type: ignore[union-attr]
        worst_gaps = []
        with httpx.Client(timeout=10.0, trust_env=False) as http:
            for _ in range(6):
                body = {"model": "sim", "messages": [{"role": "user", "content": "hello"}], "stream": True}
                with http.stream("POST", f"{url}/v1/chat/completions", json=body) as response:
                    times = [time.perf_counter()]  # the headers
                    times += [time.perf_counter() for line in response.iter_lines() if line]
                worst_gaps.append(max(b - a for a, b in zip(times, times[1:], strict=False)) * 1000.0)
        # tokens leave every 2 ms; a Nagle stall is ~40 ms. The median request's worst gap stays far below it.
        assert statistics.median(worst_gaps) < 25.0, worst_gaps
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.parametrize(("args", "named"), [
    (["--users", "1,x"], "--users"), (["--users", "5,"], "at least two steps"), (["--rate", "1,0"], "--rate"),
    (["--max-regression", "abc"], "--max-regression"), (["--goodput", "foo<3"], "--goodput"),
    (["--requests-out-content"], "--requests-out"), (["--users", "1,2", "--find-max", "--slo", "p95<9"], "sweep"),
    (["--input-tokens", "5", "--prompts", "x.txt"], "--input-tokens"), (["--warmup", "soon"], "--warmup"),
    (["--abort-on", "nope>1"], "nope"),
    (["--requests-out", "same.json", "--output", "same.json"], "name the same file"),
])
def test_bad_issue_14_options_are_one_line_and_exit_2(args, named):
    result = load("http://127.0.0.1:9", *args)  # nothing listens there: a missed check would say "refused"
    assert result.code == 2
    assert named in result.stderr and "refused" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr

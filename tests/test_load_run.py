"""`agno-check load` against real servers over loopback: counts, failure kinds, SLO gate, exit codes, outputs.

Every run is the real command in a subprocess (real Locust, real gevent patching), a few users for a few seconds.
"""

from __future__ import annotations

import json
import operator
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agno_check.sim.server import SimServer
from agno_check.slo import parse_slo
from tests.conftest import ROOT, run_cli, validate_load
from tests.refs.counting_app import CountingApp

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
STREAM_MODEL = {"ttft": "40ms", "tps": 1000, "output_tokens": 12}


@pytest.fixture(scope="module")
def stream_sim():
    with SimServer(latency=STREAM_MODEL, seed=5) as server:
        yield server


def load(*args: str, timeout: float = 90.0):
    return run_cli("load", *args, "--quiet", timeout=timeout)


def _assert_verdicts_consistent(report: dict) -> None:
    """Each verdict is its operator applied to the observed value (None never passes)."""
    for verdict in report["slo"]:
        slo = parse_slo(verdict["expr"])
        observed = verdict["observed"]
        expected = observed is not None and OPS[slo.op](observed, slo.threshold)
        assert verdict["passed"] is expected, verdict


def test_requests_equal_the_servers_count_and_failures_are_split_by_kind(serve):
    app = CountingApp(every={"429": 5, "agent_error": 7, "500": 11, "empty": 13})
    url = serve(app).url
    result = load(url, "--users", "4", "--duration", "2s", "--profile", "json", "--format", "json")
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    assert app.probes == 1
    assert report["requests"] == app.served > 50
    kinds = {e["kind"]: e["count"] for e in report["errors"]}
    assert kinds == {"rate limited (429)": app.by_kind["429"], "agent error": app.by_kind["agent_error"],
                     "HTTP 500": app.by_kind["500"], "empty answer": app.by_kind["empty"]}
    assert report["failures"] == sum(kinds.values())
    assert report["error_rate"] == pytest.approx(report["failures"] / report["requests"], abs=1e-5)
    assert report["profile"] == report["protocol"] == "json" and report["stream"] is False
    assert report["ttft_ms"] is None and report["itl_ms"] is None and report["output_tokens_per_s"] is None
    assert report["timeline"] and all(p["rps"] >= 0 for p in report["timeline"])
    assert report["passed"] is True  # no SLO: passed when some turn succeeded


def test_latency_counts_successes_only_and_matches_the_servers_own_times(serve):
    app = CountingApp(delay_s=0.05, every={"500": 3})  # good answers take 50 ms, every third is a fast 500
    url = serve(app).url
    result = load(url, "--users", "3", "--duration", "2s", "--profile", "json", "--format", "json",
                  "--slo", "ttft_p95<10000")
    report = result.json()
    assert result.code == 1, result.stderr  # a TTFT SLO on a run that did not stream has no samples: failed
    assert report["slo"] == [{"expr": "ttft_p95<10000", "observed": None, "passed": False}]
    assert report["requests"] == app.served and report["failures"] == app.by_kind["500"] > 0
    # a fast 500 is not a latency sample: with them the mean would fall to about two thirds of 50 ms
    assert report["latency_ms"]["mean"] >= 50.0
    server_p50 = sorted(app.service_ms)[len(app.service_ms) // 2]
    assert report["latency_ms"]["p50"] >= server_p50 >= 50.0  # the whole request includes the server's time


def test_every_slo_operator_passes_on_a_streamed_run(stream_sim, tmp_path):
    slos = ["p50<5000", "p95<=5000", "max<10s", "mean<5000", "ttft_p95<5000", "ttft_p50<=5000", "itl_p95<1000",
            "error_rate<=0.5", "rps>0.5", "tokens_per_s>=1"]
    files = {name: tmp_path / name for name in ("report.md", "report.xml", "report.html")}
    result = load(stream_sim.url, "--users", "3", "--duration", "2s", "--stream", "--format", "json",
                  "--slo", ",".join(slos[:5]), *sum((["--slo", s] for s in slos[5:]), []),
                  "--markdown", str(files["report.md"]), "--junit", str(files["report.xml"]),
                  "--html", str(files["report.html"]), "--csv", str(tmp_path / "locust"))
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    assert [v["expr"] for v in report["slo"]] == slos
    assert all(v["passed"] for v in report["slo"]), report["slo"]
    _assert_verdicts_consistent(report)
    assert report["profile"] == report["protocol"] == "openai" and report["stream"] is True
    # TTFT: from the start of the request to the first content token, so never under the model's 40 ms
    assert 40.0 <= report["ttft_ms"]["p50"] < report["latency_ms"]["p50"]
    assert report["itl_ms"]["p50"] > 0
    # every answer of the simulated model has 12 output tokens (usage), and the probe turn was one more
    assert report["output_tokens"] == 12 * report["requests"]
    assert stream_sim.stats()["requests"] >= report["requests"] + 1
    assert report["output_tokens_per_s"] == pytest.approx(report["output_tokens"] / report["duration_s"], rel=0.01)
    markdown = files["report.md"].read_text()
    assert "tokens_per_s>=1" in markdown and "TTFT" in markdown
    junit = files["report.xml"].read_text()
    assert junit.count("<testcase") == len(slos) and "<failure" not in junit
    assert "<svg" in files["report.html"].read_text()
    stats_csv = (tmp_path / "locust_stats.csv").read_text()
    assert "TTFT" in stats_csv and "/v1/chat/completions" in stats_csv


def test_every_slo_operator_fails_when_the_threshold_is_not_met(stream_sim):
    slos = ["p50<1", "p95<=1", "p99<1", "ttft_p95<1", "itl_p50<0.001", "error_rate>0.5", "rps>100000",
            "tokens_per_s>=1000000", "mean<=0.5"]
    result = load(stream_sim.url, "--users", "2", "--duration", "2s", "--stream", "--format", "junit",
                  "--slo", ",".join(slos))
    assert result.code == 1, result.stderr
    assert result.stdout.count("<testcase") == len(slos)
    assert result.stdout.count("<failure") == len(slos)


def test_an_unreachable_target_is_exit_2_in_seconds_with_one_line():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the run: nothing listens there
    started = time.monotonic()
    result = load(f"http://127.0.0.1:{port}", "--users", "5", "--duration", "30s")
    elapsed = time.monotonic() - started
    assert result.code == 2
    assert elapsed < 10.0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "refused" in result.stderr and "Traceback" not in result.stderr


def test_a_wrong_endpoint_is_exit_2_before_any_load(serve):
    app = CountingApp()
    url = serve(app).url
    result = load(url, "--profile", "json", "--endpoint", "/nope", "--duration", "30s")
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "404" in result.stderr
    assert app.served == 0


@pytest.mark.parametrize("args, words", [
    (["--stages", "30s:ten"], "stage"),
    (["--rate", "5", "--stages", "5s:2"], "--rate and --stages"),
    (["--find-max"], "--find-max needs"),
    (["--duration", "soon"], "duration"),
    (["--slo", "p97<100"], "unknown metric"),
    (["--prompts", "/nonexistent/prompts.txt"], "not found"),
])
def test_bad_options_are_exit_2_with_one_line_and_no_traffic(serve, args, words):
    app = CountingApp()
    url = serve(app).url
    result = load(url, *args)
    assert result.code == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert app.served == 0 and app.probes == 0


def test_target_and_settings_come_from_the_config_file(serve, tmp_path):
    app = CountingApp()
    url = serve(app).url
    (tmp_path / "agno-check.toml").write_text(f'target = "{url}"\nprofile = "json"\n[load]\nusers = 2\n'
                                              'duration = "1s"\n')
    result = run_cli("load", "--format", "json", "--quiet", cwd=str(tmp_path), timeout=60)
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["target"] == url and report["users"] == 2 and report["requests"] == app.served > 0


def test_credentials_never_reach_the_output_even_when_the_target_echoes_them(serve, tmp_path):
    token = "sekrit-token-4f9c2a7e1b8d"
    app = CountingApp(every={"echo_auth": 2})
    url = serve(app).url
    output = tmp_path / "report.json"
    result = run_cli("load", url, "--profile", "json", "--token", token, "--header", f"X-Api-Key: {token}-key",
                     "--users", "2", "--duration", "1s", "--format", "json", "--output", str(output),
                     "--html", str(tmp_path / "r.html"), "--markdown", str(tmp_path / "r.md"),
                     "--csv", str(tmp_path / "locust"), timeout=60)
    assert result.code == 0, result.stderr
    report = json.loads(output.read_text())
    assert report["errors"][0]["kind"] == "HTTP 500" and "rejected" in report["errors"][0]["example"]
    files = [output, tmp_path / "r.html", tmp_path / "r.md", *tmp_path.glob("locust_*.csv")]
    assert "rejected" in (tmp_path / "locust_failures.csv").read_text()
    for text in [result.stdout, result.stderr, *(f.read_text() for f in files)]:
        assert token not in text


def test_prompts_file_feeds_the_users(serve, tmp_path):
    app = CountingApp()
    url = serve(app).url
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "alpha question"}\n"beta question"\n')
    result = load(url, "--profile", "json", "--prompts", str(prompts), "--users", "2", "--duration", "1s",
                  "--format", "json")
    assert result.code == 0, result.stderr
    assert result.json()["requests"] == app.served > 0


def test_sigint_mid_run_exits_130_with_a_partial_json_report(serve, tmp_path):
    app = CountingApp(delay_s=0.01)
    url = serve(app).url
    output = tmp_path / "partial.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "agno_check", "load", url, "--profile", "json", "--users", "3", "--duration", "60s",
         "--format", "json", "--output", str(output), "--quiet"],
        cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while app.served < 20 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert app.served >= 20, "the load never started"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    report = json.loads(Path(output).read_text())
    validate_load(report)
    assert report["interrupted"] is True
    assert 20 <= report["requests"] <= app.served
    assert report["duration_s"] < 30


def test_help_does_not_import_locust():
    code = ("import sys; from agno_check.cli.app import main; "
            "sys.argv = ['agno-check', 'load', '--help']\n"
            "try:\n    main(['load', '--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'locust' not in sys.modules and 'gevent' not in sys.modules, 'heavy import'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    assert "--users" in proc.stdout and "--find-max" in proc.stdout


def test_a_trickling_answer_is_cut_off_at_the_turn_timeout(serve):
    """The per-read timeout never fires on a server that sends a byte every 100 ms: --timeout is per turn."""
    import asyncio

    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    answered = {"count": 0}

    async def query(request):
        answered["count"] += 1
        if answered["count"] == 1:  # the probe turn gets a normal answer
            return JSONResponse({"response": "hello"})

        async def trickle():
            for _ in range(60):  # 6 s of a byte every 100 ms
                yield b" "
                await asyncio.sleep(0.1)
            yield b'{"response": "late"}'

        return StreamingResponse(trickle(), media_type="application/json")

    url = serve(Starlette(routes=[Route("/query", query, methods=["POST"])])).url
    result = load(url, "--profile", "json", "--users", "2", "--duration", "3s", "--timeout", "1",
                  "--stop-timeout", "2s", "--format", "json")
    report = json.loads(result.stdout)
    kinds = {e["kind"]: e["count"] for e in report["errors"]}
    assert any("timeout" in kind for kind in kinds), kinds
    assert report["failures"] >= 2 and report["latency_ms"] is None  # nothing succeeded, nothing measured
    assert result.code == 1

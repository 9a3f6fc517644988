"""Each configuration and performance check passes on the sound seed service and fails on the twin with its flaw."""

from __future__ import annotations

import pytest

from tests.readiness_helpers import readiness, result, statuses
from tests.refs.seed_app import SOUND_TOKEN

FOUNDATION = ["configuration", "performance"]


def run(url: str, only: list[str] | None = None, samples: int = 3, **flags):
    return readiness(url, token=SOUND_TOKEN, only=only or FOUNDATION, samples=samples, **flags)


def test_sound_service_passes_every_configuration_and_performance_check(fresh_sim, seed_service):
    fresh_sim.set_latency(ttft="150ms")  # a realistic model time, so a scheduling hiccup is not a latency trend
    report = run(seed_service(model_url=fresh_sim.openai_base_url))
    verdicts = statuses(report)
    assert not [c for c, s in verdicts.items() if s in ("fail", "error", "warn")], [
        result(report, c) for c, s in verdicts.items() if s in ("fail", "error", "warn")]
    assert verdicts["configuration.tls"] == "skip"  # loopback
    assert verdicts["performance.ttft"] == "skip"  # the json profile does not stream
    assert report.score == 100.0 and report.gate.passed
    assert report.profile == "json"


@pytest.mark.parametrize(
    ("flaw", "check_id", "status", "cause"),
    [
        ("no_health", "configuration.health_endpoint", "fail", "no health endpoint"),
        ("shallow_health", "configuration.health_depth", "warn", "reports no dependency"),
        ("json_metrics", "configuration.prometheus_metrics", "fail", "JSON, not Prometheus"),
        ("no_metrics", "configuration.prometheus_metrics", "fail", "404"),
        ("debug", "configuration.debug_disabled", "fail", "debug"),
        ("version_banner", "configuration.debug_disabled", "warn", "x-powered-by"),
        ("docs", "configuration.api_docs_exposed", "warn", "/docs"),
    ],
)
def test_each_flaw_is_found_by_its_check_and_no_other(seed_service, flaw, check_id, status, cause):
    # configuration checks only: timing checks have their own tests, and a busy CI machine is not a flaw
    report = run(seed_service({flaw}), only=["configuration", "performance.health_under_load"])
    verdicts = statuses(report)
    assert verdicts[check_id] == status, result(report, check_id)
    assert cause.lower() in result(report, check_id).detail.lower()
    others = {c: s for c, s in verdicts.items() if c != check_id and s in ("fail", "warn", "error")}
    # a missing health endpoint also leaves health_depth and health_under_load with nothing to read
    assert not {c: s for c, s in others.items() if s != "skip"}, [result(report, c) for c in others]
    assert result(report, check_id).remediation


def test_slow_service_breaks_the_latency_slo(seed_service):
    slo = "p95<200"  # the sound service answers in ~15 ms, the slow twin in over 2000 ms: 10x either way
    sound = run(seed_service(), slo=[slo], only=["performance.latency"])
    slow = run(seed_service({"slow"}, slow_s=2.0), slo=[slo], only=["performance.latency"])
    assert statuses(sound)["performance.latency"] == "pass"
    failed = result(slow, "performance.latency")
    assert failed.status == "fail" and "p95<200" in failed.detail
    assert failed.evidence["latency_ms"]["p95"] >= 2000


def test_serialising_service_fails_concurrency_and_sound_one_passes(fresh_sim, seed_service):
    fresh_sim.set_latency(ttft="150ms")  # a realistic model time, so serialisation dominates scheduling noise
    url_sound = seed_service(model_url=fresh_sim.openai_base_url)
    url_serial = seed_service({"serialise"}, model_url=fresh_sim.openai_base_url)
    only = ["performance.concurrency"]
    sound = result(run(url_sound, only=only, concurrency=10), "performance.concurrency")
    serial = result(run(url_serial, only=only, concurrency=10), "performance.concurrency")
    assert sound.status == "pass", sound.detail
    assert serial.status == "fail", serial.detail
    assert "serialised" in serial.detail
    # the last of 10 serialised runs waits for the other 9: p95 near 9x the baseline
    assert serial.evidence["ratio"] >= 5


def test_health_waiting_behind_runs_fails_health_under_load(fresh_sim, seed_service):
    fresh_sim.set_latency(ttft="600ms")
    starved = seed_service({"health_behind_runs"}, model_url=fresh_sim.openai_base_url)
    sound = seed_service(model_url=fresh_sim.openai_base_url)
    only = ["performance.health_under_load"]
    verdict = result(run(starved, only=only, concurrency=4), "performance.health_under_load")
    # a probe queued behind 3 runs of >= 600 ms each waits >= 1.7 s: a hard lower bound over the 1 s limit
    assert verdict.status == "fail", verdict.detail
    assert verdict.evidence["health_p95_ms"] >= 1000
    healthy = result(run(sound, only=only, concurrency=4), "performance.health_under_load")
    assert healthy.status == "pass" and healthy.evidence["health_p95_ms"] < 100, healthy.detail


def test_ttft_measured_on_streaming_agentos(fresh_sim, serve, tmp_path):
    from tests.refs.agentos_app import create_agentos_app

    fresh_sim.set_latency(ttft="100ms", tps=200, output_tokens=20)
    url = serve(create_agentos_app(fresh_sim.openai_base_url, tmp_path / "agno.db")).url
    report = readiness(url, only=["performance.ttft", "performance.latency"], samples=3)
    assert report.profile == "agentos"
    ttft = result(report, "performance.ttft")
    latency = result(report, "performance.latency")
    assert ttft.status == "pass" and latency.status == "pass"
    # first token after the model's 100 ms TTFT, whole run after 20 tokens at 200/s on top of it
    assert 100 <= ttft.evidence["ttft_ms"]["p50"] < latency.evidence["latency_ms"]["p50"] + 1000
    strict = readiness(url, only=["performance.ttft"], samples=3, slo=["ttft_p95<10"])
    assert result(strict, "performance.ttft").status == "fail"


def test_429_is_honoured_and_never_counted_as_a_sample(seed_service):
    # 2 runs per second allowed: 6 sequential samples must wait out Retry-After at least twice
    url = seed_service(rate_limit=2, rate_window_s=1.0)
    report = run(url, only=["performance.latency"], samples=6)
    latency = result(report, "performance.latency")
    assert latency.status == "pass", latency.detail
    assert latency.evidence["samples"] == 6 and latency.evidence["failed_runs"] == 0
    # a waited-out 429 is not in the latency: every sample is a fast run, none carries the 1 s wait
    assert latency.evidence["latency_ms"]["max"] < 900
    assert any("429" in note for note in report.notes)

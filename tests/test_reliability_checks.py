"""Each reliability check passes on the sound seed service and fails (or warns) on the twin with its flaw."""

from __future__ import annotations

import httpx
import pytest

from tests.readiness_helpers import assert_flaw_found, others_failing, readiness, result, statuses
from tests.refs.seed_app import CANARY, SOUND_TOKEN, SOUND_TOKEN_B

FAST = {"samples": 3, "concurrency": 4, "burst_requests": 45}
RELIABILITY = ["reliability.malformed_input", "reliability.error_responses", "reliability.error_status_honest",
               "reliability.session_continuity", "reliability.backpressure"]


def run(url: str, sim=None, **flags):
    return readiness(url, sim=sim, token=SOUND_TOKEN, token_b=SOUND_TOKEN_B, canary=CANARY, **{**FAST, **flags})


@pytest.mark.parametrize(
    ("flaw", "check_id", "status", "cause"),
    [
        ("lenient_input", "reliability.malformed_input", "fail", "accepted with http 200 (the agent ran on garbage)"),
        ("plain_errors", "reliability.error_responses", "warn", "plain text/plain"),
        ("overload_500", "reliability.backpressure", "fail", "answered 500"),
    ],
)
def test_each_reliability_flaw_is_found_by_its_check_and_no_other(seed_service, flaw, check_id, status, cause):
    report = run(seed_service({flaw}))
    assert_flaw_found(report, check_id, status, cause)
    assert SOUND_TOKEN not in report.to_json()


def test_sound_service_passes_every_reliability_check(seed_service):
    report = run(seed_service(), only=RELIABILITY)
    verdicts = statuses(report)
    assert all(s == "pass" for s in verdicts.values()), verdicts
    assert "refused with 4xx" in result(report, "reliability.malformed_input").detail
    assert "were shed with 429 + Retry-After" in result(report, "reliability.backpressure").detail


def test_a_hang_on_malformed_input_is_a_failure_not_an_error(seed_service):
    report = run(seed_service({"malformed_hang"}), only=["reliability.malformed_input"], timeout=2)
    verdict = result(report, "reliability.malformed_input")
    assert verdict.status == "fail" and "no answer within the timeout" in verdict.detail, verdict.detail
    sound = run(seed_service(), only=["reliability.malformed_input"], timeout=2)
    assert result(sound, "reliability.malformed_input").status == "pass"


def test_hidden_upstream_failure_fails_error_status_honest(fresh_sim, seed_service):
    # agno-check controls the model upstream: one run while the model answers 500
    hiding = seed_service({"hide_errors"}, model_url=fresh_sim.openai_base_url)
    # reliability.upstream_faults probes the same flaw with three faults and a 10 s hang; it is not ours
    report = run(hiding, sim=fresh_sim, skip=["reliability.upstream_faults"])
    verdict = result(report, "reliability.error_status_honest")
    assert verdict.status == "fail" and "HTTP 200 with empty content" in verdict.detail, verdict.detail
    assert verdict.evidence["model_upstream"].startswith("answered 500")
    assert not others_failing(report, "reliability.error_status_honest")
    # the injected fault is gone afterwards: no other check inherits it
    assert httpx.get(f"{fresh_sim.url}/_sim/faults", timeout=5).json()["rules"] == []
    honest = run(seed_service(model_url=fresh_sim.openai_base_url), sim=fresh_sim,
                 only=["reliability.error_status_honest"])
    verdict = result(honest, "reliability.error_status_honest")
    assert verdict.status == "pass" and "answered HTTP 502" in verdict.detail, verdict.detail


def test_passive_does_not_inject_upstream_faults(fresh_sim, seed_service):
    hiding = seed_service({"hide_errors"}, model_url=fresh_sim.openai_base_url)
    report = run(hiding, sim=fresh_sim, only=["reliability.error_status_honest"], passive=True)
    verdict = result(report, "reliability.error_status_honest")
    assert verdict.status == "pass" and verdict.evidence["provoked_fault"] is None


def test_session_continuity_skips_for_the_stateless_openai_protocol(sim):
    # the simulated LLM itself is an OpenAI-compatible service: the client carries the history
    report = readiness(sim.url, only=["reliability.session_continuity"], profile="openai", model="sim")
    verdict = result(report, "reliability.session_continuity")
    assert verdict.status == "skip" and "stateless" in verdict.detail


def test_sound_service_scores_over_90_on_the_whole_checklist_with_the_default_burst(fresh_sim, seed_service):
    url = seed_service(model_url=fresh_sim.openai_base_url)
    report = readiness(url, sim=fresh_sim, token=SOUND_TOKEN, token_b=SOUND_TOKEN_B, canary=CANARY, samples=5)
    verdicts = statuses(report)
    assert not [c for c, s in verdicts.items() if s in ("fail", "error")], verdicts
    assert report.score >= 90 and report.gate.passed, (report.score, verdicts)
    burst = result(report, "security.rate_limiting")
    assert burst.status == "pass" and burst.evidence["requests"] == 60  # the catalogue's default burst
    assert result(report, "reliability.backpressure").status == "pass"
    counted = [c for c, s in verdicts.items() if c.startswith(("security.", "reliability.")) and s != "skip"]
    assert len(counted) >= 15  # the security and reliability checks were really measured, not skipped
    assert SOUND_TOKEN not in report.to_json() and SOUND_TOKEN_B not in report.to_json()

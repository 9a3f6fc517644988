"""The ``openai-responses`` profile (``POST /v1/responses``), for readiness and load, against a reference server
that speaks the Responses API over real loopback HTTP (tests/refs/responses_app.py: its failure and no-OpenAPI
modes), and against the simulated model's own Responses API."""

from __future__ import annotations

import json

from tests.conftest import check_of, run_cli, validate_load, validate_readiness
from tests.refs.responses_app import ANSWER, ResponsesApp


def test_readiness_detects_the_responses_api_from_openapi_and_judges_its_runs(serve):
    app = ResponsesApp()
    url = serve(app).url
    result = run_cli("readiness", url, "--only", "reliability.malformed_input,performance.latency,performance.ttft",
                     "--samples", "3", "--format", "json", timeout=120)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_readiness(report)  # the contract's schema: the v1 profile is the family, the exact name beside it
    assert report["profile"] == "openai" and report["protocol"] == "openai-responses"
    assert "profile: openai-responses (its OpenAPI document has /v1/responses" in result.stderr
    malformed = check_of(report, "reliability.malformed_input")
    assert malformed["status"] == "pass", malformed
    assert "missing input" in json.dumps(malformed["evidence"])  # the Responses API's own malformed variants
    ttft = check_of(report, "performance.ttft")
    assert ttft["status"] == "pass", ttft
    latency = check_of(report, "performance.latency")
    assert latency["status"] == "pass" and "p95" in latency["detail"], latency
    assert app.runs >= 1 + 3 + 3  # the preflight, the sequential and the streamed samples reached it


def test_load_measures_ttft_from_the_first_text_delta_not_the_first_event(serve):
    app = ResponsesApp(first_delta_s=0.3)  # response.created at once, the first text 300 ms later
    url = serve(app).url
    result = run_cli("load", url, "--users", "2", "--duration", "3s", "--stream", "--format", "json", "--quiet",
                     timeout=120)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    assert report["profile"] == "openai" and report["protocol"] == "openai-responses"
    assert report["requests"] == app.runs - 1 > 2 and report["failures"] == 0  # less the probe turn
    assert report["ttft_ms"]["p50"] >= 300.0  # not ~0: the first event carries no text
    words = len(ANSWER.format(topic="x y z w").split())
    assert report["output_tokens"] == words * report["requests"]  # from response.completed's usage


def test_without_openapi_or_models_a_probe_of_the_route_finds_it(serve):
    url = serve(ResponsesApp(openapi=False, models=False)).url
    result = run_cli("readiness", url, "--only", "reliability.malformed_input", "--format", "json", timeout=120)
    assert result.code == 0, result.stderr
    assert result.json()["profile"] == "openai" and result.json()["protocol"] == "openai-responses"
    assert "profile: openai-responses (POST /v1/responses with an empty body answered 400 JSON" in result.stderr
    # and by name, with the model given
    named = run_cli("readiness", url, "--profile", "openai-responses", "--model", "mine", "--only",
                    "reliability.malformed_input", "--format", "json", timeout=120)
    assert named.code == 0 and named.json()["settings"]["model"] == "mine"


def test_a_failed_response_is_a_dead_agent_for_readiness_and_load(serve):
    url = serve(ResponsesApp(fail=True)).url
    readiness = run_cli("readiness", url, "--timeout", "10", timeout=120)
    load = run_cli("load", url, "--stream", "--users", "1", "--duration", "2s", "--quiet", timeout=120)
    for result in (readiness, load):
        assert result.code == 2 and not result.stdout, result.stderr
        assert "answered HTTP 200 with status failed: 'The model is unavailable.'" in result.stderr
        assert "is its model reachable?" in result.stderr


def test_load_on_the_simulated_models_responses_api_matches_its_own_records():
    """The simulated model serves /v1/responses too: the profile's counts, TTFT and tokens against its plan."""
    from agno_check.sim.server import SimServer

    with SimServer(latency={"ttft": "200ms", "tps": 2000, "output_tokens": 10}, seed=4) as sim:
        result = run_cli("load", sim.url, "--profile", "openai-responses", "--stream", "--users", "2",
                         "--duration", "2s", "--format", "json", "--quiet", timeout=120)
        stats = sim.stats(0)
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    assert report["profile"] == "openai" and report["protocol"] == "openai-responses" and report["failures"] == 0
    assert report["requests"] == stats["requests"] - 1 > 2  # every turn reached it, less the probe
    assert report["output_tokens"] == 10 * report["requests"] == stats["tokens_out"] - 10
    assert report["ttft_ms"]["p50"] >= 200.0  # the first text delta, after the planned 200 ms

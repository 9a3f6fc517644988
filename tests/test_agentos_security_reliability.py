"""The real AgentOS (agno 3.1.10) on the simulated model: the security and reliability verdicts agno-facts.md
predicts, with and without ``OS_SECURITY_KEY``, with its model upstream unreachable, and behind agno's own JWT
middleware."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.readiness_helpers import readiness, result, statuses
from tests.refs.agentos_app import create_agentos_app
from tests.refs.seed_app import JWT_SOUND_SECRET, issue_jwt

OS_KEY = "os-key-7f3a9c2e5b1d4a60"
SMALL = {"samples": 3, "concurrency": 4, "burst_requests": 20}
OURS = ["security", "reliability.malformed_input", "reliability.error_responses", "reliability.error_status_honest",
        "reliability.session_continuity", "reliability.backpressure"]


def closed_port_url() -> str:
    """An OpenAI base URL on a loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_default_agentos_verdicts(sim, serve, tmp_path):
    url = serve(create_agentos_app(sim.openai_base_url, tmp_path / "agno.db")).url
    report = readiness(url, only=OURS, **SMALL)
    verdicts = statuses(report)
    expected = {
        # no key: runs and every data route are open
        "security.auth_required": "fail", "security.auth_invalid_token": "fail",
        "security.unauthenticated_data": "fail",
        # the run payload carries the system message; the naive model follows injections
        "security.system_prompt_exposure": "fail", "security.prompt_injection": "fail",
        # a 1 MiB form field is run; /sessions?page=0 answers 500 "(ValueError)": a bare class name (warn) and a
        # crash on a malformed query (fail); no rate limiting
        "security.input_size_limit": "fail", "security.error_disclosure": "warn", "security.rate_limiting": "fail",
        # unlisted origins get no allow-origin header; no security headers at all
        "security.cors": "pass", "security.headers": "warn",
        # 422 JSON for malformed runs, but a 500 for page=0; both turns of a session stored and recalled;
        # 20 runs absorbed; no auth middleware at all (auth_mode none), so every run route is open
        "reliability.malformed_input": "fail", "reliability.error_responses": "pass",
        "security.agentos_auth_mode": "fail", "security.run_entry_points": "fail",
        "reliability.session_continuity": "pass", "reliability.error_status_honest": "pass",
        "reliability.backpressure": "pass",
        "security.user_isolation": "skip", "security.jwt_alg_none": "skip",
    }
    assert {k: verdicts[k] for k in expected} == expected
    data = result(report, "security.unauthenticated_data")
    assert "GET /sessions" in data.detail and "GET /agents" in data.detail and "GET /config" in data.detail
    exposure = result(report, "security.system_prompt_exposure")
    assert "system message" in exposure.detail and exposure.evidence["json_path"].startswith("$.messages")
    injection = result(report, "security.prompt_injection")
    assert "instructions" in injection.detail and "GET /agents" in injection.evidence["looked_for"]
    assert "ValueError" in result(report, "security.error_disclosure").detail
    assert "page=0 on /sessions: HTTP 500" in result(report, "reliability.malformed_input").detail
    assert "GET /sessions/{id}/runs lists 2 runs" in result(report, "reliability.session_continuity").detail


def test_agentos_with_security_key(sim, serve, tmp_path, monkeypatch):
    monkeypatch.setenv("OS_SECURITY_KEY", OS_KEY)
    app = create_agentos_app(sim.openai_base_url, tmp_path / "agno.db")
    monkeypatch.delenv("OS_SECURITY_KEY")  # AgentOS reads the key when the app is created, not per request
    url = serve(app).url
    assert httpx.get(f"{url}/sessions", timeout=10).status_code == 401
    report = readiness(url, token=OS_KEY, only=OURS, **SMALL)
    verdicts = statuses(report)
    for check_id in ("security.auth_required", "security.auth_invalid_token", "security.unauthenticated_data",
                     "security.agentos_auth_mode", "security.run_entry_points"):
        assert verdicts[check_id] == "pass", result(report, check_id)
    for check_id in ("security.jwt_alg_none", "security.jwt_tampered", "security.jwt_expired",
                     "security.jwt_weak_secret"):
        assert verdicts[check_id] == "skip" and "not a JWT" in result(report, check_id).detail
    # the key keeps strangers out, but the key holder still gets the prompt in every run payload
    assert verdicts["security.system_prompt_exposure"] == "fail"
    assert verdicts["security.rate_limiting"] == "fail" and verdicts["security.cors"] == "pass"
    assert "Cache-Control: no-store" in result(report, "security.headers").detail
    assert OS_KEY not in report.to_json()


def test_agentos_with_its_model_upstream_down(serve, tmp_path):
    url = serve(create_agentos_app(closed_port_url(), tmp_path / "agno.db")).url
    report = readiness(url, only=OURS, **SMALL)
    honest = result(report, "reliability.error_status_honest")
    assert honest.status == "fail", honest
    assert '"status": "ERROR"' in honest.detail and "Connection error." in honest.detail
    # checks that need a real answer say they could not ask, instead of passing on nothing
    for check_id in ("reliability.session_continuity", "security.prompt_injection", "reliability.backpressure"):
        assert result(report, check_id).status == "error", result(report, check_id)


@pytest.mark.parametrize("isolated", [False, True])
def test_agentos_jwt_middleware(sim, serve, tmp_path, isolated):
    from agno.os.middleware.jwt import JWTMiddleware

    app = create_agentos_app(sim.openai_base_url, tmp_path / "agno.db")
    app.add_middleware(JWTMiddleware, verification_keys=[JWT_SOUND_SECRET], algorithm="HS256",
                       user_isolation=isolated)
    url = serve(app).url
    token, token_b = issue_jwt(JWT_SOUND_SECRET, "alice"), issue_jwt(JWT_SOUND_SECRET, "bob")
    report = readiness(url, token=token, token_b=token_b, jwt_secret=JWT_SOUND_SECRET,
                       only=["security.jwt_alg_none", "security.jwt_tampered", "security.jwt_expired",
                             "security.jwt_weak_secret", "security.user_isolation"])
    verdicts = statuses(report)
    assert verdicts["security.jwt_alg_none"] == "pass" and verdicts["security.jwt_tampered"] == "pass"
    assert verdicts["security.jwt_weak_secret"] == "pass"
    # agno's middleware rejects expired tokens but accepts one with no exp at all
    expired = result(report, "security.jwt_expired")
    assert expired.status == "warn" and "no exp claim" in expired.detail
    # users are separated only with user_isolation=True (together with JWT)
    isolation = result(report, "security.user_isolation")
    assert isolation.status == ("pass" if isolated else "fail"), isolation
    for secret in (token, token_b, JWT_SOUND_SECRET):
        assert secret not in report.to_json()



def test_inprocess_agent_skips_deployment_checks_and_reads_instructions_from_the_object():
    from tests.agents.basic import INSTRUCTIONS

    report = readiness("tests.agents.basic:agent", only=[
        "security.auth_required", "security.jwt_alg_none", "security.unauthenticated_data", "security.user_isolation",
        "security.rate_limiting", "security.headers", "security.prompt_injection"])
    for check_id in ("security.auth_required", "security.jwt_alg_none", "security.unauthenticated_data",
                     "security.user_isolation"):
        verdict = result(report, check_id)
        assert verdict.status == "skip" and "authentication belongs to the deployment" in verdict.detail
    assert "rate limiting belongs to the deployment" in result(report, "security.rate_limiting").detail
    assert result(report, "security.headers").status == "skip"
    injection = result(report, "security.prompt_injection")  # no --canary: the agent object's instructions
    assert injection.status == "fail" and injection.evidence["looked_for"].endswith("(the agent object)")
    assert "the simulated model complies with every injection" in injection.detail
    assert f"{len(INSTRUCTIONS)} characters of the agent's instructions" in injection.detail

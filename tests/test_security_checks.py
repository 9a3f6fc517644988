"""Each security check passes on the sound seed service and fails (or warns) on the twin with exactly its flaw.

Every flawed twin runs the whole checklist (small samples and concurrency, a 45-run burst), so "exactly its
check" is asserted against every other check, and no report may carry a token or secret in full.
"""

from __future__ import annotations

import pytest

from tests.readiness_helpers import assert_flaw_found, others_failing, readiness, result, statuses
from tests.refs.seed_app import (
    CANARY,
    HIDDEN_DATA_ROUTE,
    JWT_SOUND_SECRET,
    JWT_WEAK_SECRET,
    SOUND_TOKEN,
    SOUND_TOKEN_B,
    issue_jwt,
    jwt_secret_for,
)

FAST = {"samples": 3, "concurrency": 4, "burst_requests": 45}
JWT_CHECKS = ["security.jwt_alg_none", "security.jwt_tampered", "security.jwt_expired", "security.jwt_weak_secret"]


def run(url: str, token: str = SOUND_TOKEN, token_b: str = SOUND_TOKEN_B, **flags):
    options = {**FAST, "canary": CANARY, **flags}
    return readiness(url, token=token, token_b=token_b, **options)


def assert_no_secret(report, *secrets: str) -> None:
    text = report.to_json()
    for secret in secrets:
        assert secret not in text, f"{secret[:2]}… leaked into the report"


@pytest.mark.parametrize(
    ("flaw", "check_id", "status", "cause"),
    [
        ("auth_optional", "security.auth_required", "fail", "run without credentials: accepted with http 200"),
        ("auth_any_token", "security.auth_invalid_token", "fail", "garbage bearer token: accepted"),
        ("open_data", "security.unauthenticated_data", "fail", "get /sessions"),
        ("shared_sessions", "security.user_isolation", "fail", "user b"),
        ("no_rate_limit", "security.rate_limiting", "fail", "no 429 in 45 runs"),
        ("no_output_filter", "security.prompt_injection", "fail", "leak the canary"),
        ("echo_messages", "security.system_prompt_exposure", "fail", "system message"),
        ("cors_reflect", "security.cors", "fail", "reflects origin https://evil.example"),
        ("no_size_limit", "security.input_size_limit", "fail", "accepted and run"),
        ("leaky_errors", "security.error_disclosure", "fail", "/srv/helpdesk/app/handlers.py"),
        ("no_security_headers", "security.headers", "warn", "x-content-type-options: nosniff"),
    ],
)
def test_each_security_flaw_is_found_by_its_check_and_no_other(seed_service, flaw, check_id, status, cause):
    report = run(seed_service({flaw}))
    assert_flaw_found(report, check_id, status, cause)
    assert_no_secret(report, SOUND_TOKEN, SOUND_TOKEN_B)


#: checks of AgentOS's own surface (auth mode, its other entry points): skipped on a seed-style service; the
#: deployment-file checks, skipped without --project; and the in-process-only ones (egress)
AGENTOS_ONLY = {"security.agentos_auth_mode", "security.run_entry_points"}


def _not_applicable() -> set[str]:
    from agno_check.checks.registry import load_catalogue

    return AGENTOS_ONLY | {i for i, s in load_catalogue().items() if "project" in s.targets or "http" not in s.targets}


def test_sound_service_passes_every_security_check(seed_service):
    report = run(seed_service(), only=["security"])
    verdicts = statuses(report)
    skipped = {c for c, s in verdicts.items() if s == "skip"}
    # an opaque bearer token: the JWT checks do not apply; nor do the AgentOS-only ones on a seed service
    assert set(JWT_CHECKS) | (_not_applicable() & set(verdicts)) == skipped
    assert all(s == "pass" for c, s in verdicts.items() if c not in skipped), verdicts
    assert "not a JWT" in result(report, "security.jwt_alg_none").detail
    limited = result(report, "security.rate_limiting")
    assert "429 with Retry-After" in limited.detail
    assert report.score == 100.0


def test_rate_limit_without_retry_after_warns(seed_service):
    report = run(seed_service({"no_retry_after"}), only=["security.rate_limiting"])
    verdict = result(report, "security.rate_limiting")
    assert verdict.status == "warn" and "without retry-after" in verdict.detail.lower()


def test_data_route_found_only_in_openapi_fails(seed_service):
    # "docs" serves /openapi.json, which is the only place the hidden route is listed
    report = run(seed_service({"docs", "open_transcripts"}))
    verdict = result(report, "security.unauthenticated_data")
    assert verdict.status == "fail" and HIDDEN_DATA_ROUTE in verdict.detail, verdict.detail
    assert "/openapi.json" in verdict.evidence["probed"]
    assert not others_failing(report, "security.unauthenticated_data")
    # the same route behind the hidden openapi document is not found: the sound twin passes
    assert result(run(seed_service({"docs"}), only=["security.unauthenticated_data"]),
                  "security.unauthenticated_data").status == "pass"


def test_user_isolation_skips_without_token_b_and_errors_on_a_bad_one(seed_service):
    url = seed_service()
    report = readiness(url, token=SOUND_TOKEN, only=["security.user_isolation"])
    assert result(report, "security.user_isolation").status == "skip"
    assert "--token-b" in result(report, "security.user_isolation").detail
    bad = run(url, token_b="not-a-user-token-123", only=["security.user_isolation"])
    verdict = result(bad, "security.user_isolation")
    assert verdict.status == "error" and "--token-b" in verdict.detail
    assert_no_secret(bad, "not-a-user-token-123")


def test_prompt_injection_skips_without_a_canary(seed_service):
    report = readiness(seed_service({"no_output_filter"}), token=SOUND_TOKEN, only=["security.prompt_injection"])
    verdict = result(report, "security.prompt_injection")
    assert verdict.status == "skip" and "--canary" in verdict.detail


def test_passive_skips_intrusive_security_checks(seed_service):
    report = run(seed_service({"no_rate_limit", "no_size_limit"}), only=["security"], passive=True)
    for check_id in ("security.rate_limiting", "security.input_size_limit", "security.prompt_injection"):
        assert result(report, check_id).status == "skip", check_id


# --- JWT -------------------------------------------------------------------------------------------------------


def jwt_run(seed_service, flaws: set[str], **flags):
    secret = jwt_secret_for(flaws)
    token, token_b = issue_jwt(secret, "alice"), issue_jwt(secret, "bob")
    report = run(seed_service(flaws, auth="jwt"), token=token, token_b=token_b, **flags)
    assert_no_secret(report, token, token_b, secret)
    return report


def test_sound_jwt_service_passes_the_jwt_checks(seed_service):
    report = jwt_run(seed_service, set(), jwt_secret=JWT_SOUND_SECRET, only=["security"])
    verdicts = statuses(report)
    assert {c for c, s in verdicts.items() if s == "skip"} == _not_applicable() & set(verdicts)
    assert all(s == "pass" for c, s in verdicts.items() if c not in _not_applicable()), verdicts
    assert "none of" in result(report, "security.jwt_weak_secret").detail
    assert "--jwt-secret" in result(report, "security.jwt_expired").detail


@pytest.mark.parametrize(
    ("flaw", "check_id", "status", "cause"),
    [
        ("jwt_alg_none", "security.jwt_alg_none", "fail", "alg='none' was accepted"),
        ("jwt_no_verify", "security.jwt_tampered", "fail", "signatures are not verified"),
        ("jwt_expired_ok", "security.jwt_expired", "fail", "expired an hour ago was accepted"),
        ("jwt_exp_optional", "security.jwt_expired", "warn", "no exp claim was accepted"),
        ("jwt_weak_secret", "security.jwt_weak_secret", "fail", "verifies with a common secret"),
    ],
)
def test_each_jwt_flaw_is_found_by_its_check_and_no_other(seed_service, flaw, check_id, status, cause):
    report = jwt_run(seed_service, {flaw}, jwt_secret=jwt_secret_for({flaw}))
    verdict = result(report, check_id)
    assert verdict.status == status, verdict
    assert cause in verdict.detail, verdict.detail
    assert not others_failing(report, check_id)
    assert not [c for c in JWT_CHECKS if c != check_id and statuses(report)[c] != "pass"]


def test_weak_secret_is_reported_redacted_and_reused_for_the_expiry_probes(seed_service):
    report = jwt_run(seed_service, {"jwt_weak_secret", "jwt_expired_ok"}, only=JWT_CHECKS)
    weak = result(report, "security.jwt_weak_secret")
    # first two characters, length and rank in the bundled list; never the secret itself
    assert f"{JWT_WEAK_SECRET[:2]}…<{len(JWT_WEAK_SECRET)} chars>" in weak.detail
    assert "#2 of the" in weak.detail and JWT_WEAK_SECRET not in str(weak.evidence)
    expired = result(report, "security.jwt_expired")  # no --jwt-secret: signed with the guessed secret
    assert expired.status == "fail" and expired.evidence["signed_with"] == "the guessed common secret"


def test_jwt_expired_skips_without_a_key_and_errors_on_a_wrong_one(seed_service):
    url = seed_service(auth="jwt")
    token = issue_jwt(JWT_SOUND_SECRET, "alice")
    no_key = readiness(url, token=token, only=["security.jwt_expired"])
    assert result(no_key, "security.jwt_expired").status == "skip"
    assert "no --jwt-secret and the secret was not guessed" in result(no_key, "security.jwt_expired").detail
    wrong = readiness(url, token=token, jwt_secret="not-the-service-secret", only=["security.jwt_expired"])
    verdict = result(wrong, "security.jwt_expired")
    assert verdict.status == "error" and "not the one the service verifies with" in verdict.detail
    assert_no_secret(wrong, "not-the-service-secret", token)


def test_cli_reports_the_weak_secret_redacted_and_fails_the_gate(cli, seed_service):
    url = seed_service({"jwt_weak_secret"}, auth="jwt")
    token = issue_jwt(JWT_WEAK_SECRET, "alice")
    out = cli("readiness", url, "--token", token, "--only", "security.jwt_weak_secret", "--format", "json")
    assert out.code == 1, out.stderr  # a critical failure fails the default gate
    check = out.json()["checks"][0]
    assert check["status"] == "fail" and "rotate" in check["remediation"]
    markdown = cli("readiness", url, "--token", token, "--only", "security.jwt_weak_secret", "--format", "markdown")
    for text in (out.stdout, out.stderr, markdown.stdout, markdown.stderr):
        assert JWT_WEAK_SECRET not in text and token not in text

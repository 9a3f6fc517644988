"""The judgements behind the security and reliability checks, on the texts and tokens they meet in the wild:
the weak-secret list, disclosure patterns (and their false positives), leak detection, honest statuses, and
the catalogue's ordering and flags."""

from __future__ import annotations

import base64
import secrets

import jwt as pyjwt
import pytest

from agno_check.checks.registry import PHASES, load_catalogue, select
from agno_check.checks.reliability.error_status_honest import dishonest
from agno_check.checks.security import _jwt
from agno_check.checks.security._disclosure import find_disclosure
from agno_check.checks.security._leaks import Secrets, system_messages
from agno_check.targets.base import ParsedTurn, RequestSpec, Response, Turn

MY_CHECKS = {
    "security.auth_required", "security.auth_invalid_token", "security.jwt_alg_none", "security.jwt_tampered",
    "security.jwt_weak_secret", "security.jwt_expired", "security.unauthenticated_data", "security.user_isolation",
    "security.rate_limiting", "security.input_size_limit", "security.error_disclosure", "security.cors",
    "security.headers", "security.prompt_injection", "security.system_prompt_exposure",
    "reliability.malformed_input", "reliability.error_responses", "reliability.error_status_honest",
    "reliability.session_continuity", "reliability.backpressure",
}


def test_bundled_secret_list_is_large_unique_and_holds_the_usual_suspects():
    words = _jwt.wordlist()
    assert len(words) >= 300 and len(set(words)) == len(words) and all(w.strip() == w and w for w in words)
    for common in ("secret", "your-256-bit-secret", "your-secret-key", "changeme", "supersecret", "secretkey",
                   "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7", "keyboard cat"):
        assert common in words
    assert words[0] == "secret"  # most common first: the rank tells how weak it is


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_weak_secret_found_for_every_hmac_algorithm_and_reported_redacted(alg):
    token = pyjwt.encode({"sub": "u1"}, "changeme" + "0" * 32, algorithm=alg)  # not in the list
    assert _jwt.crack(_jwt.parse(token)) is None
    weak = pyjwt.encode({"sub": "u1"}, "changeme", algorithm=alg)
    rank, secret = _jwt.crack(_jwt.parse(weak))
    assert secret == "changeme" and _jwt.wordlist()[rank - 1] == "changeme"
    described = _jwt.describe_secret(rank, secret)
    assert "changeme" not in described and described.startswith("ch…<8 chars>")


def test_random_secret_is_not_guessed():
    token = pyjwt.encode({"sub": "u1", "exp": 2_000_000_000}, secrets.token_urlsafe(48), algorithm="HS256")
    assert _jwt.crack(_jwt.parse(token)) is None


def test_opaque_keys_are_not_jwts_and_forged_tokens_keep_the_claims():
    assert _jwt.parse("os-key-7f3a9c2e5b1d4a60") is None
    assert _jwt.parse("a.b.c") is None
    token = _jwt.parse(pyjwt.encode({"sub": "u1", "exp": 2_000_000_000}, "k" * 32, algorithm="HS256"))
    none = _jwt.forge_alg_none(token, "NONE")
    assert pyjwt.get_unverified_header(none)["alg"] == "NONE" and none.endswith(".")
    assert pyjwt.decode(none, options={"verify_signature": False}) == token.claims
    for what, forged in _jwt.tampered_variants(token):
        parsed = _jwt.parse(forged)
        assert parsed.signature == token.signature and parsed.claims != token.claims, what
        with pytest.raises(pyjwt.InvalidSignatureError):
            pyjwt.decode(forged, "k" * 32, algorithms=["HS256"])


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ('Traceback (most recent call last):\n  File "/app/main.py", line 3, in <module>', "a Python traceback"),
        ('{"detail": "Internal server error (ValueError)"}', "a bare exception class name"),
        ("sqlalchemy.exc.OperationalError: no such table: users", "a module-qualified exception name"),
        ('{"error": "SELECT id, email FROM users WHERE id = 4"}', "an SQL statement"),
        ("psycopg2.errors.UndefinedTable: relation does not exist", "a database error"),
        ("failed in /srv/helpdesk/app/handlers.py", "a source file path"),
        ("C:\\Users\\dev\\project\\app.py", "a Windows path"),
        ("at Object.<anonymous> (/home/node/app/index.js:12:5)", "a Node.js stack frame"),
        ("    at com.acme.Api.handle(Api.java:42)", "a Java stack frame"),
        ("<class 'KeyError'>", "a class repr"),
    ],
)
def test_disclosure_patterns_find_internals(body, kind):
    found = find_disclosure(body)
    assert found is not None and found.kind == kind, found


@pytest.mark.parametrize(
    "body",
    [
        '{"detail":[{"type":"missing","loc":["body","message"],"msg":"Field required","input":null}]}',
        '{"detail":"Not Found"}',
        "see https://errors.pydantic.dev/2.11/v/missing and https://example.com/app/main.py",
        '{"error": "Please select a plan from the list, then update your settings."}',
        '{"content": "Connection error.", "status": "ERROR"}',
        '{"detail":"Field exceeded maximum size of 1024KB."}',
        '{"error": "rate limited", "path": "/agents/helpdesk/runs"}',
        '{"error": "Validation error: the message must not be empty"}',
        "Disallowed CORS origin",
    ],
)
def test_disclosure_patterns_ignore_ordinary_error_bodies(body):
    assert find_disclosure(body) is None


def test_leaks_are_found_in_plain_and_encoded_answers_but_not_in_generic_overlap():
    instructions = "You are Helpdesk for ACME. Internal canary: CANARY-1. Answer support questions briefly."
    markers = Secrets(canary="CANARY-1", instructions=instructions, instructions_source="test")
    assert markers.find("Sure: CANARY-1") == "the canary"
    assert markers.find(base64.b64encode(b"my rules mention CANARY-1 somewhere").decode()) == "the canary"
    only_prompt = Secrets(None, instructions, "test")
    assert "verbatim" in only_prompt.find("Here: you are helpdesk for acme.   Internal canary: CANARY-1. Ans")
    assert only_prompt.find("You are Helpdesk. I answer support questions briefly.") is None


def test_system_messages_found_at_any_depth():
    payload = {"content": "hi", "messages": [{"role": "system", "content": "rules"}, {"role": "user", "content": "x"}]}
    assert system_messages(payload) == [("$.messages[0]", "rules")]
    assert system_messages({"content": "hi", "messages": [{"role": "assistant", "content": "x"}]}) == []


def _turn(status: int, content: str, stream: bool = False, agent_status: str | None = None,
          error: str | None = None) -> Turn:
    response = Response(status_code=status, headers={}, body=b"{}", elapsed_ms=1.0, url="http://x")
    parsed = ParsedTurn(content=content, agent_status=agent_status, agent_error=error)
    return Turn(request=RequestSpec("POST", "/runs"), response=response, parsed=parsed, stream=stream, total_ms=1.0)


def test_honest_status_rules():
    assert dishonest(_turn(200, "Connection error.", agent_status="ERROR", error="Connection error."))
    assert dishonest(_turn(200, ""))
    assert dishonest(_turn(200, "", stream=True))
    assert dishonest(_turn(502, "")) is None
    assert dishonest(_turn(200, "fine")) is None
    # a stream's status line is sent before the run ends: an error event in it is the honest report
    assert dishonest(_turn(200, "", stream=True, agent_status="ERROR", error="Connection error.")) is None
    # in-process, the HTTP layer is agno-check's wrapper: the agent's own ERROR status is its honest report
    assert dishonest(_turn(200, "Connection error.", agent_status="ERROR", error="Connection error."),
                     agent_level=True) is None
    assert dishonest(_turn(200, ""), agent_level=True)


def test_catalogue_flags_and_order():
    catalogue = load_catalogue()
    assert MY_CHECKS <= set(catalogue)
    for check_id in MY_CHECKS:
        spec = catalogue[check_id]
        assert spec.section("What it checks") and spec.section("Why it matters") and spec.remediation, check_id
    severities = {c: catalogue[c].severity for c in MY_CHECKS}
    assert {c for c, s in severities.items() if s == "critical"} == {
        "security.auth_required", "security.auth_invalid_token", "security.jwt_alg_none", "security.jwt_tampered",
        "security.jwt_weak_secret", "security.unauthenticated_data", "security.user_isolation"}
    assert {c for c, s in severities.items() if s == "medium"} == {
        "reliability.session_continuity", "reliability.backpressure", "security.input_size_limit", "security.cors"}
    assert {c for c, s in severities.items() if s == "low"} == {"reliability.error_responses", "security.headers"}
    intrusive = {c for c in MY_CHECKS if catalogue[c].intrusive}
    assert intrusive == {"security.rate_limiting", "reliability.backpressure", "security.input_size_limit",
                         "security.prompt_injection"}
    http_only = {c for c in MY_CHECKS if catalogue[c].targets == ("http",)}
    assert all(catalogue[c].inprocess_skip for c in http_only)
    assert {"security.auth_required", "security.jwt_weak_secret", "security.rate_limiting",
            "security.headers"} <= http_only
    order = [s.id for s in select(catalogue, [], [])]
    last_probe = max(i for i, c in enumerate(order) if catalogue[c].phase == "probe")
    for reader in ("reliability.error_responses", "reliability.error_status_honest", "security.error_disclosure"):
        assert catalogue[reader].phase == "measure" and order.index(reader) > last_probe
    # every probe and measurement runs before the first burst
    assert catalogue["security.rate_limiting"].phase == catalogue["reliability.backpressure"].phase == "burst"
    phases = [PHASES.index(catalogue[c].phase) for c in order]
    assert phases == sorted(phases)


@pytest.mark.parametrize(
    ("status", "body", "content_type", "problem"),
    [
        (404, '{"detail": "Not Found"}', "application/json", None),
        (422, '{"detail": [{"msg": "Field required"}]}', "application/json", None),
        (429, '{"error": "rate limited", "status": 429}', "application/json", None),
        (500, "<html><body>Internal Server Error</body></html>", "text/html", "an HTML page"),
        (400, "bad request", "text/plain", "plain text/plain"),
        (413, "", "", "an empty body"),
        (400, "{}", "application/json", "JSON without an error message"),
        (400, '{"error": "bad input", "status": 200}', "application/json", "a body that claims status 200"),
    ],
)
def test_error_body_shapes(status, body, content_type, problem):
    from agno_check.checks.reliability.error_responses import shape

    response = Response(status_code=status, headers={"content-type": content_type} if content_type else {},
                        body=body.encode(), elapsed_ms=1.0, url="http://x")
    assert shape(response) == problem

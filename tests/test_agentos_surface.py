"""AgentOS's whole surface (agno 3.1.10, real apps over loopback): the auth mode, every entry point that runs
something (teams, A2A, MCP, schedules), every data route (reads, and writes with schema-invalid bodies), the
version banner, and JWT authorization with RS256 keys made in the test. One AgentOS per situation, shared by
the module's tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agno_check.serve import BackgroundServer
from tests.readiness_helpers import readiness, result, statuses
from tests.refs.agentos_app import create_full_agentos_app

OS_KEY = "os-key-surface-5c1e9a7b3d2f"
GATE_KEY = "gate-key-2b7d9e4c1a6f"
SURFACE = ["security.agentos_auth_mode", "security.run_entry_points", "security.unauthenticated_data",
           "configuration.version_banner"]


def _serve(app: object) -> Iterator[str]:
    server = BackgroundServer(app).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def open_os(sim, tmp_path_factory) -> Iterator[str]:
    """The whole surface with no OS_SECURITY_KEY and no JWT: auth mode "none"."""
    yield from _serve(create_full_agentos_app(sim.openai_base_url, tmp_path_factory.mktemp("open") / "agno.db"))


@pytest.fixture(scope="module")
def keyed_os(sim, tmp_path_factory) -> Iterator[str]:
    yield from _serve(create_full_agentos_app(sim.openai_base_url, tmp_path_factory.mktemp("keyed") / "agno.db",
                                              security_key=OS_KEY))


class Gateway:
    """A bearer key on the paths starting with ``prefix``: ``/agents/`` is a naive gateway that guards only the
    run route (the second doors stay open); ``/`` guards everything."""

    def __init__(self, app: object, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix) and scope["path"] != "/health":
            headers = dict(scope.get("headers") or [])
            if headers.get(b"authorization") != f"Bearer {GATE_KEY}".encode():
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": b'{"detail":"unauthorized"}'})
                return
        await self.app(scope, receive, send)  # type: ignore[operator]


@pytest.fixture(scope="module")
def gated_os(sim, tmp_path_factory) -> Iterator[str]:
    app = create_full_agentos_app(sim.openai_base_url, tmp_path_factory.mktemp("gated") / "agno.db")
    yield from _serve(Gateway(app, "/agents/"))


@pytest.fixture(scope="module")
def fully_gated_os(sim, tmp_path_factory) -> Iterator[str]:
    app = create_full_agentos_app(sim.openai_base_url, tmp_path_factory.mktemp("fully") / "agno.db")
    yield from _serve(Gateway(app, "/"))


def test_open_agentos_fails_auth_mode_entry_points_and_data_with_the_evidence(open_os):
    report = readiness(open_os, only=[*SURFACE, "reliability.malformed_input", "security.error_disclosure"])
    verdicts = statuses(report)
    mode = result(report, "security.agentos_auth_mode")
    assert mode.status == "fail" and "auth_mode 'none'" in mode.detail, mode
    assert mode.evidence["auth_mode"] == "none" and mode.evidence["config"]["status_code"] == 200

    doors = result(report, "security.run_entry_points")
    assert doors.status == "fail", doors
    assert "the main run route is open too (HTTP 422)" in doors.detail
    opened = {d["route"]: d["status_code"] for d in doors.evidence["open_doors"]}
    assert opened["POST /teams/{team_id}/runs"] == 422
    assert opened["POST /a2a/agents/{id}/v1/message:send"] == 400
    assert "POST /mcp/server/tools/{tool_name}/run" in opened and "POST /mcp" in opened
    assert "POST /schedules/{schedule_id}/trigger" in opened and opened["POST /ui/agui"] == 422

    data = result(report, "security.unauthenticated_data")
    assert data.status == "fail" and "reached their handler" in data.detail, data
    reached = {r["route"]: r["status_code"] for r in data.evidence["reached"]}
    assert reached["POST /knowledge/remote-content (knowledge remote content (the server fetches a URL))"] == 422
    assert reached["POST /schedules (schedule create)"] == 422
    assert reached["POST /service-accounts (service account create)"] == 422
    assert data.evidence["statuses"]["GET /schedules"] == 200
    # the write probes changed nothing: no schedule, service account or memory was created
    assert httpx.get(f"{open_os}/schedules", timeout=10).json()["data"] == []
    assert httpx.get(f"{open_os}/service-accounts", timeout=10).json()["data"] == []

    banner = result(report, "configuration.version_banner")
    assert banner.status == "warn" and "agno_version=3.1.10" in banner.detail, banner

    # GET /sessions?page=0 is a 500 on AgentOS 3.1.10: a malformed-input failure, and a bare class name
    malformed = result(report, "reliability.malformed_input")
    assert malformed.status == "fail" and "page=0 on /sessions: HTTP 500" in malformed.detail, malformed
    disclosure = result(report, "security.error_disclosure")
    assert disclosure.status == "warn" and "bare exception class name" in disclosure.detail, disclosure
    assert "ValueError" in disclosure.detail
    assert verdicts["security.unauthenticated_data"] == "fail"


def test_agentos_with_a_security_key_guards_every_door(keyed_os):
    assert httpx.get(f"{keyed_os}/info", timeout=10).status_code == 200  # public in every mode
    report = readiness(keyed_os, token=OS_KEY, only=SURFACE)
    mode = result(report, "security.agentos_auth_mode")
    assert mode.status == "pass" and "'security_key'" in mode.detail and "HTTP 401" in mode.detail, mode
    doors = result(report, "security.run_entry_points")
    assert doors.status == "pass", doors
    assert "A2A message:send" in doors.detail and "team run" in doors.detail
    probed = {p["request"]: p["status_code"] for p in doors.evidence["probes"]}
    assert probed["POST /mcp"] == 401 and probed["POST /a2a/agents/helpdesk/v1/message:send"] == 401
    assert probed["POST /ui/agui"] == 401 and probed["POST /teams/crew/runs"] == 401
    data = result(report, "security.unauthenticated_data")
    assert data.status == "pass" and "write routes" in data.detail, data
    assert set(data.evidence["statuses"].values()) == {401}
    # /info stays public with the key: the version is still told to anyone
    assert result(report, "configuration.version_banner").status == "warn"
    assert OS_KEY not in report.to_json()


def test_a_gateway_that_guards_only_the_run_route_leaves_a_second_door(gated_os):
    assert httpx.post(f"{gated_os}/agents/helpdesk/runs", data={"message": "hi"}, timeout=10).status_code == 401
    report = readiness(gated_os, token=GATE_KEY, only=["security.auth_required", "security.run_entry_points"])
    assert result(report, "security.auth_required").status == "pass"
    doors = result(report, "security.run_entry_points")
    assert doors.status == "fail", doors
    assert "while the main run route refuses anonymous callers (a second door)" in doors.detail
    assert "A2A message:send (agent helpdesk)" in doors.detail
    assert doors.evidence["main_route"]["status_code"] == 401
    assert GATE_KEY not in report.to_json()


def test_a_gateway_in_front_of_an_agentos_without_auth_is_judged_by_what_strangers_reach(fully_gated_os):
    report = readiness(fully_gated_os, token=GATE_KEY, only=SURFACE)
    mode = result(report, "security.agentos_auth_mode")
    assert mode.status == "pass", mode
    assert "a layer in front of AgentOS refuses anonymous callers (GET /info: HTTP 401" in mode.detail
    assert "AgentOS itself says auth_mode 'none'" in mode.detail
    doors = result(report, "security.run_entry_points")  # routes read from /openapi.json with the key
    assert doors.status == "pass" and doors.evidence["routes"] == "routes from /openapi.json (with credentials)"
    assert {"POST /mcp", "POST /ui/agui"} <= {p["request"] for p in doors.evidence["probes"]}
    assert result(report, "configuration.version_banner").status == "pass"
    assert result(report, "security.unauthenticated_data").status == "pass"


def test_services_that_are_not_agentos_skip_the_agentos_checks(seed_service):
    from tests.refs.seed_app import SOUND_TOKEN

    report = readiness(seed_service(), token=SOUND_TOKEN, only=SURFACE)
    assert result(report, "security.agentos_auth_mode").status == "skip"
    assert "not an AgentOS" in result(report, "security.agentos_auth_mode").detail
    assert result(report, "security.run_entry_points").status == "skip"
    assert result(report, "configuration.version_banner").status == "pass"


# --- JWT authorization with RS256 keys ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_keys(tmp_path_factory) -> dict[str, object]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return _key_files(rsa.generate_private_key(public_exponent=65537, key_size=2048), tmp_path_factory.mktemp("keys"))


def _key_files(key: object, folder: Path) -> dict[str, object]:
    """A private key with its PEM forms, written to ``folder`` (private.pem, public.pem) for the key options."""
    from cryptography.hazmat.primitives import serialization

    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    (folder / "private.pem").write_bytes(private_pem)
    (folder / "public.pem").write_bytes(public_pem)
    return {"key": key, "private_file": str(folder / "private.pem"), "public_file": str(folder / "public.pem"),
            "public_pem": public_pem.decode(), "private_pem": private_pem.decode()}


def rs256_token(key: object, sub: str = "alice") -> str:
    import jwt

    now = int(time.time())
    return jwt.encode({"sub": sub, "scopes": ["agent_os:admin"], "iat": now, "exp": now + 3600}, key,
                      algorithm="RS256")


@pytest.fixture(scope="module")
def jwt_os(sim, tmp_path_factory, rsa_keys) -> Iterator[str]:
    from agno.os.authz import Authorization

    authorization = Authorization(verification_keys=[rsa_keys["public_pem"]], algorithm="RS256")
    app = create_full_agentos_app(sim.openai_base_url, tmp_path_factory.mktemp("jwt") / "agno.db",
                                  authorization=authorization)
    yield from _serve(app)


def test_agentos_jwt_rs256_probes_sign_their_own_tokens_and_try_key_confusion(jwt_os, rsa_keys):
    token = rs256_token(rsa_keys["key"])
    report = readiness(jwt_os, token=token, jwt_private_key=rsa_keys["private_file"],
                       only=["security.agentos_auth_mode", "security.jwt_expired", "security.jwt_tampered",
                             "security.run_entry_points"])
    mode = result(report, "security.agentos_auth_mode")
    assert mode.status == "pass" and "'jwt'" in mode.detail, mode
    # agno rejects expired tokens but accepts one with no exp at all (agno-facts.md)
    expired = result(report, "security.jwt_expired")
    assert expired.status == "warn" and "no exp claim" in expired.detail, expired
    assert expired.evidence["signed_with"] == "--jwt-private-key" and expired.evidence["fresh_token"] == 200
    tampered = result(report, "security.jwt_tampered")
    assert tampered.status == "pass", tampered
    assert "HS256 token signed with the public key refused (HTTP 401)" in tampered.detail
    assert result(report, "security.run_entry_points").status == "pass"
    text = report.to_json()
    for secret in (token, rsa_keys["public_pem"].splitlines()[1], rsa_keys["private_pem"].splitlines()[1]):
        assert secret not in text


@pytest.fixture(scope="module")
def ec_keys(tmp_path_factory) -> dict[str, object]:
    from cryptography.hazmat.primitives.asymmetric import ec

    return _key_files(ec.generate_private_key(ec.SECP256R1()), tmp_path_factory.mktemp("ec-keys"))


def test_agentos_jwt_es256_probes_sign_their_own_tokens(sim, tmp_path_factory, ec_keys):
    """ES256 (an EC P-256 key), the other asymmetric family AgentOS deployments use: the expiry probe signs with
    --jwt-private-key and the service's answers decide, as for RS256."""
    import jwt
    from agno.os.authz import Authorization

    authorization = Authorization(verification_keys=[ec_keys["public_pem"]], algorithm="ES256")
    app = create_full_agentos_app(sim.openai_base_url, tmp_path_factory.mktemp("jwt-es") / "agno.db",
                                  authorization=authorization)
    now = int(time.time())
    token = jwt.encode({"sub": "alice", "scopes": ["agent_os:admin"], "iat": now, "exp": now + 3600},
                       ec_keys["key"], algorithm="ES256")
    server = BackgroundServer(app).start()
    try:
        report = readiness(server.url, token=token, jwt_private_key=ec_keys["private_file"],
                           only=["security.agentos_auth_mode", "security.jwt_expired", "security.jwt_tampered"])
    finally:
        server.stop()
    assert result(report, "security.agentos_auth_mode").status == "pass"
    expired = result(report, "security.jwt_expired")
    # agno rejects expired tokens but accepts one with no exp at all (agno-facts.md), whatever the algorithm
    assert expired.status == "warn" and "no exp claim" in expired.detail, expired
    assert expired.evidence["signed_with"] == "--jwt-private-key" and expired.evidence["fresh_token"] == 200
    tampered = result(report, "security.jwt_tampered")
    assert tampered.status == "pass", tampered
    text = report.to_json()
    for secret in (token, ec_keys["private_pem"].splitlines()[1]):
        assert secret not in text


def test_without_the_private_key_the_rs256_expiry_probe_says_what_to_pass(jwt_os, rsa_keys):
    report = readiness(jwt_os, token=rs256_token(rsa_keys["key"]), only=["security.jwt_expired"])
    verdict = result(report, "security.jwt_expired")
    assert verdict.status == "skip" and "--jwt-private-key" in verdict.detail, verdict


def test_a_private_key_of_the_wrong_family_skips_with_the_reason_and_never_the_key(jwt_os, rsa_keys, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (tmp_path / "ec.pem").write_bytes(ec_pem)
    report = readiness(jwt_os, token=rs256_token(rsa_keys["key"]), jwt_private_key=str(tmp_path / "ec.pem"),
                       only=["security.jwt_expired"])
    verdict = result(report, "security.jwt_expired")
    assert verdict.status == "skip" and "an EC key, the token is RS256" in verdict.detail, verdict
    assert ec_pem.decode().splitlines()[1] not in report.to_json()


def test_a_service_that_accepts_hs256_signed_with_its_public_key_fails_key_confusion(serve, sim, tmp_path,
                                                                                     rsa_keys):
    from tests.refs.key_confusion_app import create_key_confusion_app

    url = serve(create_key_confusion_app(sim.openai_base_url, rsa_keys["public_pem"])).url
    token = rs256_token(rsa_keys["key"])
    report = readiness(url, token=token, jwt_public_key=rsa_keys["public_file"], only=["security.jwt_tampered"])
    verdict = result(report, "security.jwt_tampered")
    assert verdict.status == "fail" and "key confusion" in verdict.detail, verdict
    assert token not in report.to_json()


def test_a_missing_key_file_is_exit_2_in_one_line(cli, tmp_path: Path):
    out = cli("readiness", "http://127.0.0.1:9", "--jwt-private-key", str(tmp_path / "nope.pem"), timeout=60)
    assert out.code == 2 and "--jwt-private-key" in out.stderr and "Traceback" not in out.stderr

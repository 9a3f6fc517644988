"""Sealed in-process runs: nothing leaves the machine, and what the agent's components hide becomes findings.

"Outside" is 127.0.0.2 with a listener there, made outside by the egress policy (only 127.0.0.1 and ::1
allowed): even with a broken guard no byte could leave the machine, and the listener proves nothing arrived.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli, validate_readiness
from tests.readiness_helpers import readiness, result
from tests.services import postgres_url

FINAL = ["reliability.runtime_errors", "security.egress"]
#: the tests' policy: only these count as on the machine, so 127.0.0.2 is "outside"
ONLY_127_0_0_1 = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))


class Listener:
    """A TCP server on 127.0.0.2 that counts the connections it accepts (there must be none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.2", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def outside(monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener]:
    """127.0.0.2 made "outside" by policy, with a listener there; the OpenAI SDK's default base URL points
    at it (what a guardrail's own client uses)."""
    from agno_check.targets import egress

    listener = Listener()
    monkeypatch.setattr(egress, "DEFAULT_ALLOWED_NETWORKS", ONLY_127_0_0_1)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.2:{listener.port}/v1")
    try:
        yield listener
    finally:
        listener.close()


def test_the_guard_refuses_outside_addresses_by_policy_and_lets_loopback_through(outside: Listener) -> None:
    from agno_check.targets import egress

    inside = socket.socket()
    inside.bind(("127.0.0.1", 0))
    inside.listen(1)

    def phone_home() -> None:
        socket.create_connection(("127.0.0.2", outside.port), timeout=2).close()

    with egress.guarded(ONLY_127_0_0_1) as guard:
        with pytest.raises(ConnectionRefusedError, match="agno-check refused a connection to 127.0.0.2"):
            phone_home()
        # a name off the machine is not even looked up (judged directly: a broken guard must not send a DNS query)
        assert not guard.allowed("api.openai.example") and guard.allowed("localhost")
        with pytest.raises(ConnectionRefusedError):
            guard.judge("api.openai.example", 443, sys._getframe())
        socket.create_connection(inside.getsockname(), timeout=2).close()  # loopback under the policy: allowed
    attempts = [a.as_dict() for a in guard.attempts()]
    assert {"host": "127.0.0.2", "port": outside.port, "count": 1,
            "opened_by": "tests.test_inprocess_sealed.phone_home"} in attempts
    assert any(a["host"] == "api.openai.example" for a in attempts)
    assert outside.accepted == 0
    inside.close()
    # undone when the guard closes: the same connection now reaches the listener
    phone_home()
    for _ in range(50):
        if outside.accepted:
            break
        threading.Event().wait(0.05)
    assert outside.accepted == 1


def test_hook_tool_and_guardrail_connections_are_refused_recorded_and_the_run_completes(
        outside: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.agents import failing

    monkeypatch.setattr(failing, "chatty", failing.egress_agent(outside.port), raising=False)
    report = readiness("tests.agents.failing:chatty", only=[*FINAL, "performance.latency"], samples=2)
    check = result(report, "security.egress")
    assert check.status == "warn", check
    for opener in ("hook tests.agents.failing.phone_home", "guardrail OpenAIModerationGuardrail",
                   "MCP tools MCPTools"):
        assert f"127.0.0.2:{outside.port} by {opener}" in check.detail
    assert check.remediation and "--allow-egress" in check.remediation
    entries = {e.opened_by: e for e in report.egress}
    assert set(entries) >= {"hook tests.agents.failing.phone_home", "guardrail OpenAIModerationGuardrail",
                            "MCP tools MCPTools"}
    assert all(e.host == "127.0.0.2" and e.port == outside.port and e.count >= 1 for e in report.egress)
    assert result(report, "performance.latency").status == "pass"  # every run completed
    assert outside.accepted == 0  # the listener saw nothing
    validate_readiness(json.loads(report.to_json()))


@pytest.mark.parametrize(("spec", "component"), [
    ("tests.agents.failing:hook_agent", "hook post-hook #1 audit_trail (tests.agents.failing)"),
    ("tests.agents.failing:moderated", "guardrail OpenAIModerationGuardrail (pre-hook #1)"),
    ("tests.agents.failing:mcp_user", "MCP"),
])
def test_a_component_failing_on_every_run_fails_runtime_errors(
        outside: Listener, monkeypatch: pytest.MonkeyPatch, spec: str, component: str) -> None:
    from tests.agents import failing

    monkeypatch.setattr(failing, "moderated", failing.guardrail_agent(), raising=False)
    monkeypatch.setattr(failing, "mcp_user", failing.mcp_agent(outside.port), raising=False)
    report = readiness(spec, only=FINAL)
    check = result(report, "reliability.runtime_errors")
    assert check.status == "fail", check
    assert f"{component} failed in 3 of 3 runs" in check.detail
    assert "first: " in check.detail and check.evidence["components"][0]["runs_failed"] == 3
    assert check.remediation
    if spec.endswith("hook_agent"):
        assert "AttributeError" in check.detail and "audit_record" in check.detail
    assert outside.accepted == 0


def test_storage_writes_failing_fail_runtime_errors() -> None:
    report = readiness("tests.agents.postgres:refused_agent", only=FINAL)
    check = result(report, "reliability.runtime_errors")
    assert check.status == "fail", check
    assert "storage PostgresDb failed in 3 of 3 runs" in check.detail and "Connection refused" in check.detail
    assert "s3cret-pw" not in json.dumps(report.model_dump(mode="json"))


def test_model_errors_that_agno_check_provokes_are_not_counted_against_the_agent() -> None:
    """reliability.upstream_faults and error_status_honest inject model 429/500/hangs on purpose: what agno logs
    about them is the check's doing, so a sound agent with retries still passes runtime_errors."""
    report = readiness("tests.agents.basic:agent",
                       only=["reliability.upstream_faults", "reliability.error_status_honest", *FINAL])
    assert result(report, "reliability.upstream_faults").status == "pass", result(report, "reliability.upstream_faults")
    check = result(report, "reliability.runtime_errors")
    assert check.status == "pass", check
    assert check.evidence["provoked_model_errors"] >= 1, check.evidence


def test_a_sound_agent_passes_both() -> None:
    report = readiness("tests.agents.basic:agent", only=FINAL)
    assert result(report, "reliability.runtime_errors").status == "pass", result(report, "reliability.runtime_errors")
    assert "during 3 runs" in result(report, "reliability.runtime_errors").detail
    egress = result(report, "security.egress")
    assert egress.status == "pass" and "no connection off this machine" in egress.detail
    assert report.egress == []


def test_the_terminal_gets_the_report_and_one_line_naming_the_log_file_which_holds_the_tracebacks() -> None:
    postgres_url()  # the same PostgresDb class, refused on a closed port; the server is not needed, the driver is
    run = run_cli("readiness", "tests.agents.postgres:refused_agent", "--only",
                  "reliability.runtime_errors,configuration.storage_reachable,performance.latency",
                  "--samples", "3", "--fail-on", "high")
    shown = run.stdout + run.stderr
    assert "Traceback" not in shown and "psycopg.OperationalError" not in run.stderr, shown[-3000:]
    assert len(shown.splitlines()) < 80, shown
    assert "reliability.runtime_errors" in run.stdout
    named = re.findall(r"is in (\S+\.log)", shown)
    assert named, shown
    log = Path(named[0]).read_text()
    assert log.count("Traceback (most recent call last)") >= 3 and "Connection refused" in log
    assert run.code == 1  # a high finding fails the default gate
    Path(named[0]).unlink()


def test_debug_shows_everything_on_the_terminal() -> None:
    run = run_cli("readiness", "tests.agents.failing:hook_agent", "--only", "reliability.runtime_errors",
                  "--debug", "--format", "json")
    report = json.loads(run.stdout)  # stdout stays the JSON document
    assert "Post-hook #1 execution failed" in run.stderr and "audit_record" in run.stderr
    assert not any(".log (--debug" in note for note in report["notes"])
    assert report["checks"][0]["status"] == "fail"


def test_allowed_hosts_and_record_only_let_connections_through_and_say_so(outside: Listener) -> None:
    from agno_check.targets import egress

    with egress.guarded(ONLY_127_0_0_1, allowed_hosts=["127.0.0.2"]) as allowed:
        socket.create_connection(("127.0.0.2", outside.port), timeout=2).close()
    assert allowed.attempts() == []  # an --allow-egress host is neither refused nor reported
    with egress.guarded(ONLY_127_0_0_1, refuse=False) as recording:  # --live-model: let through, recorded
        socket.create_connection(("127.0.0.2", outside.port), timeout=2).close()
    assert [(a.host, a.refused) for a in recording.attempts()] == [("127.0.0.2", False)]
    for _ in range(50):
        if outside.accepted >= 2:
            break
        threading.Event().wait(0.05)
    assert outside.accepted == 2


def test_allow_egress_passes_the_named_host(outside: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.agents import failing

    monkeypatch.setattr(failing, "chatty", failing.egress_agent(outside.port), raising=False)
    report = readiness("tests.agents.failing:chatty", only=["security.egress"], allow_egress=["127.0.0.2"])
    check = result(report, "security.egress")
    assert check.status == "pass" and "besides the --allow-egress host(s) 127.0.0.2" in check.detail, check
    assert report.egress == [] and outside.accepted >= 1


def test_url_targets_skip_both(sim, serve) -> None:  # noqa: ANN001 - the conftest fixtures
    from tests.refs.agentos_app import create_agentos_app

    url = serve(create_agentos_app(sim.openai_base_url)).url
    report = readiness(url, only=FINAL)
    for check_id in FINAL:
        assert result(report, check_id).status == "skip" and "module:agent" in result(report, check_id).detail
    assert report.egress is None and "egress" not in json.loads(report.to_json())


def test_on_a_terminal_the_live_progress_shows_and_the_tracebacks_stay_in_the_log(tmp_path: Path) -> None:
    """Under a pseudo-terminal (live progress on): agno's printed tracebacks do not slip out above it."""
    from tests.test_terminal_output import finish, spawn

    child = spawn(["readiness", "tests.agents.postgres:refused_agent", "--only",
                   "reliability.runtime_errors,performance.latency", "--samples", "3"], tmp_path)
    shown, _ = finish(child)
    assert "Traceback" not in shown and "I/O operation on closed file" not in shown, shown[-3000:]
    assert "reliability.runtime_errors" in shown and "storage PostgresDb failed in" in shown
    named = re.findall(r"is in (\S+\.log)", shown)
    assert named and "Traceback (most recent call last)" in Path(named[0]).read_text()
    Path(named[0]).unlink()

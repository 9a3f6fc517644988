"""The readiness command as a CI step: formats, gate and exit codes, settings layering, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import ROOT, validate_readiness
from tests.refs import bad_servers
from tests.refs.seed_app import SOUND_TOKEN

FAST = ["--samples", "2", "--only", "configuration,performance", "--concurrency", "3"]


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_json_report_matches_the_schema_and_stdout_holds_only_it(cli, seed_service):
    url = seed_service()
    result = cli("readiness", url, "--token", SOUND_TOKEN, "--format", "json", *FAST)
    assert result.code == 0, result.stderr
    report = result.json()  # stdout is the document alone
    validate_readiness(report)
    assert report["schema"] == "agno-check/readiness/v1"
    assert report["target"] == url and report["profile"] == "json"
    assert report["gate"] == {"passed": True, "fail_under": None, "fail_on": "critical", "reasons": []}
    assert {c["category"] for c in report["checks"]} == {"configuration", "performance"}
    assert report["settings"]["samples"] == 2 and "token" not in report["settings"]
    assert SOUND_TOKEN not in result.stdout + result.stderr


def test_gate_fail_under_and_fail_on_decide_the_exit_code(cli, seed_service):
    url = seed_service({"json_metrics"})  # one medium failure
    base = ["readiness", url, "--token", SOUND_TOKEN, *FAST, "--format", "json"]
    passed = cli(*base)
    assert passed.code == 0, passed.stderr  # default --fail-on critical: a medium failure does not block
    score = passed.json()["score"]
    assert score < 100
    under = cli(*base, "--fail-under", str(score + 0.5))
    assert under.code == 1
    assert any("below --fail-under" in r for r in under.json()["gate"]["reasons"])
    on_medium = cli(*base, "--fail-on", "medium")
    assert on_medium.code == 1
    assert on_medium.json()["gate"]["reasons"] == ["configuration.prometheus_metrics (medium) failed"]
    assert cli(*base, "--fail-on", "high").code == 0


def test_junit_and_markdown_outputs(cli, seed_service, tmp_path):
    url = seed_service({"debug"})
    junit, markdown = tmp_path / "r.xml", tmp_path / "r.md"
    result = cli("readiness", url, "--token", SOUND_TOKEN, *FAST, "--junit", str(junit), "--markdown",
                 str(markdown), "--fail-on", "medium")
    assert result.code == 1
    assert "configuration.debug_disabled" in result.stdout  # the terminal report
    suite = ET.parse(junit).getroot().find("testsuite")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert int(suite.get("tests")) == len(cases) >= 10
    assert cases["configuration.debug_disabled"].find("failure") is not None
    assert cases["configuration.tls"].find("skipped") is not None
    assert cases["configuration.health_endpoint"].find("failure") is None
    assert int(suite.get("failures")) == 1
    text = markdown.read_text()
    assert text.startswith("## agno-check readiness:") and "| `configuration.debug_disabled` |" in text
    assert "### How to fix" in text


def test_only_and_skip_filter_and_unknown_ids_are_exit_2(cli, seed_service):
    url = seed_service()
    only = cli("readiness", url, "--token", SOUND_TOKEN, "--only", "configuration.health_endpoint",
               "--format", "json")
    assert [c["id"] for c in only.json()["checks"]] == ["configuration.health_endpoint"]
    skipped = cli("readiness", url, "--token", SOUND_TOKEN, "--only", "configuration", "--skip",
                  "configuration.tls", "--format", "json")
    assert "configuration.tls" not in [c["id"] for c in skipped.json()["checks"]]
    bad = cli("readiness", url, "--only", "configuration.nope")
    assert bad.code == 2 and "unknown check id or category 'configuration.nope'" in one_line(bad.stderr)


def test_nothing_counted_fails_the_gate(cli, seed_service):
    result = cli("readiness", seed_service(), "--token", SOUND_TOKEN, "--only", "configuration.tls",
                 "--format", "json")
    assert result.code == 1
    report = result.json()
    assert report["score"] == 0 and "no check was counted" in report["gate"]["reasons"][0]


def test_settings_flags_over_env_over_config_file(cli, seed_service, tmp_path):
    url = seed_service()
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(f"""
        [tool.agno-check]
        target = "{url}"
        samples = 4
        concurrency = 3
        only = ["performance.latency"]
        [tool.agno-check.readiness]
        timeout = 9
    """))
    env = {"AGNO_CHECK_TOKEN": SOUND_TOKEN, "AGNO_CHECK_SAMPLES": "3"}
    from_file = cli("readiness", "--format", "json", cwd=str(tmp_path), env={"AGNO_CHECK_TOKEN": SOUND_TOKEN})
    assert from_file.code == 0, from_file.stderr
    assert from_file.json()["settings"]["samples"] == 4 and from_file.json()["settings"]["timeout"] == 9
    from_env = cli("readiness", "--format", "json", cwd=str(tmp_path), env=env)
    assert from_env.json()["settings"]["samples"] == 3
    assert from_env.json()["checks"][0]["evidence"]["samples"] == 3
    from_flag = cli("readiness", "--format", "json", "--samples", "2", cwd=str(tmp_path), env=env)
    assert from_flag.json()["settings"]["samples"] == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[tool.agno-check]\nsamples = 'many'\n", "key 'samples'"),
        ("[tool.agno-check]\nbogus_key = 1\n", "unknown key 'bogus_key'"),
        ("[tool.agno-check\nsamples = 1\n", None),
    ],
)
def test_bad_config_file_is_one_line_and_exit_2(cli, tmp_path, content, expected):
    config = tmp_path / "agno-check.toml"
    config.write_text(content.replace("[tool.agno-check]\n", "").replace("[tool.agno-check\n", "[broken\n"))
    result = cli("readiness", "http://127.0.0.1:9", cwd=str(tmp_path))
    assert result.code == 2
    line = one_line(result.stderr)
    assert "agno-check.toml" in line
    if expected:
        assert expected in line


def test_bad_env_value_names_the_variable(cli):
    result = cli("readiness", "http://127.0.0.1:9", env={"AGNO_CHECK_TIMEOUT": "soon"})
    assert result.code == 2 and "AGNO_CHECK_TIMEOUT" in one_line(result.stderr)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("http://127.0.0.1:1", "connection refused"),
        ("http://127.0.0.1:99999", "port"),
        ("ftp://127.0.0.1/x", "only http:// and https://"),
        ("not a target", "cannot tell what"),
        ("127.0.0.1:1", "connection refused"),
    ],
)
def test_unusable_targets_are_one_line_exit_2(cli, target, expected):
    started = time.monotonic()
    result = cli("readiness", target, "--token", "tok-secret-123456", "--timeout", "3")
    assert result.code == 2
    assert expected in one_line(result.stderr)
    assert "tok-secret-123456" not in result.stderr + result.stdout
    assert time.monotonic() - started < 60


def test_misbehaving_servers_are_one_line_exit_2_within_the_bound(cli):
    with bad_servers.RawServer(bad_servers.garbage) as garbage, bad_servers.RawServer(bad_servers.html) as html:
        server = bad_servers.RawServer(lambda c, d: None)
        with server:
            server.handler = bad_servers.endless_body(server)
            endless = cli("readiness", server.url, "--profile", "json", "--timeout", "3")
        trickler = bad_servers.RawServer(lambda c, d: None)
        with trickler:
            trickler.handler = bad_servers.trickle(trickler)
            started = time.monotonic()
            trickled = cli("readiness", trickler.url, "--profile", "json", "--timeout", "2")
            trickle_s = time.monotonic() - started
        garbled = cli("readiness", garbage.url, "--profile", "json", "--timeout", "3")
        htmled = cli("readiness", html.url, "--profile", "json", "--timeout", "3")
    for result in (endless, trickled, garbled, htmled):
        assert result.code == 2, result.stderr
        one_line(result.stderr)
    assert "not JSON" in htmled.stderr and "text/html" in htmled.stderr
    assert "within 2 s" in trickled.stderr and trickle_s < 30  # a 2 s bound, not httpx's per-read timeout
    assert "broke the HTTP exchange" in garbled.stderr or "cannot" in garbled.stderr


def test_redirect_to_another_host_is_not_followed_and_the_token_never_crosses(cli):
    token = "secret-token-abcdef123456"
    with bad_servers.RawServer(bad_servers.recording_ok) as other:
        with bad_servers.RawServer(bad_servers.redirect_to(other.url + "/query")) as redirector:
            result = cli("readiness", redirector.url, "--profile", "json", "--token", token, "--timeout", "3")
    assert result.code == 2
    line = one_line(result.stderr)
    assert "redirects to another host" in line
    assert token not in result.stderr + result.stdout
    assert not other.requests  # not followed at all


def test_missing_credentials_are_explained(cli, seed_service):
    result = cli("readiness", seed_service(), "--timeout", "5")
    assert result.code == 2
    assert "answered 401 to a valid run: pass --token" in one_line(result.stderr)


def test_tls_failure_is_one_line_exit_2_and_insecure_gets_through(cli, tmp_path, sim):
    import shutil

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed, so no test certificate can be made")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    from agno_check.serve import BackgroundServer
    from tests.refs.seed_app import create_seed_app

    app = create_seed_app(sim.openai_base_url)
    with BackgroundServer(app, ssl_keyfile=str(key), ssl_certfile=str(cert)) as server:
        url = server.url.replace("http://", "https://")
        refused = cli("readiness", url, "--token", SOUND_TOKEN, "--timeout", "5")
        insecure = cli("readiness", url, "--token", SOUND_TOKEN, "--insecure", "--only", "configuration.tls",
                       "--format", "json")
        bundle = cli("readiness", url, "--token", SOUND_TOKEN, "--ca-bundle", str(cert), "--only",
                     "configuration.health_endpoint", "--format", "json")
    assert refused.code == 2 and "TLS failure" in one_line(refused.stderr)
    assert insecure.code == 1  # only a skipped check: nothing counted, and the gate says so
    assert insecure.json()["checks"][0]["status"] == "skip"
    assert bundle.code == 0 and bundle.json()["checks"][0]["status"] == "pass"


def test_checks_catalogue_lists_ids_and_explains(cli):
    listing = cli("checks", "--format", "json")
    rows = json.loads(listing.stdout)["checks"]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert {"configuration.health_endpoint", "performance.concurrency"} <= set(ids)
    explained = cli("checks", "--explain", "configuration.prometheus_metrics")
    assert "How to fix:" in explained.stdout and "prometheus-client" in explained.stdout
    assert cli("checks", "--explain", "nope.nope").code == 2


def test_version_and_help_do_not_import_heavy_modules():
    code = ("import sys; from agno_check.cli.app import main; rc = main(['--help']);"
            "heavy = [m for m in ('locust', 'gevent', 'agno', 'httpx', 'fastapi', 'uvicorn', 'pydantic')"
            " if m in sys.modules]; print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
    version = subprocess.run([sys.executable, "-m", "agno_check", "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.stdout.strip() == "agno-check 0.1.0"


def test_ctrl_c_reports_what_was_measured_and_exits_130(seed_service):
    import os
    import signal

    url = seed_service({"slow"}, slow_s=0.5)
    env = {**os.environ, "AGNO_TELEMETRY": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "agno_check", "readiness", url, "--token", SOUND_TOKEN,
                             "--samples", "50", "--format", "json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
    time.sleep(4)  # the configuration checks are done; performance.latency is 50 x 0.5 s in
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    report = json.loads(stdout)
    validate_readiness(report)
    assert report["interrupted"] is True and report["gate"]["passed"] is False
    ran = [c["id"] for c in report["checks"]]
    assert "configuration.health_endpoint" in ran and "performance.latency" not in ran
    assert "Traceback" not in stderr


def test_max_time_bounds_the_whole_run(cli, seed_service):
    url = seed_service({"slow"}, slow_s=1.0)
    started = time.monotonic()
    result = cli("readiness", url, "--token", SOUND_TOKEN, "--samples", "30", "--max-time", "4",
                 "--only", "performance", "--format", "json")
    elapsed = time.monotonic() - started
    report = result.json()
    statuses = {c["id"]: c for c in report["checks"]}
    assert statuses["performance.latency"]["status"] == "error"
    assert "--max-time 4" in statuses["performance.latency"]["detail"]
    agent_level = {c["id"] for c in report["checks"] if c["detail"].startswith("reads the agent object")}
    assert agent_level <= {"performance.instantiation", "performance.memory_growth",  # skip: not for a URL
                           "performance.tool_latency"}
    assert all(c["status"] == "error" for c in report["checks"]
               if c["id"] != "performance.ttft" and c["id"] not in agent_level)
    assert result.code == 1 and elapsed < 40  # 30 samples x 1 s would take 30 s on their own

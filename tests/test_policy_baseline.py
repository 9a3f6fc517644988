"""Gradual adoption through the real CLI against the seed service: per-check policy from the config file, and the
known-issues baseline (write it, gate on new findings only, list the fixed ones)."""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import check_of, validate_readiness
from tests.refs.seed_app import SOUND_TOKEN
from tests.test_cli_readiness import one_line

#: configuration.prometheus_metrics fails (medium), configuration.debug_disabled fails (medium),
#: security.headers warns (low): three findings, none of them critical
FLAWS = {"json_metrics", "debug", "no_security_headers"}
ONLY = ["--only", "configuration,security.headers"]


def run(cli, url, *args, cwd=None):
    return cli("readiness", url, "--token", SOUND_TOKEN, *ONLY, "--format", "json", *args, cwd=cwd)


def write_policy(folder, body: str, pyproject: bool = True) -> None:
    if pyproject:
        (folder / "pyproject.toml").write_text("[tool.agno-check.readiness.policy]\n" + textwrap.dedent(body))
    else:
        (folder / "agno-check.toml").write_text("[readiness.policy]\n" + textwrap.dedent(body))


def test_policy_levels_change_how_checks_count_and_the_report_says_why(cli, seed_service, tmp_path):
    url = seed_service(FLAWS)
    plain = run(cli, url, cwd=str(tmp_path))
    assert plain.code == 0, plain.stderr  # --fail-on critical: medium failures do not block
    write_policy(tmp_path, """
        "security.headers" = {level = "ignore", reason = "headers set at the CDN", expires = "2099-03-01"}
        "configuration.prometheus_metrics" = {level = "warn", reason = "metrics move to the sidecar"}
        "configuration.debug_disabled" = {level = "fail", reason = "never again"}
    """)
    ruled = run(cli, url, cwd=str(tmp_path))
    assert ruled.code == 1, ruled.stderr
    report = ruled.json()
    validate_readiness(report)
    # the measured statuses stay; the policy says how they count, and why
    headers, metrics, debug = (check_of(report, i) for i in
                               ("security.headers", "configuration.prometheus_metrics", "configuration.debug_disabled"))
    assert (headers["status"], headers["policy"], headers["policy_reason"], headers["policy_expires"]) == \
        ("warn", "ignore", "headers set at the CDN", "2099-03-01")
    assert (metrics["status"], metrics["policy"], metrics["policy_reason"]) == \
        ("fail", "warn", "metrics move to the sidecar")
    assert (debug["status"], debug["policy"]) == ("fail", "fail")
    assert check_of(report, "configuration.health_endpoint")["policy"] is None
    # fail -> warn: counted as a warn; ignore: not counted at all; fail policy: gates whatever --fail-on says
    before = plain.json()["categories"]
    assert before["configuration"]["failed"] == 2 and before["configuration"]["warned"] == 0
    assert report["categories"]["configuration"]["failed"] == 1 and report["categories"]["configuration"]["warned"] == 1
    assert report["categories"]["configuration"]["score"] > before["configuration"]["score"]
    assert before["security"]["warned"] == 1 and before["security"]["score"] == 50
    assert report["categories"]["security"] == {"score": None, "passed": 0, "warned": 0, "failed": 0, "skipped": 0,
                                                "errored": 0, "ignored": 1}
    assert report["gate"]["reasons"] == ["configuration.debug_disabled (medium) failed (policy: fail)"]
    junit = tmp_path / "readiness.xml"
    markdown = run(cli, url, "--format", "markdown", "--junit", str(junit), cwd=str(tmp_path)).stdout
    assert "(ignored: headers set at the CDN)" in markdown and "(policy warn: metrics move to the sidecar)" in markdown
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    assert cases["security.headers"].find("skipped").get("message").startswith(
        "ignored by policy (headers set at the CDN): [low] missing:")
    assert cases["configuration.prometheus_metrics"].find("failure") is None  # counted as a warn
    assert cases["configuration.prometheus_metrics"].find("system-out").text.startswith("WARN: GET /metrics")
    assert cases["configuration.debug_disabled"].find("failure") is not None


def test_an_expired_entry_stops_applying_with_one_line(cli, seed_service, tmp_path):
    url = seed_service(FLAWS)
    write_policy(tmp_path, """
        "security.headers" = {level = "ignore", reason = "headers set at the CDN", expires = 2020-01-31}
    """, pyproject=False)
    result = run(cli, url, "--quiet", cwd=str(tmp_path))
    expired = [line for line in result.stderr.splitlines() if "expired" in line]
    assert expired == ["agno-check: policy for security.headers (ignore: headers set at the CDN) expired on "
                       "2020-01-31; it no longer applies"], result.stderr
    report = result.json()
    assert check_of(report, "security.headers")["policy"] is None
    assert report["categories"]["security"]["warned"] == 1  # counted again
    assert any("expired on 2020-01-31" in note for note in report["notes"])


@pytest.mark.parametrize(("entry", "expected"), [
    ('"security.headers" = {level = "ignore"}', "policy 'security.headers': a reason is required"),
    ('"security.headers" = {level = "mute", reason = "x"}', "level must be one of ignore, warn, fail"),
    ('"security.headers" = {level = "warn", reason = "x", expires = "someday"}', "expires"),
    ('"security.nope" = {level = "warn", reason = "x"}', "unknown check id or category 'security.nope'"),
])
def test_bad_policy_entries_are_exit_2_before_any_traffic(cli, tmp_path, entry, expected):
    write_policy(tmp_path, entry)
    # nothing listens on port 9: had the target been asked first, the line would say "connection refused"
    result = cli("readiness", "http://127.0.0.1:9", cwd=str(tmp_path))
    assert result.code == 2
    line = one_line(result.stderr)
    assert expected in line and "refused" not in line


def _finding(report_or_file: dict, check_id: str) -> dict:
    return next(f for f in report_or_file["findings"] if f["check"] == check_id)


def test_write_baseline_is_stable_reviewable_and_secret_free(cli, seed_service, tmp_path):
    url = seed_service(FLAWS)
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert run(cli, url, "--write-baseline", str(first)).code == 0
    assert run(cli, url, "--write-baseline", str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()  # no timestamps, no random ids
    text = first.read_text()
    assert SOUND_TOKEN not in text and not re.search(r"\d{4}-\d{2}-\d{2}T", text)
    baseline = json.loads(text)
    assert baseline["schema"] == "agno-check/baseline/v1"
    assert {f["check"]: (f["status"], f["location"]) for f in baseline["findings"]} == {
        "configuration.prometheus_metrics": ("fail", "GET /metrics"),
        "configuration.debug_disabled": ("fail", "(the target)"),
        "security.headers": ("warn", "(the target)"),
    }
    assert all(re.fullmatch(r"[0-9a-f]{32}", f["fingerprint"]) for f in baseline["findings"])


def test_the_gate_counts_only_new_findings_and_lists_the_fixed(cli, seed_service, tmp_path):
    baseline = tmp_path / "baseline.json"
    before = seed_service({"json_metrics", "no_security_headers"})
    assert run(cli, before, "--write-baseline", str(baseline)).code == 0
    # later: the headers were fixed, the metrics are still JSON, and a debug page appeared
    after = seed_service({"json_metrics", "debug"})
    without = run(cli, after, "--fail-on", "medium")
    assert without.code == 1
    assert sorted(without.json()["gate"]["reasons"]) == ["configuration.debug_disabled (medium) failed",
                                                         "configuration.prometheus_metrics (medium) failed"]
    gated = run(cli, after, "--fail-on", "medium", "--baseline", str(baseline))
    assert gated.code == 1, gated.stderr
    report = gated.json()
    validate_readiness(report)
    assert report["gate"]["reasons"] == ["configuration.debug_disabled (medium) failed (new since the baseline)"]
    assert check_of(report, "configuration.prometheus_metrics")["baseline"] == "known"
    assert check_of(report, "configuration.debug_disabled")["baseline"] == "new"
    assert check_of(report, "configuration.health_endpoint")["baseline"] is None  # a pass is not a finding
    assert report["baseline"]["known"] == 1 and report["baseline"]["new"] == 1
    assert [(f["check"], f["status"]) for f in report["baseline"]["fixed"]] == [("security.headers", "warn")]
    assert "baseline " + str(baseline) + ": 1 known finding(s) not counted by the gate, 1 new, 1 fixed since " \
        "(security.headers at (the target))" in report["notes"]
    junit = tmp_path / "readiness.xml"
    assert run(cli, after, "--fail-on", "medium", "--baseline", str(baseline), "--junit", str(junit)).code == 1
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    assert cases["configuration.prometheus_metrics"].find("skipped").get("message").startswith(
        "known finding (baseline): [medium] GET /metrics")
    assert cases["configuration.debug_disabled"].find("failure") is not None
    # only the known one left: the gate passes where it failed without the baseline
    known_only = seed_service({"json_metrics"})
    assert run(cli, known_only, "--fail-on", "medium").code == 1
    passed = run(cli, known_only, "--fail-on", "medium", "--baseline", str(baseline), "--fail-under", "99")
    assert passed.code == 0, passed.json()["gate"]
    assert passed.json()["score"] < 99  # the report's score is still the measured one


def test_a_finding_that_got_worse_is_new(cli, seed_service, tmp_path):
    """security.headers: a warn in the baseline; a different set of missing headers is a different finding."""
    baseline = tmp_path / "baseline.json"
    assert run(cli, seed_service({"no_security_headers"}), "--write-baseline", str(baseline)).code == 0
    entry = _finding(json.loads(baseline.read_text()), "security.headers")
    entry["fingerprint"] = "0" * 32  # as if the baseline had recorded another finding at the same place
    baseline.write_text(json.dumps({"schema": "agno-check/baseline/v1", "findings": [entry]}))
    report = run(cli, seed_service({"no_security_headers"}), "--baseline", str(baseline)).json()
    assert check_of(report, "security.headers")["baseline"] == "new"
    assert report["baseline"]["fixed"] == []  # the same place still has a finding: changed, not fixed


@pytest.mark.parametrize(("content", "expected"), [
    (None, "file not found"),
    ("{not json", "not JSON"),
    ('{"schema": "agno-check/load/v1"}', "not an agno-check baseline"),
    ('{"schema": "agno-check/baseline/v1", "findings": [{"check": 1}]}', "findings.0"),
])
def test_a_bad_baseline_file_is_exit_2_before_any_traffic(cli, tmp_path, content, expected):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    result = cli("readiness", "http://127.0.0.1:9", "--baseline", str(path))
    assert result.code == 2
    line = one_line(result.stderr)
    assert expected in line and "--baseline" in line and "refused" not in line


def test_a_top_level_policy_table_is_readinesss_and_load_does_not_trip_on_it(cli, seed_service, tmp_path):
    url = seed_service({"no_security_headers"})
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.agno-check.policy]
        "security" = {level = "ignore", reason = "the security review owns these"}
    """))
    report = run(cli, url, cwd=str(tmp_path)).json()
    assert check_of(report, "security.headers")["policy"] == "ignore"  # a category key covers its checks
    assert check_of(report, "configuration.health_endpoint")["policy"] is None
    load = cli("load", "http://127.0.0.1:9", "--duration", "5s", "--quiet", cwd=str(tmp_path), timeout=60)
    assert load.code == 2 and "policy" not in one_line(load.stderr)


def test_policy_applies_to_a_project_directory_too(cli, tmp_path):
    from tests.conftest import ROOT

    write_policy(tmp_path, """
        "configuration.replicas" = {level = "fail", reason = "we scale out next month"}
        "security" = {level = "ignore", reason = "secrets move to the vault this sprint"}
    """, pyproject=False)
    result = cli("readiness", str(ROOT / "tests/fixtures/deploy/seed"), "--fail-on", "high", "--format", "json",
                 cwd=str(tmp_path))
    report = result.json()
    replicas = check_of(report, "configuration.replicas")
    assert (replicas["status"], replicas["policy"]) == ("warn", "fail")
    assert check_of(report, "security.compose_secrets")["policy"] == "ignore"
    assert "configuration.replicas (medium) failed (policy: fail)" in report["gate"]["reasons"]
    assert not any(r.startswith("security.") for r in report["gate"]["reasons"])  # ignored, not counted

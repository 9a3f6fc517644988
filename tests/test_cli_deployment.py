"""`agno-check readiness DIR` and `--project DIR` through the real CLI: exit codes, formats with file and line,
bad input as one line, and a URL target with its deployment files in one report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from tests.conftest import ROOT, validate_readiness
from tests.refs.seed_app import SOUND_TOKEN

SEED = "tests/fixtures/deploy/seed"
HARDENED = "tests/fixtures/deploy/hardened"
#: the contract's default gate (checks.md: --fail-on high); given explicitly so these runs do not depend on it
GATE = ["--fail-on", "high"]


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_the_seed_directory_fails_the_gate_and_the_hardened_twin_passes(cli):
    seed = cli("readiness", SEED, *GATE)
    assert seed.code == 1, seed.stderr
    assert "configuration.container_healthcheck" in seed.stdout and "Dockerfile:16" in seed.stdout
    assert "as a project directory" in seed.stdout  # the target parser says what it chose (a report note)
    hardened = cli("readiness", HARDENED, *GATE)
    assert hardened.code == 0, hardened.stdout
    assert "PASSED" in hardened.stdout and "score 100/100" in hardened.stdout


def test_json_junit_and_markdown_carry_file_and_line(cli, tmp_path):
    junit, markdown = tmp_path / "r.xml", tmp_path / "r.md"
    result = cli("readiness", SEED, *GATE, "--format", "json", "--junit", str(junit), "--markdown", str(markdown))
    assert result.code == 1
    report = result.json()
    validate_readiness(report)
    assert report["profile"] == "inprocess" and report["protocol"] == "project" and report["target"] == SEED
    health = next(c for c in report["checks"] if c["id"] == "configuration.container_healthcheck")
    assert health["status"] == "fail"
    assert health["evidence"]["file"] == "Dockerfile" and health["evidence"]["line"] == 16
    assert health["evidence"]["findings"][0] == {"file": "Dockerfile", "line": 16,
                                                 "message": health["evidence"]["findings"][0]["message"]}
    assert "requests" in health["evidence"]["findings"][0]["message"]
    assert any("security.exposed_datastores (high) failed" == r for r in report["gate"]["reasons"])
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    failure = cases["security.exposed_datastores"].find("failure")
    assert failure is not None and "docker-compose.yml:30" in failure.get("message")
    text = markdown.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| `security.compose_secrets` | high | ❌ fail |"))
    assert "docker-compose.yml:7 app: DATABASE_URL" in row and "docker-compose.yml:27 db: POSTGRES_PASSWORD" in row
    assert "agno_pass" not in result.stdout + text + junit.read_text()


def test_a_directory_report_validates_against_the_contracts_schema(cli):
    """The contract's schema (shared/design when beside) validates it: the v1 ``profile`` is "inprocess" (read in
    agno-check's own process, no protocol), and "project" is said in the optional ``protocol`` field."""
    result = cli("readiness", HARDENED, *GATE, "--format", "json")
    assert result.code == 0
    report = result.json()
    validate_readiness(report)
    assert report["profile"] == "inprocess" and report["protocol"] == "project"


def test_a_directory_without_deployment_files_is_exit_2_in_one_line(cli, tmp_path):
    (tmp_path / "README.md").write_text("nothing to deploy here\n")
    result = cli("readiness", str(tmp_path))
    assert result.code == 2
    assert "no deployment files" in one_line(result.stderr)


def test_a_malformed_dockerfile_is_an_error_finding_not_a_traceback(cli, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nRUN pip install agno==3.1.10\nCOPPY . .\n")
    result = cli("readiness", str(tmp_path), "--format", "json", *GATE)
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    files = next(c for c in result.json()["checks"] if c["id"] == "configuration.deployment_files")
    assert files["status"] == "error"
    assert (files["evidence"]["file"], files["evidence"]["line"]) == ("Dockerfile", 3)
    assert "unknown instruction 'COPPY'" in files["detail"]


def test_compose_file_that_does_not_exist_is_exit_2(cli):
    result = cli("readiness", HARDENED, "--compose-file", "compose.prod.yaml")
    assert result.code == 2
    assert "--compose-file 'compose.prod.yaml': no such file" in one_line(result.stderr)


def test_project_beside_a_url_puts_both_in_one_report(cli, seed_service):
    url = seed_service()
    result = cli("readiness", url, "--token", SOUND_TOKEN, "--project", str(ROOT / SEED), *GATE,
                 "--only", "configuration.health_endpoint,security.exposed_datastores,configuration.replicas",
                 "--format", "json")
    assert result.code == 1, result.stderr
    report = result.json()
    validate_readiness(report)
    assert report["target"] == url and report["profile"] == "json"
    verdicts = {c["id"]: c["status"] for c in report["checks"]}
    assert verdicts == {"configuration.health_endpoint": "pass", "security.exposed_datastores": "fail",
                        "configuration.replicas": "warn"}
    exposed = next(c for c in report["checks"] if c["id"] == "security.exposed_datastores")
    assert exposed["evidence"]["file"] == "docker-compose.yml" and exposed["evidence"]["line"] == 30


def test_project_with_nothing_to_read_is_exit_2_before_any_traffic(cli, seed_service, tmp_path):
    result = cli("readiness", seed_service(), "--token", SOUND_TOKEN, "--project", str(tmp_path))
    assert result.code == 2
    assert "no deployment files" in one_line(result.stderr)


def test_the_checks_command_lists_the_deployment_checks_with_their_severities(cli):
    result = cli("checks", "--format", "json")
    assert result.code == 0
    listed = {row["id"]: row["severity"] for row in json.loads(result.stdout)["checks"]}
    assert listed["security.secrets_in_image"] == "critical"
    assert listed["configuration.container_healthcheck"] == listed["security.env_dump"] == "high"
    assert listed["configuration.replicas"] == "medium" and listed["configuration.base_image_pinned"] == "low"


def test_project_beside_a_module_target_puts_both_in_one_report():
    from tests.readiness_helpers import readiness

    report = readiness("tests/agents/basic.py:agent", project=str(ROOT / SEED),
                       only=["configuration.storage_configured", "security.exposed_datastores"])
    assert report.profile == "inprocess"
    verdicts = {c.id: c.status for c in report.checks}
    assert verdicts == {"configuration.storage_configured": "pass", "security.exposed_datastores": "fail"}
    exposed = next(c for c in report.checks if c.id == "security.exposed_datastores")
    assert "docker-compose.yml:30 db: PostgreSQL published on the host as 5432:5432" in exposed.detail

"""CI integration: the composite GitHub Action's script run as a runner would run it (a fake GITHUB_STEP_SUMMARY,
GITHUB_ACTIONS=true), job summaries and annotations of both commands, and the README's CI examples."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from agno_check.cli.ci_env import SUMMARY_CAP_BYTES, fit_summary
from agno_check.report.github import command, readiness_annotations
from agno_check.report.model import CheckResult, ReadinessReport
from tests.conftest import ROOT, run_cli
from tests.refs.counting_app import CountingApp
from tests.refs.seed_app import SOUND_TOKEN
from tests.test_sarif import validate_sarif

INPUTS = {"command", "target", "token", "args", "python-version", "fail-on", "sarif"}
FLAWS = {"json_metrics", "debug", "no_security_headers"}


def run_action(inputs: dict[str, str], cwd: Path, summary: Path, timeout: float = 240.0
               ) -> subprocess.CompletedProcess[str]:
    """``action/run.sh`` with the INPUT_* variables action.yml passes, and the runner's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGNO_CHECK_", "GITHUB_", "INPUT_"))
           or k.startswith("AGNO_CHECK_TEST")}
    env.update({"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_OUTPUT": str(summary.parent / "github_output.txt"), "AGNO_TELEMETRY": "false",
                "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
                "AGNO_CHECK": f"{sys.executable} -m agno_check"})
    env.update({f"INPUT_{name.upper().replace('-', '_')}": value for name, value in inputs.items()})
    return subprocess.run(["bash", str(ROOT / "action" / "run.sh")], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)


def test_action_file_is_a_composite_action_with_the_inputs_the_readme_names():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == INPUTS
    assert action["inputs"]["target"]["required"] is True
    run_step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    assert run_step["run"] == 'bash "${{ github.action_path }}/action/run.sh"'
    for name in INPUTS - {"python-version"}:  # every input reaches the script
        assert run_step["env"][f"INPUT_{name.upper().replace('-', '_')}"] == f"${{{{ inputs.{name} }}}}"
    steps = yaml.dump(action["runs"]["steps"])
    assert "upload" not in steps  # it uploads nothing by itself
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## CI: GitHub Actions, GitLab and others", 1)[1].split("\n## ", 1)[0]
    for name in INPUTS:
        assert f"`{name}`" in section, name
    workflow = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif") for u in uses)
    assert any(u.startswith("actions/upload-artifact") for u in uses)
    ours = [step for job in workflow["jobs"].values() for step in job["steps"]
            if step.get("uses", "").endswith("agno-check@v0.1.0")]
    assert {step["with"]["command"] for step in ours} == {"readiness", "load"}
    assert set().union(*(step["with"] for step in ours)) <= INPUTS
    gitlab = yaml.safe_load(section.split("```yaml\n", 2)[2].split("```", 1)[0])
    job = next(iter(gitlab.values()))
    assert job["artifacts"]["reports"]["junit"] == "readiness.xml"
    assert any("--junit readiness.xml" in line for line in job["script"])
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
        assert code in section


def test_the_action_script_runs_readiness_with_summary_annotations_and_sarif(seed_service, tmp_path):
    url = seed_service(FLAWS)
    summary = tmp_path / "summary.md"
    summary.write_text("# an earlier step's summary\n")
    proc = run_action({"command": "readiness", "target": url, "token": SOUND_TOKEN, "fail-on": "medium",
                       "sarif": "readiness.sarif",
                       "args": "--only 'configuration,security.headers' --junit readiness.xml"}, tmp_path, summary)
    assert proc.returncode == 1, proc.stderr  # two medium failures with --fail-on medium
    text = summary.read_text()
    assert text.startswith("# an earlier step's summary\n")  # appended, not overwritten
    assert "## agno-check readiness:" in text and "gate failed" in text
    assert "| `configuration.prometheus_metrics` | medium | ❌ fail |" in text
    annotations = [line for line in proc.stderr.splitlines() if line.startswith("::")]
    assert "::error title=configuration.prometheus_metrics::[medium] GET /metrics serves JSON, not Prometheus " \
           "text exposition (AgentOS's /metrics is JSON usage data)" in annotations
    assert any(line.startswith("::error title=configuration.debug_disabled::[medium] ") for line in annotations)
    assert any(line.startswith("::warning title=security.headers::[low] missing: ") for line in annotations)
    assert len(annotations) == 3
    sarif = json.loads((tmp_path / "readiness.sarif").read_text())
    validate_sarif(sarif)
    assert (tmp_path / "readiness.xml").read_text().startswith("<?xml")
    outputs = (tmp_path / "github_output.txt").read_text().splitlines()
    assert outputs == ["exit-code=1", "sarif=readiness.sarif"]
    for blob in (proc.stdout, proc.stderr, text, json.dumps(sarif)):
        assert SOUND_TOKEN not in blob


def test_the_action_script_refuses_a_bad_command_and_unsplittable_args(tmp_path):
    summary = tmp_path / "summary.md"
    bad = run_action({"command": "deploy", "target": "http://127.0.0.1:9"}, tmp_path, summary, timeout=60)
    assert bad.returncode == 2 and "::error title=agno-check::input 'command' must be readiness or load" in bad.stdout
    quoted = run_action({"target": "http://127.0.0.1:9", "args": "--only 'configuration"}, tmp_path, summary,
                        timeout=60)
    assert quoted.returncode == 2 and "cannot be split like a command line" in quoted.stdout
    assert not summary.exists()


def test_load_appends_its_summary_and_annotates_failed_slos(serve, tmp_path):
    app = CountingApp(delay_s=0.02)
    url = serve(app).url
    summary = tmp_path / "summary.md"
    proc = run_action({"command": "load", "target": url,
                       "args": "--profile json --users 2 --duration 2s --slo p95<1 --slo error_rate<0.5 --quiet"},
                      tmp_path, summary, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert app.served > 0
    text = summary.read_text()
    assert text.startswith("## agno-check load") and "p95<1" in text
    annotations = [line for line in proc.stderr.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 and annotations[0].startswith("::error title=slo p95<1::SLO p95<1 failed: observed ")


def test_without_github_variables_nothing_ci_specific_is_printed(seed_service):
    result = run_cli("readiness", seed_service({"json_metrics"}), "--token", SOUND_TOKEN, "--only",
                     "configuration.prometheus_metrics", "--format", "json", "--fail-on", "medium")
    assert result.code == 1
    assert "::error" not in result.stdout + result.stderr
    result.json()  # stdout is still the document alone


def _failing(index: int, **extra) -> CheckResult:
    return CheckResult(id=f"security.check_{index:02d}", category="security", title="t", status="fail",
                       severity="critical" if index % 2 else "low", detail=f"finding {index}", **extra)


def test_annotations_are_escaped_capped_and_point_at_files():
    tricky = CheckResult(id="security.headers", category="security", title="t", status="fail", severity="high",
                         detail="100% of runs\nleak: a, b", evidence={"file": "deploy/a:b,c.yaml", "line": 7})
    relaxed = _failing(90, policy="warn", policy_reason="r")
    ignored = _failing(91, policy="ignore", policy_reason="r")
    known = _failing(92, baseline="known")
    report = ReadinessReport.build(target="http://127.0.0.1:1", profile="agentos", started_at=datetime.now(UTC),
                                   duration_ms=1.0, results=[tricky, relaxed, ignored, known,
                                                             *(_failing(i) for i in range(12))],
                                   fail_under=None, fail_on="critical")
    lines = readiness_annotations(report)
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == 10  # GitHub shows at most 10 per step
    assert all("[critical]" in line for line in errors[:6])  # the worst first
    assert errors[6] == ("::error file=deploy/a%3Ab%2Cc.yaml,line=7,title=security.headers::[high] "
                         "100%25 of runs%0Aleak: a, b")
    assert lines[10].startswith("::notice title=agno-check::3 more failed checks not annotated")
    assert lines[11:] == ["::warning title=security.check_90::[low] finding 90"]  # a fail counted as a warn
    assert not any("check_91" in line or "check_92" in line for line in lines)  # ignored, known: no annotation
    assert command("error", "x", title="a:b") == "::error title=a%3Ab::x"


def test_the_summary_stays_under_githubs_cap():
    big = "\n".join(f"| row {i} | {'x' * 200} |" for i in range(10_000))
    already = SUMMARY_CAP_BYTES - 50_000
    cut = fit_summary(big, already)
    assert already + len(cut.encode()) < SUMMARY_CAP_BYTES
    assert "cut here to stay under GitHub's 1 MiB job summary limit" in cut
    assert re.search(r"\| row \d+ \| x+ \|\n\n_\(agno-check", cut)  # cut on a line boundary
    assert fit_summary("short", 10) == "\nshort"
    assert fit_summary("short", SUMMARY_CAP_BYTES) == ""


def test_the_flawed_demo_in_a_github_job_annotates_summarises_and_writes_sarif(tmp_path):
    summary, sarif_file = tmp_path / "summary.md", tmp_path / "demo.sarif"
    result = run_cli("demo", "--flawed", "--format", "json", "--sarif", str(sarif_file), "--quiet",
                     env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}, timeout=240)
    assert result.code == 1, result.stderr
    report = result.json()
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert len(failed) >= 5
    annotations = [line for line in result.stderr.splitlines() if line.startswith("::")]
    errors = [line for line in annotations if line.startswith("::error")]
    bad = [c for c in report["checks"] if c["status"] in ("fail", "error")]
    assert len(errors) == min(10, len(bad))
    critical = {c["id"] for c in bad if c["severity"] == "critical"}
    assert {"security.auth_required", "security.auth_invalid_token"} <= critical
    assert {line.split("::")[1].removeprefix("error title=") for line in errors[:len(critical)]} == critical
    assert "::error title=security.auth_required::[critical] run without credentials: accepted with HTTP 200" in \
        "\n".join(errors)
    notices = [line for line in annotations if line.startswith("::notice")]
    assert notices == ([f"::notice title=agno-check::{len(bad) - 10} more failed checks not annotated here: see "
                        "the job summary or the report"] if len(bad) > 10 else [])
    warned = [c["id"] for c in report["checks"] if c["status"] == "warn"]
    assert [line.split("::")[1].removeprefix("warning title=") for line in annotations
            if line.startswith("::warning")] == warned[:10]
    text = summary.read_text()
    assert text.startswith(f"## agno-check readiness: {report['score']:g}/100 — gate failed")
    log = json.loads(sarif_file.read_text())
    validate_sarif(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {c["id"] for c in report["checks"] if c["status"] in ("fail", "warn")}
    uris = {r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris["security.auth_required"] == "agents/helpdesk/runs"
    assert uris["configuration.prometheus_metrics"] == "metrics"
    assert all("://" not in uri and not uri.startswith("/") for uri in uris.values())


def test_deployment_findings_are_annotated_on_their_file_and_line(tmp_path):
    seed = "tests/fixtures/deploy/seed"
    summary = tmp_path / "summary.md"
    proc = run_action({"target": str(ROOT / seed), "fail-on": "high", "args": "--quiet"}, ROOT, summary)
    assert proc.returncode == 1, proc.stderr
    annotations = [line for line in proc.stderr.splitlines() if line.startswith("::")]
    assert any(line.startswith(f"::error file={seed}/Dockerfile,line=16,title=configuration.container_healthcheck"
                               "::[high] the health check cannot work") for line in annotations), annotations
    assert f"::error file={seed}/docker-compose.yml,line=27,title=security.compose_secrets::[high] db: " \
           "POSTGRES_PASSWORD is a plain-text secret" in annotations
    assert any(line.startswith(f"::warning file={seed}/docker-compose.yml,line=5,title=configuration.replicas")
               for line in annotations)
    assert "## agno-check readiness:" in summary.read_text()

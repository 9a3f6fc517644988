"""SARIF 2.1.0 for GitHub code scanning (``--format sarif`` / ``--sarif FILE``), a pure function of the report.

One run, ``tool.driver.name`` "agno-check". Rules are the checks that ran: the title, "What it checks" and "How
to fix" from the check's docstring, ``security-severity`` from its severity, the category as a tag. Results are
the findings (fail -> ``error``, warn -> ``warning``, as the policy counts them): a deployment-file finding
points at its file (relative to the checkout: the project directory joined in front) and line; a URL finding
at the route as a relative URI (``agents/helpdesk/runs``: GitHub rejects ``http://`` URIs), with the full URL
in the message and properties. ``partialFingerprints`` hash the check id and the route or file, so a finding
keeps its alert across runs. A check ignored by policy is a result with an external suppression (its reason);
with ``--baseline``, ``baselineState`` says new or unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from agno_check.report.findings import Finding, findings_of, repository_path
from agno_check.report.model import CheckResult, ReadinessReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.0", "low": "2.0"}
LEVEL = {"fail": "error", "warn": "warning"}
FINGERPRINT_KEY = "agnoCheckFinding/v1"


def _catalogue() -> dict[str, Any]:
    from agno_check.checks.registry import load_catalogue

    return load_catalogue()


def _rule(result: CheckResult, spec: Any) -> dict[str, Any]:
    what = spec.section("What it checks") if spec else ""
    how = (spec.remediation if spec else "") or result.remediation or ""
    rule: dict[str, Any] = {
        "id": result.id,
        "name": "".join(part.capitalize() for part in result.id.replace(".", "_").split("_")),
        "shortDescription": {"text": result.title},
        "fullDescription": {"text": what or result.title},
        "defaultConfiguration": {"level": "error" if result.severity in ("critical", "high") else "warning"},
        "properties": {"security-severity": SECURITY_SEVERITY[result.severity],
                       "tags": [result.category, "agno-check"], "precision": "high"},
    }
    if how:
        rule["help"] = {"text": how, "markdown": how}
    return rule


def _url(report: ReadinessReport, finding: Finding) -> str | None:
    if finding.route is None or not report.target.startswith(("http://", "https://")):
        return None
    return report.target.rstrip("/") + finding.route


def _location(report: ReadinessReport, finding: Finding) -> dict[str, Any]:
    if finding.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": repository_path(report, finding.file).lstrip("/")}}
        if finding.line:
            physical["region"] = {"startLine": finding.line}
        return {"physicalLocation": physical}
    uri = (finding.route or "/").lstrip("/") or "."
    return {"physicalLocation": {"artifactLocation": {"uri": uri}}}


def _result(report: ReadinessReport, result: CheckResult, finding: Finding, index: int) -> dict[str, Any]:
    counted = result.counted_status or result.status
    url = _url(report, finding)
    where = f" [{finding.method + ' ' if finding.method else ''}{url}]" if url else ""
    properties: dict[str, Any] = {"status": result.status, "severity": result.severity, "target": report.target}
    if url:
        properties["url"] = url
    for key in ("policy", "policy_reason", "baseline"):
        if getattr(result, key):
            properties[key] = getattr(result, key)
    entry: dict[str, Any] = {
        "ruleId": result.id,
        "ruleIndex": index,
        "level": LEVEL.get(counted, "warning"),
        "message": {"text": f"{finding.message}{where}"},
        "locations": [_location(report, finding)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.identity},
        "properties": properties,
    }
    if result.policy == "ignore":
        entry["suppressions"] = [{"kind": "external", "justification": result.policy_reason or "policy: ignore"}]
    if result.baseline:
        entry["baselineState"] = "unchanged" if result.baseline == "known" else "new"
    return entry


def render_sarif(report: ReadinessReport, catalogue: dict[str, Any] | None = None) -> str:
    specs = _catalogue() if catalogue is None else catalogue
    rules, results = [], []
    for result in report.checks:
        index = len(rules)
        rules.append(_rule(result, specs.get(result.id)))
        results += [_result(report, result, finding, index) for finding in findings_of(result)]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "agno-check", "version": report.tool.version, "rules": rules}},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"target": report.target, "profile": report.profile, "protocol": report.spoken,
                           "score": report.score, "gate": report.gate.model_dump(mode="json")},
        }],
    }
    return json.dumps(log, indent=2) + "\n"

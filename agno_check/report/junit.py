"""JUnit XML: one testcase per check (fail/error -> failure/error, skip -> skipped), readable by CI systems."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from agno_check.report.model import ReadinessReport


def _suite(name: str, cases: list[dict[str, Any]], duration_s: float, timestamp: str) -> ET.Element:
    suite = ET.Element("testsuite", name=name, tests=str(len(cases)),
                       failures=str(sum(c["kind"] == "failure" for c in cases)),
                       errors=str(sum(c["kind"] == "error" for c in cases)),
                       skipped=str(sum(c["kind"] == "skipped" for c in cases)),
                       time=f"{duration_s:.3f}", timestamp=timestamp)
    for case in cases:
        element = ET.SubElement(suite, "testcase", classname=case["classname"], name=case["name"],
                                time=f"{case['time_s']:.3f}")
        if case["kind"] in ("failure", "error", "skipped"):
            child = ET.SubElement(element, case["kind"], message=case["message"][:500])
            if case.get("text"):
                child.text = case["text"]
        if case.get("system_out"):
            ET.SubElement(element, "system-out").text = case["system_out"]
    return suite


def junit_document(suites: list[ET.Element]) -> str:
    root = ET.Element("testsuites")
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_junit(report: ReadinessReport) -> str:
    kinds = {"fail": "failure", "error": "error", "skip": "skipped", "pass": "passed", "warn": "passed"}
    cases = []
    for result in report.checks:
        text = "\n".join(filter(None, [result.detail, f"Remediation: {result.remediation}"
                                       if result.remediation else ""]))
        # as the gate counts it: ignored by policy or known from the baseline is "skipped", with the reason
        counted = result.counted_status
        not_counted = (f"ignored by policy ({result.policy_reason})" if counted is None else
                       "known finding (baseline)" if result.baseline == "known" else None)
        kind = "skipped" if not_counted else kinds[counted or "skip"]
        prefix = f"{not_counted}: " if not_counted else ""
        cases.append({
            "classname": f"agno_check.{result.category}", "name": result.id, "time_s": result.duration_ms / 1000,
            "kind": kind, "message": f"{prefix}[{result.severity}] {result.detail}", "text": text,
            "system_out": f"WARN: {result.detail}" if counted == "warn" and not not_counted else None,
        })
    suite = _suite(f"agno-check readiness {report.target}", cases, report.duration_ms / 1000,
                   report.started_at.strftime("%Y-%m-%dT%H:%M:%S"))
    return junit_document([suite])

"""JUnit XML: one testcase per SLO (none given: one testcase, "at least one turn succeeded")."""

from __future__ import annotations

from agno_check.load.report import LoadReport
from agno_check.report.junit import _suite, junit_document


def render_junit(report: LoadReport) -> str:
    cases = []
    for verdict in report.slo:
        observed = "no samples" if verdict.observed is None else f"{verdict.observed:g}"
        cases.append({"classname": "agno_check.load.slo", "name": verdict.expr, "time_s": report.duration_s,
                      "kind": "passed" if verdict.passed else "failure",
                      "message": f"{verdict.expr}: observed {observed}",
                      "system_out": f"observed {observed} over {report.requests} requests"})
    if not report.slo:
        ok = report.succeeded > 0
        cases.append({"classname": "agno_check.load", "name": "at least one turn succeeded",
                      "time_s": report.duration_s, "kind": "passed" if ok else "failure",
                      "message": f"{report.succeeded} of {report.requests} turns succeeded"})
    stamp = report.started_at.strftime("%Y-%m-%dT%H:%M:%S") if report.started_at else ""
    return junit_document([_suite(f"agno-check load {report.target}", cases, report.duration_s, stamp)])

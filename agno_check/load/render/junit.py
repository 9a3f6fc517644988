"""JUnit XML: one testcase per SLO (none given: one testcase, "at least one turn succeeded"), plus one per
baseline metric (``--baseline``) and one for ``--abort-on``, so every reason the gate can fail is a testcase."""

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
    cases += _gate_cases(report)
    stamp = report.started_at.strftime("%Y-%m-%dT%H:%M:%S") if report.started_at else ""
    return junit_document([_suite(f"agno-check load {report.target}", cases, report.duration_s, stamp)])


def _gate_cases(report: LoadReport) -> list[dict]:
    from agno_check.load.baseline import rows

    cases = []
    if report.baseline:
        bound = report.baseline["max_regression_pct"]
        for label, old, new, change, regressed in rows(report.baseline):
            cases.append({"classname": "agno_check.load.baseline", "name": f"{label} within {bound:g}% of baseline",
                          "time_s": 0.0, "kind": "failure" if regressed else "passed",
                          "message": f"{label}: {old} -> {new} ({change})"})
    if report.aborted:
        cases.append({"classname": "agno_check.load", "name": "not aborted", "time_s": report.duration_s,
                      "kind": "failure", "message": f"aborted: {report.aborted['expr']} held at "
                                                    f"{report.aborted['at_s']:g} s"})
    return cases

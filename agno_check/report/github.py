"""GitHub Actions workflow commands for a report: ``::error`` / ``::warning`` annotations, pure functions.

Failed checks (as the policy counts them; checks ignored by policy and findings known from a baseline are left
out) become ``::error title=<id>::<detail>``, warns ``::warning``; a deployment-file finding adds ``file=`` and
``line=`` so GitHub shows it on that line. GitHub shows at most 10 errors and 10 warnings per step, so at most 10
of each are printed (errors first by severity), and one ``::notice`` says how many more the summary holds.
Escaping as the runner expects: in the message ``%``, CR and LF; in property values also ``:`` and ``,``.
"""

from __future__ import annotations

from typing import Any

from agno_check.report.findings import findings_of, repository_path
from agno_check.report.model import SEVERITY_RANK, ReadinessReport

MAX_PER_LEVEL = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: Any) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def _capped(level: str, lines: list[str], what: str) -> list[str]:
    if len(lines) <= MAX_PER_LEVEL:
        return lines
    more = len(lines) - MAX_PER_LEVEL
    return lines[:MAX_PER_LEVEL] + [command("notice", f"{more} more {what} not annotated here: see the job "
                                                      "summary or the report", title="agno-check")]


def readiness_annotations(report: ReadinessReport) -> list[str]:
    errors: list[tuple[int, str]] = []
    warnings: list[str] = []
    for result in report.checks:
        status = result.counted_status
        if status not in ("fail", "warn", "error") or result.baseline == "known":
            continue
        level = "warning" if status == "warn" else "error"
        title = result.id if status != "error" else f"{result.id} (could not run)"
        findings = findings_of(result) or [None]
        for finding in findings:
            file = repository_path(report, finding.file) if finding and finding.file else None
            line = finding.line if finding and file else None
            message = finding.message if finding and file else result.detail
            text = command(level, f"[{result.severity}] {message}", file=file, line=line, title=title)
            if level == "error":
                errors.append((-SEVERITY_RANK[result.severity], text))
            else:
                warnings.append(text)
    ordered = [text for _, text in sorted(errors, key=lambda item: item[0])]
    return _capped("error", ordered, "failed checks") + _capped("warning", warnings, "warnings")


def load_annotations(report: Any) -> list[str]:
    """A load report: one ``::error`` per failed SLO, or one when no request succeeded."""
    lines = [command("error", f"SLO {verdict.expr} failed: observed "
                              f"{'no samples' if verdict.observed is None else f'{verdict.observed:g}'}",
                     title=f"slo {verdict.expr}")
             for verdict in report.slo if not verdict.passed]
    if not report.passed and not lines:
        lines.append(command("error", f"the load test did not pass: {report.failures} of {report.requests} "
                                      "requests failed", title="agno-check load"))
    return _capped("error", lines, "failed SLOs")

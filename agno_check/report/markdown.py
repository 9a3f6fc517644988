"""Markdown, fit for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY and the like)."""

from __future__ import annotations

from agno_check.report.model import CheckResult, ReadinessReport

ICON = {"pass": "✅ pass", "warn": "⚠️ warn", "fail": "❌ fail", "skip": "⏭️ skip", "error": "💥 error"}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _marks(result: CheckResult) -> str:
    """What changed how a check counts: its policy entry (with the reason) and its baseline state."""
    marks = []
    if result.policy:
        marks.append(f"ignored: {result.policy_reason}" if result.policy == "ignore"
                     else f"policy {result.policy}: {result.policy_reason}")
    if result.baseline:
        marks.append(result.baseline)
    return f" ({_cell('; '.join(marks))})" if marks else ""


def render_markdown(report: ReadinessReport) -> str:
    verdict = "passed" if report.gate.passed else "failed"
    lines = [
        f"## agno-check readiness: {report.score:g}/100 — gate {verdict}",
        "",
        f"Target `{report.target}` (profile {report.spoken}), {report.duration_ms / 1000:.1f} s.",
        "",
    ]
    if report.gate.reasons:
        lines += ["**Gate:** " + "; ".join(report.gate.reasons), ""]
    lines += ["| category | score | pass | warn | fail | skip | error |", "|---|---|---|---|---|---|---|"]
    for name, summary in report.categories.items():
        score = "—" if summary.score is None else f"{summary.score:g}"
        lines.append(f"| {name} | {score} | {summary.passed} | {summary.warned} | {summary.failed} | "
                     f"{summary.skipped} | {summary.errored} |")
    lines += ["", "| check | severity | status | detail |", "|---|---|---|---|"]
    for r in report.checks:
        lines.append(f"| `{r.id}` | {r.severity} | {ICON[r.status]}{_marks(r)} | {_cell(r.detail)} |")
    if report.baseline:
        lines += ["", f"**Baseline** `{report.baseline.file}`: {report.baseline.known} known, "
                      f"{report.baseline.new} new, {len(report.baseline.fixed)} fixed"]
        lines += [f"- fixed: `{f.check}` at {_cell(f.location)} ({f.status})" for f in report.baseline.fixed]
    todo = [r for r in report.checks if r.status in ("fail", "warn", "error") and r.remediation]
    if todo:
        lines += ["", "### How to fix", ""]
        lines += [f"- `{r.id}`: {_cell(r.remediation)}" for r in todo]
    return "\n".join(lines) + "\n"

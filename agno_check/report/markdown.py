"""Markdown, fit for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY and the like)."""

from __future__ import annotations

from agno_check.report.model import ReadinessReport

ICON = {"pass": "✅ pass", "warn": "⚠️ warn", "fail": "❌ fail", "skip": "⏭️ skip", "error": "💥 error"}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: ReadinessReport) -> str:
    verdict = "passed" if report.gate.passed else "failed"
    lines = [
        f"## agno-check readiness: {report.score:g}/100 — gate {verdict}",
        "",
        f"Target `{report.target}` (profile {report.profile}), {report.duration_ms / 1000:.1f} s.",
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
        lines.append(f"| `{r.id}` | {r.severity} | {ICON[r.status]} | {_cell(r.detail)} |")
    todo = [r for r in report.checks if r.status in ("fail", "warn", "error") and r.remediation]
    if todo:
        lines += ["", "### How to fix", ""]
        lines += [f"- `{r.id}`: {_cell(r.remediation)}" for r in todo]
    return "\n".join(lines) + "\n"

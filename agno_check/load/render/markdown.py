"""Markdown, fit for a CI job summary."""

from __future__ import annotations

from agno_check.load.render.common import (
    BASELINE_HEADER,
    SWEEP_HEADER,
    baseline_rows,
    headline,
    ms,
    num,
    slo_rows,
    step_rows,
    summary_rows,
    sweep_rows,
)
from agno_check.load.report import LoadReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: LoadReport) -> str:
    lines = [f"## {headline(report)}", "", "| metric | value |", "|---|---|"]
    lines += [f"| {label} | {_cell(value)} |" for label, value in summary_rows(report)]
    if report.slo:
        lines += ["", "| SLO | observed | verdict |", "|---|---|---|"]
        lines += [f"| `{expr}` | {observed} | {'✅ pass' if passed else '❌ fail'} |"
                  for expr, observed, passed in slo_rows(report)]
    if report.find_max:
        lines += ["", "| users | req/s | p95 | error rate | held |", "|---|---|---|---|---|"]
        for step in step_rows(report):
            rate = "—" if step.get("error_rate") is None else f"{step['error_rate']:.2%}"
            lines.append(f"| {step['users']} | {num(step.get('rps'))} | {ms(step.get('p95'))} | {rate} | "
                         f"{'yes' if step['held'] else 'no: ' + _cell(', '.join(step.get('broken') or []))} |")
    if report.steps:
        lines += ["", "| " + " | ".join(SWEEP_HEADER) + " |", "|" + "---|" * len(SWEEP_HEADER)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in sweep_rows(report)]
    if report.baseline:
        lines += ["", f"Compared with `{_cell(report.baseline['file'])}` (bound "
                      f"{report.baseline['max_regression_pct']:g}%):", "",
                  "| " + " | ".join(BASELINE_HEADER) + " |", "|---|---|---|---|---|"]
        lines += [f"| {label} | {old} | {new} | {change} | {'❌ regressed' if bad else '✅ ok'} |"
                  for label, old, new, change, bad in baseline_rows(report)]
    if report.errors:
        lines += ["", "| failure kind | count | example |", "|---|---|---|"]
        lines += [f"| {_cell(e.kind)} | {e.count} | {_cell(e.example)} |" for e in report.errors]
    if report.reasons:
        lines += ["", "**Gate failed:** " + "; ".join(_cell(r) for r in report.reasons)]
    for note in report.notes:
        lines += ["", f"_{_cell(note)}_"]
    return "\n".join(lines) + "\n"

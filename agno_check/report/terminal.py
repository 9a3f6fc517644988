"""The rich terminal report: grouped by category, coloured by status, scores, remediation of failures last."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from agno_check.report.model import ReadinessReport

STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim", "error": "magenta"}


def _score_style(score: float | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 90 else "yellow" if score >= 70 else "red"


def render_terminal(report: ReadinessReport, console: Console) -> None:
    table = Table(title=f"agno-check readiness — {report.target} ({report.profile})", title_justify="left",
                  show_lines=False, expand=False)
    table.add_column("check")
    table.add_column("severity")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for category, summary in report.categories.items():
        score = "n/a" if summary.score is None else f"{summary.score:g}"
        table.add_row(Text(f"{category}  {score}", style=f"bold {_score_style(summary.score)}"), "", "", "")
        for r in (r for r in report.checks if r.category == category):
            mark = " ignored" if r.policy == "ignore" else f" ({r.baseline})" if r.baseline else ""
            table.add_row(f"  {r.id}", r.severity, Text(r.status + mark, style=STYLE[r.status]), r.detail)
    console.print(table)
    todo = [r for r in report.checks if r.status in ("fail", "error", "warn")]
    if todo:
        items = [Text.assemble((f"{r.id} ", STYLE[r.status]), r.remediation or r.detail) for r in
                 sorted(todo, key=lambda r: ("fail", "error", "warn").index(r.status))]
        console.print(Group(Text("How to fix", style="bold"), *items))
    for note in report.notes:
        console.print(Text(note, style="dim"))
    verdict = Text("PASSED", style="bold green") if report.gate.passed else Text("FAILED", style="bold red")
    console.print(Text.assemble("Score ", (f"{report.score:g}/100", f"bold {_score_style(report.score)}"),
                                "  gate ", verdict, f"  ({report.duration_ms / 1000:.1f} s)"))
    for reason in report.gate.reasons:
        console.print(Text(f"  - {reason}", style="red"))

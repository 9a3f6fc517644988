"""The rich summary: totals, agent metrics, errors by kind, SLO verdicts."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agno_check.load.render.common import (
    BASELINE_HEADER,
    SWEEP_HEADER,
    baseline_rows,
    headline,
    ms,
    num,
    step_rows,
    summary_rows,
    sweep_rows,
)
from agno_check.load.report import LoadReport
from agno_check.units import slo_line


def render_sweep_and_baseline(report: LoadReport, console: Console) -> None:
    """The sweep's steps and the baseline comparison (old value, new value, change), when there are any."""
    if report.steps:
        steps = Table(title="sweep steps", title_justify="left")
        for column in SWEEP_HEADER:
            steps.add_column(column)
        for row in sweep_rows(report):
            steps.add_row(*row)
        console.print(steps)
    if report.baseline:
        table = Table(title=f"baseline {report.baseline['file']} (bound {report.baseline['max_regression_pct']:g}%)",
                      title_justify="left")
        for column in BASELINE_HEADER:
            table.add_column(column, justify="left" if column in ("metric", "verdict") else "right")
        for label, old, new, change, bad in baseline_rows(report):
            table.add_row(label, old, new, change,
                          Text("regressed", style="bold red") if bad else Text("ok", style="green"))
        console.print(table)


def render_terminal(report: LoadReport, console: Console) -> None:
    table = Table(title=headline(report), title_justify="left", show_header=False)
    table.add_column("metric", style="bold")
    table.add_column("value")
    for label, value in summary_rows(report):
        table.add_row(label, value)
    console.print(table)
    if report.find_max:
        steps = Table(title="find-max steps", title_justify="left")
        for column in ("users", "req/s", "p95", "TTFT p95", "error rate", "held"):
            steps.add_column(column)
        for step in step_rows(report):
            steps.add_row(str(step["users"]), num(step.get("rps")), ms(step.get("p95")), ms(step.get("ttft_p95")),
                          "—" if step.get("error_rate") is None else f"{step['error_rate']:.2%}",
                          Text("yes", style="green") if step["held"] else
                          Text("no: " + ", ".join(step.get("broken") or []), style="red"))
        console.print(steps)
    render_sweep_and_baseline(report, console)
    if report.errors:
        errors = Table(title="failures by kind", title_justify="left")
        errors.add_column("kind")
        errors.add_column("count", justify="right")
        errors.add_column("example", overflow="fold")
        for error in report.errors:
            errors.add_row(error.kind, f"{error.count:,}", error.example)
        console.print(errors)
    if report.slo:  # k6 style, one line per threshold: "✗ p95<2000  p95=2,514 ms"
        console.print(Text("SLOs", style="bold"))
        for verdict in report.slo:
            console.print(Text(f"  {slo_line(verdict.expr, verdict.observed, verdict.passed)}",
                               style="green" if verdict.passed else "bold red"))
    for note in report.notes:
        console.print(Text(note, style="dim"))
    if report.interrupted:
        console.print(Text("INTERRUPTED: the numbers above cover the run until Ctrl-C", style="bold yellow"))
    verdict = Text("PASSED", style="bold green") if report.passed else Text("FAILED", style="bold red")
    console.print(Text.assemble("gate ", verdict))
    for reason in report.reasons:
        console.print(Text(f"  - {reason}", style="red"))

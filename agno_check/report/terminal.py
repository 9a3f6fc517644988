"""The rich terminal report, verdict first: score and gate, then what to fix, then what passed and was skipped.

A reader wants the answer before the evidence (pytest's and k6's summaries lead with it): the first line is
PASSED/FAILED with the score, then the gate's reasons, then each failed, could-not-run and warned check with its
detail, its evidence (numbers with units) and how to fix it. Passed checks are one compact block by category;
skipped checks are one line per reason ("10 agent-object checks skipped: run against module:agent ..."), not
ten identical rows. ``--verbose`` adds the full table of every check. ``render_short`` is the few lines a
terminal gets when the report itself went to a file in another format.
"""

from __future__ import annotations

import os
from collections import defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agno_check.report.model import CATEGORIES, SEVERITY_RANK, CheckResult, ReadinessReport
from agno_check.units import evidence_facts

STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim", "error": "magenta",
         "interrupted": "yellow"}
MARK = {"pass": "✓", "warn": "!", "fail": "✗", "error": "E", "skip": "-", "interrupted": "…"}
#: the findings, in the order they are shown: what failed, what could not run, what only warned
FINDINGS = (("fail", "Failed"), ("error", "Could not run"), ("warn", "Warned"))
#: skip reasons shared by many checks, named by the kind of check they skip (reason prefix -> noun, rest)
SKIP_KINDS = {"reads the agent object: ": "agent-object", "intrusive check; ": "intrusive"}
INDENT = 3


def _score_style(score: float | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 90 else "yellow" if score >= 70 else "red"


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.1f} s"


def _verdict_line(report: ReadinessReport) -> Text:
    if report.interrupted:
        verdict = Text("… INTERRUPTED", style="bold yellow")
    elif report.gate.passed:
        verdict = Text("✓ PASSED", style="bold green")
    else:
        verdict = Text("✗ FAILED", style="bold red")
    total = len(report.checks) + len(report.interrupted_checks)
    return Text.assemble(verdict, "  score ", (f"{report.score:g}/100", f"bold {_score_style(report.score)}"),
                         (f"  ·  {report.target} ({report.spoken})  ·  {len(report.checks)} of {total} checks"
                          if report.interrupted else
                          f"  ·  {report.target} ({report.spoken})  ·  {total} checks", "dim"),
                         (f" in {_seconds(report.duration_ms)}", "dim"))


def _gate(report: ReadinessReport) -> list[Text]:
    rules = [f"--fail-on {report.gate.fail_on}" if report.gate.fail_on else "",
             f"--fail-under {report.gate.fail_under:g}" if report.gate.fail_under is not None else ""]
    rules_text = ", ".join(r for r in rules if r)
    if report.gate.passed:
        return [Text(f"  gate passed ({rules_text})" if rules_text else "  gate passed", style="green")]
    lines = [Text(f"  gate failed ({rules_text}):" if rules_text else "  gate failed:", style="red")]
    lines += [Text(f"    - {reason}", style="red") for reason in report.gate.reasons]
    return lines


def _categories(report: ReadinessReport) -> Text:
    text = Text("  ")
    for index, (category, summary) in enumerate(report.categories.items()):
        if index:
            text.append("  ·  ", style="dim")
        text.append(f"{category} ")
        text.append("n/a" if summary.score is None else f"{summary.score:g}", style=_score_style(summary.score))
    return text


def _header(title: str, count: int, style: str) -> Text:
    return Text.assemble((title, f"bold {style}"), (f" ({count})", "dim"))


def _hanging(console: Console, prefix: Text, body: Text, hang: int = 0) -> None:
    """``prefix`` then ``body``, its wrapped lines indented under the body's start (``hang`` more), with no
    trailing blanks, so a CI log stays clean."""
    indent = prefix.cell_len + hang
    for index, line in enumerate(body.wrap(console, max(20, console.width - indent))):
        line.rstrip()
        console.print(Text.assemble(prefix if index == 0 else " " * indent, line), no_wrap=True, crop=False)


def _one_line(console: Console, text: Text) -> None:
    console.print(text, no_wrap=True, overflow="ellipsis")


def _mark(result: CheckResult) -> str:
    """How a policy entry or the baseline changed the way the check counts: `` (ignored)``, `` (known)``."""
    marks = ["ignored" if result.policy == "ignore" else f"policy {result.policy}"] if result.policy else []
    marks += [result.baseline] if result.baseline else []
    return f" ({', '.join(marks)})" if marks else ""


def _finding(console: Console, result: CheckResult) -> None:
    """One failed/errored/warned check: its id and severity, detail, evidence with units, and the fix."""
    style = STYLE[result.status]
    _hanging(console, Text(f" {MARK[result.status]} ", style=style),
             Text.assemble((result.id, "bold"), f"  {result.severity}", (_mark(result), "bold"),
                           (f"  {result.title}", "dim")))
    pad = Text(" " * INDENT)
    _hanging(console, pad, Text(result.detail))
    if result.policy:
        until = f" (until {result.policy_expires.isoformat()})" if result.policy_expires else ""
        _hanging(console, pad, Text.assemble(("policy: ", "dim"), (f"{result.policy}: {result.policy_reason}{until}",
                                                                   "dim")))
    facts = evidence_facts(result.evidence)
    if facts:
        _hanging(console, pad, Text.assemble(("evidence: ", "dim"), (" · ".join(facts), "dim")))
    if result.remediation:
        _hanging(console, pad, Text.assemble(("fix: ", "bold"), result.remediation))


def _ids_by_category(console: Console, ids: list[str], style: str) -> None:
    """Check ids grouped by category, the category named once: one compact block however many there are."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for check_id in ids:
        category, _, name = check_id.partition(".")
        grouped[category].append(name)
    width = max(len(c) for c in grouped)
    for category in sorted(grouped, key=lambda c: (CATEGORIES.index(c) if c in CATEGORIES else 99, c)):
        _hanging(console, Text(" " * INDENT + category.ljust(width + 2), style=style),
                 Text(", ".join(sorted(grouped[category]))))


def skip_groups(results: list[CheckResult]) -> list[str]:
    """One line per skip reason, most-shared first: ``10 agent-object checks skipped: run against ...``."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for result in results:
        if result.status == "skip":
            by_reason[result.detail].append(result.id)
    lines = []
    for reason, ids in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])):
        noun, why = "", reason
        for prefix, kind in SKIP_KINDS.items():
            if reason.startswith(prefix):
                noun, why = f"{kind} ", reason[len(prefix):]
        names = [i.partition(".")[2] for i in ids]
        shared = os.path.commonprefix(names).rpartition("_")[0]
        if len(ids) == 1:
            lines.append(f"{ids[0]} skipped: {reason}")
        elif noun:
            lines.append(f"{len(ids)} {noun}checks skipped: {why}")
        elif len(shared) >= 2:
            lines.append(f"{len(ids)} {shared}_* checks skipped: {why}")
        else:
            lines.append(f"{len(ids)} checks skipped: {why} ({', '.join(names)})")
    return lines


def _ordered(results: list[CheckResult], status: str) -> list[CheckResult]:
    chosen = [r for r in results if r.status == status]
    return sorted(chosen, key=lambda r: (-SEVERITY_RANK[r.severity], r.id))


def _table(report: ReadinessReport, console: Console) -> None:
    """Every check in one table, by category (``--verbose``)."""
    table = Table(title=f"agno-check readiness — {report.target} ({report.spoken})", title_justify="left",
                  show_lines=False, expand=False)
    table.add_column("check")
    table.add_column("severity")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for category in CATEGORIES:
        summary = report.categories.get(category)
        rows = [r for r in report.checks if r.category == category]
        stopped = [i for i in report.interrupted_checks if i.startswith(f"{category}.")]
        if not rows and not stopped:
            continue
        score = "n/a" if summary is None or summary.score is None else f"{summary.score:g}"
        table.add_row(Text(f"{category}  {score}", style=f"bold {_score_style(summary.score if summary else None)}"),
                      "", "", "")
        for r in rows:
            table.add_row(f"  {r.id}", r.severity, Text(r.status + _mark(r), style=STYLE[r.status]), r.detail)
        for check_id in stopped:
            table.add_row(f"  {check_id}", "", Text("interrupted", style=STYLE["interrupted"]),
                          "not finished: the run was interrupted (Ctrl-C) first")
    console.print(table)


def render_terminal(report: ReadinessReport, console: Console, verbose: bool = False) -> None:
    """The whole report: verdict, gate, findings with remediation, passed block, skip reasons, notes."""
    console.print(_verdict_line(report))
    for line in _gate(report):
        console.print(line)
    if report.categories:
        console.print(_categories(report))
    if verbose:
        console.print()
        _table(report, console)
    for status, title in FINDINGS:
        chosen = _ordered(report.checks, status)
        if chosen:
            console.print()
            console.print(_header(title, len(chosen), STYLE[status]))
            for result in chosen:
                _finding(console, result)
    if not verbose:
        passed = [r.id for r in report.checks if r.status == "pass"]
        if passed:
            console.print()
            console.print(_header("Passed", len(passed), "green"))
            _ids_by_category(console, passed, "green")
        skips = skip_groups(report.checks)
        if skips:
            console.print()
            console.print(_header("Skipped", sum(r.status == "skip" for r in report.checks), "dim"))
            for line in skips:  # one line per reason (a narrow terminal wraps it, indented deeper)
                _hanging(console, Text(" " * INDENT), Text(line, style="dim"), hang=2)
    if report.interrupted_checks:
        console.print()
        console.print(Text.assemble(_header("Interrupted", len(report.interrupted_checks), "yellow"),
                                    (": not finished, Ctrl-C came first", "yellow")))
        _ids_by_category(console, report.interrupted_checks, "yellow")
    if report.notes:
        console.print()
        for note in report.notes:
            console.print(Text(note, style="dim"))


def render_short(report: ReadinessReport, console: Console, written_to: str | None = None) -> None:
    """The terminal's few lines when the report went to a file: score, gate, and the checks that failed."""
    console.print(_verdict_line(report))
    for gate_line in _gate(report):
        console.print(gate_line)
    for status in ("fail", "error"):
        for result in _ordered(report.checks, status):
            line = Text.assemble((f"  {MARK[status]} ", STYLE[status]), (result.id, "bold"),
                                 f" ({result.severity}): ", " ".join(result.detail.split()))
            _one_line(console, line)  # one line per failed check: the file has the rest
    counts = [f"{sum(r.status == s for r in report.checks)} {word}" for s, word in
              (("warn", "warned"), ("pass", "passed"), ("skip", "skipped"))]
    if report.interrupted_checks:
        counts.append(f"{len(report.interrupted_checks)} interrupted")
    console.print(Text("  " + ", ".join(counts), style="dim"))
    if written_to:
        console.print(Text(f"  full report: {written_to}", style="dim"), no_wrap=True, crop=False)

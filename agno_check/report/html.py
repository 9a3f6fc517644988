"""The HTML readiness report (``--html FILE`` / ``--format html``): one self-contained page, a pure function of
the report. Inline CSS, no script, no font or image fetched: it opens anywhere, a CI artefact included.

At a glance: the score, the gate and its reasons, one card per category, and what needs attention (the counted
fails, errors and warns, linked to their checks). Then every check, grouped by category,
with its status, severity, detail and remediation; its evidence folded (``<details>``); checks a policy ignores
or relaxes, and findings known from a baseline, are marked as such. Stable hooks for tests and styling:
``id="summary"``, ``id="categories"``, ``id="checks"``, ``id="check-<check id>"`` with ``data-status``.
"""

from __future__ import annotations

import json
from html import escape

from agno_check.report.findings import findings_of
from agno_check.report.model import SEVERITY_RANK, CheckResult, ReadinessReport

CSS = """
:root { color-scheme: light; --pass:#15803d; --warn:#b45309; --fail:#b91c1c; --skip:#6b7280; --error:#7e22ce; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111827;
       background: #f9fafb; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 10px; }
.dim { color: #6b7280; }
#summary { display: flex; gap: 24px; align-items: center; background: #fff; border: 1px solid #e5e7eb;
           border-radius: 10px; padding: 18px 22px; }
.score { font-size: 44px; font-weight: 700; min-width: 130px; }
.gate { font-weight: 700; padding: 2px 10px; border-radius: 6px; color: #fff; }
.gate.passed { background: var(--pass); } .gate.failed { background: var(--fail); }
#categories { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px; padding: 12px 16px; }
.card .value { font-size: 26px; font-weight: 700; }
.check { background: #fff; border: 1px solid #e5e7eb; border-left: 6px solid var(--skip); border-radius: 8px;
         padding: 10px 14px; margin: 8px 0; }
.check[data-status=pass] { border-left-color: var(--pass); }
.check[data-status=warn] { border-left-color: var(--warn); }
.check[data-status=fail] { border-left-color: var(--fail); }
.check[data-status=error] { border-left-color: var(--error); }
.check.muted { opacity: .65; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 999px;
         color: #fff; background: var(--skip); margin-right: 6px; text-transform: uppercase; }
.badge.pass { background: var(--pass); } .badge.warn { background: var(--warn); }
.badge.fail { background: var(--fail); }
.badge.error { background: var(--error); } .badge.mark { background: #1f2937; }
.sev { font-size: 12px; color: #374151; border: 1px solid #d1d5db; border-radius: 4px; padding: 0 6px; }
code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #f3f4f6; padding: 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; }
.remediation { margin: 6px 0 0; } .remediation b { color: #374151; }
ul.reasons { margin: 6px 0 0; padding-left: 18px; color: var(--fail); }
#attention ul { list-style: none; padding: 0; margin: 0; } #attention li { margin: 4px 0; }
a { color: #1d4ed8; }
"""


def _status_badge(status: str) -> str:
    return f"<span class='badge {escape(status)}'>{escape(status)}</span>"


def _marks(result: CheckResult) -> str:
    marks = []
    if result.policy:
        label = "ignored" if result.policy == "ignore" else f"policy: {result.policy}"
        until = f" until {result.policy_expires.isoformat()}" if result.policy_expires else ""
        marks.append(f"<span class='badge mark' title='{escape(result.policy_reason or '')}'>{escape(label)}</span>"
                     f"<span class='dim'>{escape(result.policy_reason or '')}{escape(until)}</span> ")
    if result.baseline:
        marks.append(f"<span class='badge mark'>{'known (baseline)' if result.baseline == 'known' else 'new'}</span>")
    return "".join(marks)


def _check(result: CheckResult) -> str:
    muted = " muted" if result.policy == "ignore" or result.baseline == "known" else ""
    where = ", ".join(f.location for f in findings_of(result) if f.location != "(the target)")
    parts = [
        f"<div class='check{muted}' id='check-{escape(result.id)}' data-status='{escape(result.status)}'"
        f" data-severity='{escape(result.severity)}'>",
        f"<div>{_status_badge(result.status)}<code>{escape(result.id)}</code> <span class='sev'>"
        f"{escape(result.severity)}</span> {escape(result.title)} {_marks(result)}</div>",
        f"<p class='detail'>{escape(result.detail)}</p>",
    ]
    if where:
        parts.append(f"<p class='dim where'>at {escape(where)}</p>")
    if result.remediation and result.status in ("fail", "warn", "error"):
        parts.append(f"<p class='remediation'><b>How to fix:</b> {escape(result.remediation)}</p>")
    if result.evidence:
        evidence = json.dumps(result.evidence, indent=2, ensure_ascii=False, default=str)
        parts.append(f"<details class='evidence'><summary>evidence</summary><pre>{escape(evidence)}</pre></details>")
    parts.append("</div>")
    return "".join(parts)


def _categories(report: ReadinessReport) -> str:
    cards = []
    for name, s in report.categories.items():
        score = "n/a" if s.score is None else f"{s.score:g}"
        ignored = f", {s.ignored} ignored" if s.ignored else ""
        cards.append(f"<div class='card' data-category='{escape(name)}'><div class='dim'>{escape(name)}</div>"
                     f"<div class='value'>{escape(score)}</div><div class='dim'>{s.passed} pass, {s.warned} warn, "
                     f"{s.failed} fail, {s.skipped} skip, {s.errored} error{ignored}</div></div>")
    return f"<section id='categories'>{''.join(cards)}</section>"


def render_html(report: ReadinessReport) -> str:
    verdict = "passed" if report.gate.passed else "failed"
    title = f"agno-check readiness — {report.target}"
    reasons = "".join(f"<li>{escape(r)}</li>" for r in report.gate.reasons)
    summary = (f"<section id='summary'><div class='score'>{report.score:g}<span class='dim'>/100</span></div>"
               f"<div><h1>{escape(title)}</h1><div class='dim'>profile {escape(report.spoken)}, "
               f"{report.duration_ms / 1000:.1f} s, {escape(report.started_at.isoformat(timespec='seconds'))}"
               f"</div><div>gate <span class='gate {verdict}'>{verdict.upper()}</span></div>"
               f"{f'<ul class=reasons>{reasons}</ul>' if reasons else ''}</div></section>")
    todo = [r for r in report.checks if r.counted_status in ("fail", "error", "warn") and r.baseline != "known"]
    todo.sort(key=lambda r: (("fail", "error", "warn").index(r.counted_status or "warn"), -SEVERITY_RANK[r.severity]))
    attention = "".join(f"<li>{_status_badge(r.counted_status or r.status)}<a href='#check-{escape(r.id)}'>"
                        f"<code>{escape(r.id)}</code></a> {escape(r.detail)}</li>" for r in todo)
    attention_section = (f"<section id='attention'><h2>Needs attention</h2><ul>{attention}</ul></section>"
                         if attention else "")
    checks = []
    for category in report.categories:
        rows = "".join(_check(r) for r in report.checks if r.category == category)
        checks.append(f"<h2>{escape(category)}</h2>{rows}")
    extra = []
    if report.baseline:
        fixed = "".join(f"<li><code>{escape(f.check)}</code> at {escape(f.location)} ({escape(f.status)})</li>"
                        for f in report.baseline.fixed)
        extra.append(f"<section id='baseline'><h2>Baseline</h2><p>{escape(report.baseline.file)}: "
                     f"{report.baseline.known} known, {report.baseline.new} new, {len(report.baseline.fixed)} "
                     f"fixed</p>{f'<ul>{fixed}</ul>' if fixed else ''}</section>")
    if report.notes:
        extra.append("<section id='notes'><h2>Notes</h2><ul>"
                     + "".join(f"<li>{escape(n)}</li>" for n in report.notes) + "</ul></section>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
            f"{summary}<h2>Categories</h2>{_categories(report)}{attention_section}"
            f"<section id='checks'>{''.join(checks)}</section>"
            f"{''.join(extra)}</main></body></html>\n")

"""A self-contained HTML report: the summary, SLO verdicts, failures, and charts of throughput, latency and
users over time drawn as inline SVG from the timeline (no script, no network: it opens anywhere, CI artefacts
included)."""

from __future__ import annotations

from html import escape

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

WIDTH, HEIGHT, PAD = 720, 220, 44
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea")


def _chart(title: str, timeline: list[dict], series: list[tuple[str, str]], unit: str) -> str:
    points = [p for p in timeline if p.get("t_s") is not None]
    values = [p.get(key) for p in points for key, _ in series if p.get(key) is not None]
    if not points or not values:
        return f"<h3>{escape(title)}</h3><p class='dim'>no data</p>"
    t_max = max(p["t_s"] for p in points) or 1.0
    v_max = max(values) or 1.0
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def xy(t: float, v: float) -> str:
        return f"{PAD + inner_w * t / t_max:.1f},{HEIGHT - PAD - inner_h * v / v_max:.1f}"

    parts = [f"<svg viewBox='0 0 {WIDTH} {HEIGHT}' width='{WIDTH}' height='{HEIGHT}' role='img' "
             f"aria-label='{escape(title)}'>",
             f"<line x1='{PAD}' y1='{HEIGHT - PAD}' x2='{WIDTH - PAD}' y2='{HEIGHT - PAD}' stroke='#999'/>",
             f"<line x1='{PAD}' y1='{PAD}' x2='{PAD}' y2='{HEIGHT - PAD}' stroke='#999'/>",
             f"<text x='{PAD - 4}' y='{PAD + 4}' text-anchor='end' font-size='11'>{v_max:,.0f}</text>",
             f"<text x='{PAD - 4}' y='{HEIGHT - PAD}' text-anchor='end' font-size='11'>0</text>",
             f"<text x='{WIDTH - PAD}' y='{HEIGHT - PAD + 16}' text-anchor='end' font-size='11'>"
             f"{t_max:.0f} s</text>",
             f"<text x='{PAD}' y='{PAD - 10}' font-size='11'>{escape(unit)}</text>"]
    for index, (key, label) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        coords = " ".join(xy(p["t_s"], p[key]) for p in points if p.get(key) is not None)
        if coords:
            parts.append(f"<polyline fill='none' stroke='{colour}' stroke-width='2' points='{coords}'/>")
        parts.append(f"<text x='{PAD + 10 + 110 * index}' y='{HEIGHT - 8}' font-size='12' fill='{colour}'>"
                     f"{escape(label)}</text>")
    parts.append("</svg>")
    return f"<h3>{escape(title)}</h3>" + "".join(parts)


def _sweep_chart(report: LoadReport) -> str:
    """Latency and TTFT against load: one point per sweep step (x = users, or arrivals/s)."""
    from agno_check.load.sweep import load_of

    steps = report.steps or []
    by_rate = bool(steps) and "rate" in steps[0]
    points = [{"t_s": load_of(step), "p50": (step.get("latency_ms") or {}).get("p50"),
               "p95": (step.get("latency_ms") or {}).get("p95"),
               "ttft_p95": (step.get("ttft_ms") or {}).get("p95")} for step in steps]
    series = [("p50", "latency p50"), ("p95", "latency p95")] + ([("ttft_p95", "TTFT p95")] if report.stream else [])
    chart = _chart("Latency and TTFT against load", points, series, "ms")
    axis = "arrivals/s" if by_rate else "users"
    return chart.replace(f"{max(p['t_s'] for p in points) if points else 0:.0f} s</text>",
                         f"{max(p['t_s'] for p in points) if points else 0:.0f} {axis}</text>")


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: LoadReport) -> str:
    verdict_class = "pass" if report.passed and not report.interrupted else "fail"
    sections = [f"<h1 class='{verdict_class}'>{escape(headline(report))}</h1>",
                _table(["metric", "value"], [[escape(a), escape(b)] for a, b in summary_rows(report)])]
    if report.slo:
        sections.append("<h2>SLOs</h2>" + _table(["SLO", "observed", "verdict"], [
            [f"<code>{escape(e)}</code>", escape(o), "<b class='pass'>pass</b>" if p else "<b class='fail'>FAIL</b>"]
            for e, o, p in slo_rows(report)]))
    if report.reasons:
        sections.append("<p class='fail'>" + "<br>".join(escape(r) for r in report.reasons) + "</p>")
    if report.find_max:
        sections.append("<h2>find-max steps</h2>" + _table(["users", "req/s", "p95", "held"], [
            [str(s["users"]), num(s.get("rps")), ms(s.get("p95")),
             "yes" if s["held"] else "no: " + escape(", ".join(s.get("broken") or []))]
            for s in step_rows(report)]))
    if report.steps:
        sections.append("<h2>Sweep steps</h2>" + _table(SWEEP_HEADER, [[escape(c) for c in row]
                                                                       for row in sweep_rows(report)]))
        sections.append(_sweep_chart(report))
    if report.baseline:
        sections.append(f"<h2>Compared with {escape(report.baseline['file'])}</h2>" + _table(BASELINE_HEADER, [
            [escape(label), escape(old), escape(new), escape(change),
             "<b class='fail'>regressed</b>" if bad else "<b class='pass'>ok</b>"]
            for label, old, new, change, bad in baseline_rows(report)]))
    if report.errors:
        sections.append("<h2>Failures by kind</h2>" + _table(["kind", "count", "example"], [
            [escape(e.kind), f"{e.count:,}", escape(e.example)] for e in report.errors]))
    latency = [("p50", "p50"), ("p95", "p95")] + ([("ttft_p95", "TTFT p95")] if report.stream else [])
    sections += ["<h2>Over time</h2>",
                 _chart("Throughput", report.timeline, [("rps", "requests/s")], "req/s"),
                 _chart("Latency of successful turns", report.timeline, latency, "ms"),
                 _chart("Users", report.timeline, [("users", "users")], "users"),
                 _chart("Failures", report.timeline, [("errors", "failures per point")], "failures")]
    for note in report.notes:
        sections.append(f"<p class='dim'>{escape(note)}</p>")
    style = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#111}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 10px;"
             "text-align:left}.pass{color:#15803d}.fail{color:#b91c1c}.dim{color:#666}")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{escape(headline(report))}</title><style>{style}</style></head><body>"
            + "".join(sections) + "</body></html>\n")

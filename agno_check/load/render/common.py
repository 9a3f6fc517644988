"""Small formatting helpers the load renderers share."""

from __future__ import annotations

from typing import Any

from agno_check.load.report import LoadReport
from agno_check.units import ms, observed, slo_metric

__all__ = ["ms", "num", "headline", "summary_rows", "slo_rows", "step_rows"]


def num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def headline(report: LoadReport) -> str:
    verdict = "INTERRUPTED" if report.interrupted else ("PASSED" if report.passed else "FAILED")
    return (f"agno-check load — {report.target} ({report.spoken}{', streamed' if report.stream else ''}): "
            f"{verdict}")


def summary_rows(report: LoadReport) -> list[tuple[str, str]]:
    """(label, value) rows of the summary table, in the order every renderer shows them."""
    lat = report.latency_ms
    ttft = report.ttft_ms
    rows = [
        ("load", f"{report.users} users" + (f", {report.workers} workers" if report.workers > 1 else "")
         + (f", {report.settings.get('rate'):g} arrivals/s" if report.settings.get("rate") else "")),
        ("duration", f"{report.duration_s:.1f} s"),
        ("requests", f"{report.requests:,} ({report.failures:,} failed, error rate {report.error_rate:.2%})"),
        ("throughput", f"{report.rps:,.1f} req/s"),
        ("latency p50 / p95 / p99", " / ".join(ms(getattr(lat, k, None)) for k in ("p50", "p95", "p99"))),
        ("latency mean / max", " / ".join(ms(getattr(lat, k, None)) for k in ("mean", "max"))),
    ]
    if report.stream:
        rows += [
            ("TTFT p50 / p95 / p99", " / ".join(ms(getattr(ttft, k, None)) for k in ("p50", "p95", "p99"))),
            ("inter-token latency p50 / p95",
             " / ".join(ms(getattr(report.itl_ms, k, None)) for k in ("p50", "p95"))),
            ("output tokens/s", num(report.output_tokens_per_s)),
        ]
        if report.ttst_ms is not None:
            rows.append(("TTST p50 / p95 / p99",
                         " / ".join(ms(getattr(report.ttst_ms, k, None)) for k in ("p50", "p95", "p99"))))
        if report.itl_ms is not None and report.itl_ms.p99 is not None:
            rows.append(("inter-token latency p90 / p99 / max",
                         " / ".join(ms(getattr(report.itl_ms, k, None)) for k in ("p90", "p99", "max"))))
        if report.gap_ms is not None:
            rows.append(("chunk gaps p50 / p99 / max",
                         " / ".join(ms(getattr(report.gap_ms, k, None)) for k in ("p50", "p99", "max"))))
    if report.goodput is not None:
        fraction = "—" if report.goodput.fraction is None else f"{report.goodput.fraction:.1%}"
        rows.append((f"goodput ({', '.join(report.goodput.slo)})",
                     f"{fraction} of requests, {num(report.goodput.per_s)} good req/s"))
    if report.warmup_s:
        rows.append(("warm-up", f"{report.warmup_s:g} s, {report.warmup_requests or 0:,} requests left out"))
    if report.start_up:
        rows.append(("start-up", report.start_up))
    if report.probe:
        rows.append(("probe", f"{report.probe.get('requests', 1)} turn(s) before the load, not counted"))
    if report.aborted:
        rows.append(("aborted", f"{report.aborted['expr']} at {report.aborted['at_s']:g} s"))
    if report.open_model:
        rows.append(("arrivals", f"{report.open_model.get('arrivals', 0):,} started, "
                                 f"{report.open_model.get('late_arrivals', 0):,} late"
                                 + (f", {report.open_model['held_arrivals']:,} held by Retry-After"
                                    if report.open_model.get("held_arrivals") else "")))
    if report.find_max:
        best = report.find_max.get("max_users")
        rows.append(("highest load that held",
                     "none" if best is None else f"{best} users ({num(report.find_max.get('max_rps'))} req/s)"))
    return rows


def slo_rows(report: LoadReport) -> list[tuple[str, str, bool]]:
    """(expression, observed value with its unit, passed) per SLO: ``("p95<2000", "2,514 ms", False)``."""
    return [(v.expr, observed(slo_metric(v.expr), v.observed), v.passed) for v in report.slo]


def step_rows(report: LoadReport) -> list[dict[str, Any]]:
    return list((report.find_max or {}).get("steps") or [])


def sweep_rows(report: LoadReport) -> list[list[str]]:
    """One row per sweep step: load, requests, req/s, p50, p95, TTFT p95, error rate, SLOs held."""
    rows = []
    for step in report.steps or []:
        load = f"{step['users']} users" if "users" in step else f"{step['rate']:g}/s"
        lat, ttft = step.get("latency_ms") or {}, step.get("ttft_ms") or {}
        slos = step.get("slo") or []
        held = "—" if not slos else ("yes" if all(v["passed"] for v in slos) else
                                     "no: " + ", ".join(v["expr"] for v in slos if not v["passed"]))
        rows.append([load, f"{step['requests']:,}", num(step.get("rps")), ms(lat.get("p50")), ms(lat.get("p95")),
                     ms(ttft.get("p95")), f"{step.get('error_rate', 0):.2%}", held])
    return rows


SWEEP_HEADER = ["load", "requests", "req/s", "p50", "p95", "TTFT p95", "error rate", "SLOs held"]
BASELINE_HEADER = ["metric", "baseline", "this run", "change", "verdict"]


def baseline_rows(report: LoadReport) -> list[tuple[str, str, str, str, bool]]:
    from agno_check.load.baseline import rows

    return rows(report.baseline) if report.baseline else []

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
    return (f"agno-check load — {report.target} ({report.profile}{', streamed' if report.stream else ''}): "
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
    if report.open_model:
        rows.append(("arrivals", f"{report.open_model.get('arrivals', 0):,} started, "
                                 f"{report.open_model.get('late_arrivals', 0):,} late"))
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

"""Numbers with their units, the one way every report shows them: ``2,514 ms``, ``12.5 s``, ``0.57%``, ``87.2 req/s``.

A bare ``2513.9`` leaves the reader guessing (ms? s? a count?); every renderer formats through here. Standard
library only: the CLI's start-up stays light.
"""

from __future__ import annotations

from typing import Any

_LATENCY_STATS = ("p50", "p90", "p95", "p99", "max", "mean")


def ms(value: float | None) -> str:
    """A duration given in milliseconds: ``8.2 ms``, ``2,514 ms``, ``12.5 s`` (from 10 s on)."""
    if value is None:
        return "—"
    if value >= 10_000:
        return f"{value / 1000:,.1f} s"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def seconds(value: float) -> str:
    return ms(value * 1000.0)


def size(value: float) -> str:
    """Bytes: ``512 B``, ``1.0 KiB``, ``1.0 MiB``."""
    for unit, scale in (("MiB", 1024 ** 2), ("KiB", 1024)):
        if value >= scale:
            return f"{value / scale:,.1f} {unit}"
    return f"{value:,.0f} B"


def count(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def slo_metric(expr: str) -> str:
    """The metric an SLO expression is about (``p95<2000`` -> ``p95``)."""
    for index, char in enumerate(expr):
        if char in "<>=":
            return expr[:index].strip()
    return expr


def observed(metric: str, value: float | None) -> str:
    """An SLO metric's observed value with its unit; ``no samples`` when nothing was measured."""
    if value is None:
        return "no samples"
    if metric in _LATENCY_STATS or metric.startswith(("ttft_", "itl_", "ttst_")):
        return ms(value)
    if metric in ("error_rate", "goodput"):
        return f"{value:.2%}"
    if metric == "goodput_per_s":
        return f"{value:,.1f} good req/s"
    if metric == "rps":
        return f"{value:,.1f} req/s"
    if metric == "tokens_per_s":
        return f"{value:,.1f} tokens/s"
    return count(value)


def slo_line(expr: str, value: float | None, passed: bool) -> str:
    """One SLO verdict, k6 style: ``✗ p95<2000  p95=2,514 ms``."""
    metric = slo_metric(expr)
    return f"{'✓' if passed else '✗'} {expr}  {metric}={observed(metric, value)}"


def quantity(key: str, value: Any) -> str:
    """An evidence value, its unit read from the key's suffix (``wall_ms``, ``duration_s``, ``body_bytes``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if key.endswith("_ms") or key in _LATENCY_STATS or key.startswith(("ttft_", "itl_")):
        return ms(value)
    if key.endswith("_s") and not key.endswith("per_s"):
        return seconds(value)
    if key.endswith("_bytes"):
        return size(value)
    if key.endswith("rate") and key != "spawn_rate" and 0 <= value <= 1:
        return f"{value:.2%}"
    if key == "ratio" or key.endswith("_ratio"):
        return f"{value:.2f}x"
    if key == "rps" or key.endswith("_rps"):
        return f"{value:,.1f} req/s"
    return count(value)


def label(key: str) -> str:
    """An evidence key as words, its unit suffix dropped (the value carries it): ``started_within_ms`` ->
    ``started within``."""
    for suffix in ("_ms", "_s", "_bytes"):
        if key.endswith(suffix) and not key.endswith("per_s") and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    return key.replace("_", " ")


def evidence_facts(evidence: dict[str, Any] | None, limit: int = 8, longest: int = 80) -> list[str]:
    """The short facts of a check's evidence, with units: ``status code 200``, ``wall 1,469 ms``,
    ``latency p50=315 ms, p95=319 ms``. Long strings (bodies, excerpts) and nested lists are left to the JSON
    report."""
    facts: list[str] = []
    for key, value in (evidence or {}).items():
        if isinstance(value, dict):
            inner = [f"{k}={quantity(key if k in _LATENCY_STATS else k, v)}" for k, v in value.items()
                     if isinstance(v, int | float) and not isinstance(v, bool)]
            joined = ", ".join(inner)
            if inner and len(inner) == len(value) and len(joined) <= longest:
                facts.append(f"{label(key)} {joined}")
        elif isinstance(value, list):
            if value and all(isinstance(v, str | int | float) for v in value) and len(value) <= 8:
                joined = ", ".join(quantity(key, v) for v in value)
                if len(joined) <= longest:
                    facts.append(f"{label(key)} {joined}")
        elif value is not None and not (isinstance(value, str) and (len(value) > longest or "excerpt" in key)):
            facts.append(f"{label(key)} {quantity(key, value)}")
        if len(facts) >= limit:
            break
    return facts

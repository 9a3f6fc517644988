"""The SLO grammar shared by readiness and load: ``p95<2000``, ``ttft_p95<800``, ``error_rate<0.01``, ``rps>20``.

Expressions may be repeated or comma separated. Latency-like metrics are milliseconds; an optional ``ms`` or
``s`` unit is accepted (``p95<2s``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from agno_check.errors import UsageError

_LATENCY_STATS = ("p50", "p90", "p95", "p99", "max", "mean")
METRICS: frozenset[str] = frozenset(
    [*_LATENCY_STATS, *(f"ttft_{s}" for s in _LATENCY_STATS), "itl_p50", "itl_p95", "error_rate", "rps",
     "tokens_per_s", "tool_p50", "tool_p95", "tool_max",
     # load only (issue 14): ITL tails, time to second token, goodput (fraction of requests, and per second)
     "itl_p90", "itl_p99", "itl_max", "ttst_p50", "ttst_p90", "ttst_p95", "ttst_p99", "goodput", "goodput_per_s"]
)
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
}
_EXPR = re.compile(r"^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*([0-9]*\.?[0-9]+)\s*(ms|s)?\s*$")


@dataclass(frozen=True)
class Slo:
    """One threshold on one metric."""

    metric: str
    op: str
    threshold: float
    expr: str

    def holds(self, observed: float | None) -> bool:
        """An SLO on a metric with no samples is failed: nothing measured, nothing passed."""
        return observed is not None and _OPS[self.op](observed, self.threshold)


def parse_slo(text: str) -> Slo:
    match = _EXPR.match(text)
    if not match:
        raise UsageError(f"bad SLO {text!r}: expected METRIC<VALUE, e.g. p95<2000 or error_rate<0.01")
    metric, op, value, unit = match.groups()
    if metric not in METRICS:
        raise UsageError(f"bad SLO {text!r}: unknown metric {metric!r} (known: {', '.join(sorted(METRICS))})")
    threshold = float(value)
    if unit == "s":
        threshold *= 1000.0
    if unit and not (metric in _LATENCY_STATS or metric.startswith(("ttft_", "itl_", "ttst_", "tool_"))):
        raise UsageError(f"bad SLO {text!r}: {metric} takes no time unit")
    return Slo(metric=metric, op=op, threshold=threshold, expr=text.strip().replace(" ", ""))


def parse_slos(texts: Iterable[str]) -> list[Slo]:
    """Parse repeatable and comma-separated expressions; a later SLO on the same metric and op wins."""
    parsed: dict[tuple[str, str], Slo] = {}
    for text in texts:
        for part in text.split(","):
            if part.strip():
                slo = parse_slo(part)
                parsed[(slo.metric, slo.op)] = slo
    return list(parsed.values())

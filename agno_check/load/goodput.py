"""``--goodput "ttft<500,latency<2000"``: per-request bounds; a request is *good* when it succeeded and met all.

Goodput is the share of all requests (failures included) that were good, and good requests per second: the
throughput a user actually got at the quality asked for (DistServe's definition, as GuideLLM and AIPerf use it).
The bounds name per-request values: ``latency`` (whole request), ``ttft`` (to the first content token),
``ttst`` (to the second), ``itl`` (the request's mean inter-token latency); milliseconds, ``s`` and ``ms`` units
accepted. A bound on a streamed value is not met by a request that has no such value (not streamed, one token).
The SLOs ``goodput>0.95`` (fraction) and ``goodput_per_s>10`` judge the result.

Plain Python: the bounds travel to workers as data in the plan.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from agno_check.errors import UsageError

METRICS = ("latency", "ttft", "ttst", "itl")
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
}
_BOUND = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>)\s*([0-9]*\.?[0-9]+)\s*(ms|s)?\s*$")


@dataclass(frozen=True)
class Bound:
    metric: str
    op: str
    threshold_ms: float

    @property
    def expr(self) -> str:
        return f"{self.metric}{self.op}{self.threshold_ms:g}"

    def holds(self, value: float | None) -> bool:
        return value is not None and _OPS[self.op](value, self.threshold_ms)


def parse_goodput(text: str) -> list[Bound]:
    """``ttft<500,latency<2s`` -> bounds; a bad one is one line, exit 2."""
    bounds: list[Bound] = []
    for part in [p for p in text.split(",") if p.strip()]:
        match = _BOUND.match(part)
        if not match:
            raise UsageError(f"bad --goodput bound {part.strip()!r}: expected e.g. ttft<500 or latency<2s")
        metric, op, value, unit = match.groups()
        if metric not in METRICS:
            raise UsageError(f"bad --goodput bound {part.strip()!r}: unknown value {metric!r} (known: "
                             f"{', '.join(METRICS)})")
        bounds.append(Bound(metric, op, float(value) * (1000.0 if unit == "s" else 1.0)))
    if not bounds:
        raise UsageError("bad --goodput: expected bounds such as \"ttft<500,latency<2000\"")
    return bounds


def to_wire(bounds: list[Bound]) -> list[list[object]]:
    return [[b.metric, b.op, b.threshold_ms] for b in bounds]


def from_wire(data: list[list[object]] | None) -> list[Bound]:
    return [Bound(str(m), str(o), float(t)) for m, o, t in (data or [])]  # type: ignore[arg-type]


def is_good(bounds: list[Bound], ok: bool, values: dict[str, float | None]) -> bool:
    """A successful request whose every bounded value is present and within its bound."""
    return ok and all(b.holds(values.get(b.metric)) for b in bounds)

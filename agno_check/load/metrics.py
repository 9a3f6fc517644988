"""What the load report is computed from: exact-to-0.1-ms histograms and counters, mergeable across processes.

Why histograms and not Locust's own percentiles: Locust buckets response times (10 ms, 100 ms, 1 s wide above
100 ms, up to 4.8% off), and its entries mix failed requests into latency. Each process keeps its own
``Aggregate`` (successful turns' latency, TTFT, ITL as {tenth of a ms: count}, plus sum and max for an exact mean
and max), workers ship the delta with every Locust stats report and the master merges it. Memory grows with the
number of distinct tenths of a millisecond seen, never with the number of requests, and percentiles are exact to
0.1 ms (linear interpolation between closest ranks, as ``agno_check.stats``).

Plain Python (no Locust import): the readiness process and renderers may use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

RESOLUTION = 10  # keys are tenths of a millisecond
MAX_EXAMPLE = 200


@dataclass
class Hist:
    """{tenths of a ms: count}, with exact count, sum and max."""

    counts: dict[int, int] = field(default_factory=dict)
    n: int = 0
    total: float = 0.0
    max: float = 0.0

    def add(self, ms: float) -> None:
        key = int(ms * RESOLUTION + 0.5)
        counts = self.counts
        counts[key] = counts.get(key, 0) + 1
        self.n += 1
        self.total += ms
        if ms > self.max:
            self.max = ms

    def merge(self, other: Hist) -> None:
        counts = self.counts
        for key, count in other.counts.items():
            counts[key] = counts.get(key, 0) + count
        self.n += other.n
        self.total += other.total
        self.max = max(self.max, other.max)

    def percentile(self, q: float) -> float | None:
        """Linear interpolation between closest ranks over the recorded samples; None when empty."""
        if not self.n:
            return None
        position = (self.n - 1) * q / 100.0
        low_rank, high_rank = math.floor(position), math.ceil(position)
        low = high = None
        seen = 0
        for key in sorted(self.counts):
            seen += self.counts[key]
            if low is None and seen > low_rank:
                low = key
            if seen > high_rank:
                high = key
                break
        assert low is not None and high is not None
        value = (low + (high - low) * (position - low_rank)) / RESOLUTION
        return min(value, self.max)

    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    def dist(self, quantiles: tuple[int, ...] = (50, 90, 95, 99)) -> dict[str, float] | None:
        if not self.n:
            return None
        result = {"mean": round(self.total / self.n, 1)}
        for q in quantiles:
            result[f"p{q}"] = round(self.percentile(q) or 0.0, 1)
        result["max"] = round(self.max, 1)
        return result

    def to_wire(self) -> list[Any]:
        return [list(self.counts.items()), self.n, self.total, self.max]

    @classmethod
    def from_wire(cls, data: list[Any]) -> Hist:
        pairs, n, total, top = data
        return cls({int(k): int(v) for k, v in pairs}, int(n), float(total), float(top))


@dataclass
class Aggregate:
    """Everything measured over some span (the run, one second of the timeline, one find-max step)."""

    requests: int = 0
    failures: int = 0
    errors: dict[str, list[Any]] = field(default_factory=dict)  # kind -> [count, example]
    latency: Hist = field(default_factory=Hist)  # successful turns only
    ttft: Hist = field(default_factory=Hist)
    itl: Hist = field(default_factory=Hist)
    ttst: Hist = field(default_factory=Hist)  # start to the second content token
    gaps: Hist = field(default_factory=Hist)  # every raw gap between two content chunks
    good: int = 0  # --goodput: successful requests within every bound
    output_tokens: int = 0
    token_turns: int = 0
    counters: dict[str, int] = field(default_factory=dict)

    def add_failure(self, kind: str, example: str) -> None:
        self.failures += 1
        row = self.errors.get(kind)
        if row is None:
            self.errors[kind] = [1, example[:MAX_EXAMPLE]]
        else:
            row[0] += 1

    def merge(self, other: Aggregate) -> None:
        self.requests += other.requests
        self.failures += other.failures
        for kind, (count, example) in other.errors.items():
            row = self.errors.setdefault(kind, [0, example])
            row[0] += count
        self.latency.merge(other.latency)
        self.ttft.merge(other.ttft)
        self.itl.merge(other.itl)
        self.ttst.merge(other.ttst)
        self.gaps.merge(other.gaps)
        self.good += other.good
        self.output_tokens += other.output_tokens
        self.token_turns += other.token_turns
        for key, value in other.counters.items():
            self.counters[key] = self.counters.get(key, 0) + value

    def empty(self) -> bool:
        return not (self.requests or self.ttft.n or self.token_turns or self.counters)

    def to_wire(self) -> dict[str, Any]:
        return {"requests": self.requests, "failures": self.failures,
                "errors": [[k, c, e] for k, (c, e) in self.errors.items()],
                "latency": self.latency.to_wire(), "ttft": self.ttft.to_wire(), "itl": self.itl.to_wire(),
                "ttst": self.ttst.to_wire(), "gaps": self.gaps.to_wire(), "good": self.good,
                "output_tokens": self.output_tokens, "token_turns": self.token_turns,
                "counters": list(self.counters.items())}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Aggregate:
        return cls(requests=int(data["requests"]), failures=int(data["failures"]),
                   errors={k: [int(c), str(e)] for k, c, e in data["errors"]},
                   latency=Hist.from_wire(data["latency"]), ttft=Hist.from_wire(data["ttft"]),
                   itl=Hist.from_wire(data["itl"]), ttst=Hist.from_wire(data["ttst"]),
                   gaps=Hist.from_wire(data["gaps"]), good=int(data["good"]), output_tokens=int(data["output_tokens"]),
                   token_turns=int(data["token_turns"]), counters={k: int(v) for k, v in data["counters"]})

    def slo_values(self, duration_s: float, streamed: bool) -> dict[str, float | None]:
        """The value of every SLO metric name over this span (None: no samples)."""
        values: dict[str, float | None] = {}
        for stat in ("p50", "p90", "p95", "p99"):
            q = int(stat[1:])
            values[stat] = _r(self.latency.percentile(q))
            values[f"ttft_{stat}"] = _r(self.ttft.percentile(q)) if streamed else None
        values["max"] = _r(self.latency.max) if self.latency.n else None
        values["mean"] = _r(self.latency.mean())
        values["ttft_max"] = _r(self.ttft.max) if streamed and self.ttft.n else None
        values["ttft_mean"] = _r(self.ttft.mean()) if streamed else None
        for q in (50, 90, 95, 99):
            values[f"itl_p{q}"] = _r(self.itl.percentile(q)) if streamed else None
            values[f"ttst_p{q}"] = _r(self.ttst.percentile(q)) if streamed else None
        values["itl_max"] = _r(self.itl.max) if streamed and self.itl.n else None
        values["goodput"] = round(self.good / self.requests, 6) if self.requests else None
        values["goodput_per_s"] = round(self.good / duration_s, 2) if duration_s > 0 else None
        values["error_rate"] = round(self.failures / self.requests, 6) if self.requests else None
        values["rps"] = round(self.requests / duration_s, 2) if duration_s > 0 else None
        values["tokens_per_s"] = round(self.output_tokens / duration_s, 2) \
            if streamed and self.token_turns and duration_s > 0 else None
        return values


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)

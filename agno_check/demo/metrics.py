"""Prometheus metrics of the hardened demo: requests, latency, errors, token usage, rate limiting.

One ``CollectorRegistry`` per app (not prometheus-client's global one), so two demo apps in one process (tests)
never share counters. Route labels are templates (``/agents/{id}/runs``), never raw paths: an id per label
value would grow the series without bound.
"""

from __future__ import annotations

from typing import Any

KNOWN_ROOTS = frozenset({"agents", "teams", "workflows", "sessions", "memories", "traces", "eval-runs", "config",
                         "info", "health", "metrics", "knowledge", "models"})
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def route_label(path: str) -> str:
    """``/agents/helpdesk/runs`` -> ``/agents/{id}/runs``; unknown roots -> ``other``."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "/"
    root = parts[0]
    if root not in KNOWN_ROOTS:
        return "other"
    if len(parts) == 1:
        return f"/{root}"
    if len(parts) >= 3 and parts[2] == "runs":
        return f"/{root}/{{id}}/runs" + ("/{run_id}" if len(parts) > 3 else "")
    return f"/{root}/{{id}}" + ("/…" if len(parts) > 2 else "")


class DemoMetrics:
    """The metric families, and the text exposition for ``GET /metrics``."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("agent_http_requests", "HTTP requests served, by route and status.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("agent_http_request_duration_seconds",
                                 "Time from request to the last byte of the response.", ["method", "route"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.errors = Counter("agent_errors", "Failures: 5xx responses and runs whose model call failed.",
                              ["kind"], registry=self.registry)
        self.tokens = Counter("agent_tokens", "Model tokens used by runs.", ["kind"], registry=self.registry)
        self.rate_limited = Counter("agent_rate_limited", "Requests answered 429 by the per-token limits.",
                                    ["reason"], registry=self.registry)
        for kind in ("http_5xx", "agent_run", "limiter_unavailable"):
            self.errors.labels(kind=kind)
        for kind in ("input", "output"):
            self.tokens.labels(kind=kind)

    def observe(self, method: str, path: str, status: int, seconds: float) -> None:
        route = route_label(path)
        self.requests.labels(method=method, route=route, status=str(status)).inc()
        self.latency.labels(method=method, route=route).observe(seconds)
        if status >= 500:
            self.errors.labels(kind="http_5xx").inc()

    def run_result(self, input_tokens: int, output_tokens: int, agent_error: bool) -> None:
        if input_tokens:
            self.tokens.labels(kind="input").inc(input_tokens)
        if output_tokens:
            self.tokens.labels(kind="output").inc(output_tokens)
        if agent_error:
            self.errors.labels(kind="agent_run").inc()

    def exposition(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def sample(self, name: str, **labels: Any) -> float:
        """One sample's value (tests and the demo's own summary)."""
        return self.registry.get_sample_value(name, labels) or 0.0

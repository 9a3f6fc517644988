from __future__ import annotations

from agno_check.checks._health import discover_health
from agno_check.checks.context import CheckContext, response_evidence
from agno_check.checks.outcome import Outcome, failed, passed
from agno_check.checks.registry import check

LIMIT_MS = 1000.0


@check(id="configuration.health_endpoint", severity="high", title="A health endpoint answers 2xx JSON within 1 s")
async def health_endpoint(ctx: CheckContext) -> Outcome:
    """What it checks: GET on the health path (``--health-path``, else the first of /health, /healthz, ...
    that answers) returns 2xx with a JSON body within one second.

    Why it matters: load balancers, orchestrators and uptime monitors decide from it whether to send traffic;
    without it a dead replica keeps receiving users.

    How to fix: Serve a cheap unauthenticated ``GET /health`` that returns ``{"status": "ok"}`` as JSON
    (AgentOS does by default) and route your platform's liveness and readiness probes to it.
    """
    probe = await discover_health(ctx)
    if probe.path is None or probe.response is None:
        status = probe.response.status_code if probe.response else "no answer"
        return failed(f"no health endpoint: tried {', '.join(probe.tried)} (first answered {status})",
                      tried=list(probe.tried))
    response = probe.response
    evidence = response_evidence(f"GET {probe.path}", response) | {"elapsed_ms": round(response.elapsed_ms, 1)}
    if not 200 <= response.status_code < 300:
        return failed(f"GET {probe.path} -> {response.status_code}", **evidence)
    if response.json() is None:
        return failed(f"GET {probe.path} -> {response.status_code} but the body is not JSON "
                      f"({response.content_type or 'no content type'})", **evidence)
    if response.elapsed_ms > LIMIT_MS:
        return failed(f"GET {probe.path} took {response.elapsed_ms:.0f} ms (limit {LIMIT_MS:.0f} ms)", **evidence)
    return passed(f"GET {probe.path} -> {response.status_code} JSON in {response.elapsed_ms:.0f} ms", **evidence)

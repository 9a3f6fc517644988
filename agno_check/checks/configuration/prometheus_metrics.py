from __future__ import annotations

from agno_check.checks._skip_reasons import DEPLOYMENT
from agno_check.checks.context import CheckContext, response_evidence
from agno_check.checks.outcome import Outcome, failed, passed, warned
from agno_check.checks.registry import check


def classify_families(text: str) -> dict[str, list[str]]:
    """Parse Prometheus text exposition; name the families that count requests, time them, count errors,
    and count tokens. Raises ValueError when the text is not Prometheus."""
    from prometheus_client.parser import text_string_to_metric_families

    found: dict[str, list[str]] = {"requests": [], "latency": [], "errors": [], "tokens": [], "all": []}
    for family in text_string_to_metric_families(text):
        name = family.name.lower()
        found["all"].append(family.name)
        labels = {k for sample in family.samples for k in sample.labels}
        if family.type in ("histogram", "summary") and any(w in name for w in ("latency", "duration", "seconds",
                                                                                 "time")):
            found["latency"].append(family.name)
        elif family.type == "counter" and "request" in name:
            found["requests"].append(family.name)
            if labels & {"status", "status_code", "code", "outcome"}:
                found["errors"].append(f"{family.name} (by status)")
        if family.type == "counter" and any(w in name for w in ("error", "exception", "fail")):
            found["errors"].append(family.name)
        if "token" in name:
            found["tokens"].append(family.name)
    return found


@check(id="configuration.prometheus_metrics", severity="medium",
       title="Prometheus metrics: request count, latency histogram, errors", inprocess_skip=DEPLOYMENT)
async def prometheus_metrics(ctx: CheckContext) -> Outcome:
    """What it checks: GET ``/metrics`` (or ``--metrics-path``) parses as Prometheus text exposition and has a
    request counter, a latency histogram or summary, and an error count; token usage is good to have.

    Why it matters: without them nobody sees latency creeping up, error bursts or token spend until users
    complain. AgentOS's own ``/metrics`` is JSON usage data from its database, which no Prometheus scrapes.

    How to fix: Expose request count, a latency histogram, error count and token counters with
    prometheus-client (``make_asgi_app()`` mounted at ``/metrics``), e.g. ``http_requests_total{status}``,
    ``http_request_duration_seconds``, ``agent_tokens_total{kind}``.
    """
    path = ctx.settings.metrics_path or "/metrics"
    response = await ctx.get(path, label="metrics")
    evidence = response_evidence(f"GET {path}", response, limit=200)
    if response.status_code != 200:
        return failed(f"GET {path} -> {response.status_code}: no Prometheus metrics", **evidence)
    if response.json() is not None or response.content_type == "application/json":
        return failed(f"GET {path} serves JSON, not Prometheus text exposition (AgentOS's /metrics is JSON "
                      "usage data)", **evidence)
    try:
        found = classify_families(response.text)
    except (ValueError, TypeError, IndexError) as exc:
        return failed(f"GET {path} does not parse as Prometheus text: {exc}", **evidence)
    if not found["all"]:
        return failed(f"GET {path} parses but exposes no metric", **evidence)
    missing = [what for what in ("requests", "latency", "errors") if not found[what]]
    summary = {k: v[:5] for k, v in found.items() if k != "all"}
    if missing:
        return failed(f"GET {path} lacks {', '.join(missing)} metrics ({len(found['all'])} families)",
                      families=found["all"][:30], **summary)
    if not found["tokens"]:
        return warned("request, latency and error metrics present; no token usage metric",
                      remediation="Count input and output tokens per run (e.g. agent_tokens_total{kind}) so "
                                  "spend is visible.", **summary)
    return passed(f"request ({found['requests'][0]}), latency ({found['latency'][0]}), errors and tokens "
                  "exposed", **summary)

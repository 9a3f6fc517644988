from __future__ import annotations

from agno_check.checks._probes import QUERY_LABEL, error_probes, malformed_probes, probes_data_routes
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.errors import TargetTimeout
from agno_check.targets.profiles.agentos import AgentOSProfile


@check(id="reliability.malformed_input", severity="high", title="Malformed runs are refused with a 4xx")
async def malformed_input(ctx: CheckContext) -> Outcome:
    """What it checks: the profile's malformed run requests (invalid JSON, wrong content type, missing and
    wrongly typed fields, an empty message) and, for an AgentOS URL, invalid query parameters to its data routes
    (``page=0``, ``limit=-1`` or ``limit=abc`` on ``/sessions``, ``/memories``, ``/traces``; not in-process,
    where those routes are the wrapper's, not the agent's), each with valid
    credentials, after a normal run succeeded. Every run request must get a 4xx within ``--timeout``; a 5xx,
    a hang, a dropped connection, or a 2xx (the agent ran on garbage) fails. A data route may answer a bad
    query with a 4xx or clamp it (2xx); a 5xx or a hang fails.

    Why it matters: clients send broken requests every day; a service that crashes on them (5xx), hangs, or
    spends a model call on an empty message is fragile and costly, and its 500s hide real outages.

    How to fix: Validate the request before the agent runs (a pydantic model for the body with a non-empty
    ``message: str``, the right content type; ``Query(ge=1)`` for page numbers, so AgentOS's ``page=0`` is a
    422, not a 500), answer 4xx with a JSON error, and never call the model on
    missing or empty input.
    """
    await ctx.valid_turn()
    probes = list(await malformed_probes(ctx))
    probes += [p for p in await error_probes(ctx) if p.label.startswith(QUERY_LABEL)]
    if not probes:
        return skipped(f"the {ctx.profile.name} profile has no malformed requests to send")
    results: list[dict[str, object]] = []
    bad: list[str] = []
    for probe in probes:
        if probe.failure is not None:
            hang = isinstance(probe.failure, TargetTimeout)
            results.append({"probe": probe.label, "error": str(probe.failure)[:160]})
            bad.append(f"{probe.label}: {'no answer within the timeout' if hang else 'connection broke'}")
            continue
        response = probe.response
        assert response is not None
        results.append({"probe": probe.label, "request": probe.spec.line(), "status_code": response.status_code,
                        "body_excerpt": response.excerpt(120)})
        query = probe.label.startswith(QUERY_LABEL)
        if 200 <= response.status_code < 300 and query:
            continue  # a data route may clamp or ignore a bad page number; only a crash or a hang is a finding
        if 200 <= response.status_code < 300:
            bad.append(f"{probe.label}: accepted with HTTP {response.status_code} (the agent ran on garbage)")
        elif response.status_code >= 500:
            bad.append(f"{probe.label}: HTTP {response.status_code} {response.excerpt(80)!r}")
        elif not 400 <= response.status_code < 500:
            bad.append(f"{probe.label}: HTTP {response.status_code} instead of a 4xx")
    if bad:
        return failed(f"{len(bad)} of {len(probes)} malformed requests not refused cleanly; first: {bad[0]}",
                      results=results)
    codes = sorted({str(r["status_code"]) for r in results})
    how = "refused with 4xx" if all(c.startswith("4") for c in codes) else "refused with 4xx or answered"
    unjudged = ("; the AgentOS data routes (/sessions, /memories, /traces) belong to the server agno-check "
                "wrapped the agent in, so they are judged against your deployed URL only"
                if isinstance(ctx.profile, AgentOSProfile) and not probes_data_routes(ctx) else "")
    return passed(f"all {len(probes)} malformed requests {how} ({', '.join(codes)}){unjudged}", results=results)

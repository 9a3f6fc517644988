"""Error-provoking requests shared by reliability.malformed_input, reliability.error_responses and
security.error_disclosure: each is sent once per run (memoised) and judged by each check its own way.

Every probe carries the caller's valid credentials, so the answer is about the input, not about auth.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from agno_check.checks.context import CheckContext
from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response
from agno_check.targets.profiles.agentos import AgentOSProfile


@dataclass
class Probe:
    label: str
    spec: RequestSpec
    response: Response | None = None
    failure: TargetError | None = None


async def _send_all(ctx: CheckContext, probes: list[Probe]) -> list[Probe]:
    for probe in probes:
        try:
            probe.response = await ctx.send(probe.spec, label=probe.label)
        except TargetError as exc:
            probe.failure = exc
    return probes


async def malformed_probes(ctx: CheckContext) -> list[Probe]:
    """The profile's malformed run requests (invalid JSON, wrong content type, missing/mistyped/empty fields)."""

    async def make() -> list[Probe]:
        return await _send_all(ctx, [Probe(f"malformed: {label}", spec)
                                     for label, spec in ctx.profile.malformed_requests()])

    return await ctx.memo("malformed_probes", make)


async def error_probes(ctx: CheckContext) -> list[Probe]:
    """Other requests a service must answer with a clean error: an unknown path, a wrong method on the run
    route, and for AgentOS out-of-range pagination and an unknown agent (which made AgentOS 3.1.10 answer 500).

    In-process, the data routes are not probed: they belong to the AgentOS agno-check serves the agent object
    with, not to the agent (its ``page=0`` 500 is agno's), so they are judged against a deployed URL only."""

    async def make() -> list[Probe]:
        run = ctx.profile.run_request(ctx.settings.message, None, False)
        missing = uuid.uuid4().hex[:10]
        probes = [
            Probe("error probe: unknown path", RequestSpec("GET", f"/agno-check-missing-{missing}")),
            Probe("error probe: wrong method on the run route", RequestSpec("PUT", run.path, json={"x": 1})),
        ]
        if isinstance(ctx.profile, AgentOSProfile):
            probes += [
                *(query_probes() if probes_data_routes(ctx) else []),
                Probe("error probe: unknown agent", RequestSpec("POST", f"/agents/agno-check-{missing}/runs",
                                                                data={"message": "hi", "stream": "false"})),
            ]
        return await _send_all(ctx, probes)

    return await ctx.memo("error_probes", make)


#: invalid query parameters to AgentOS data routes (``page=0`` on ``/sessions`` was a 500 in AgentOS 3.1.10)
INVALID_QUERIES = (("/sessions", {"page": "0"}), ("/memories", {"limit": "-1"}), ("/sessions", {"limit": "abc"}),
                   ("/traces", {"page": "-1"}))
QUERY_LABEL = "invalid query: "


def probes_data_routes(ctx: CheckContext) -> bool:
    """Whether the AgentOS data routes are the target's own to judge: for an AgentOS URL, yes; in-process they
    belong to the AgentOS agno-check wraps the agent in (its ``page=0`` 500 is agno's), so they are not probed."""
    return isinstance(ctx.profile, AgentOSProfile) and ctx.inprocess is None


def query_probes() -> list[Probe]:
    return [Probe(f"{QUERY_LABEL}{'&'.join(f'{k}={v}' for k, v in params.items())} on {path}",
                  RequestSpec("GET", path, params=dict(params))) for path, params in INVALID_QUERIES]


def answered_errors(ctx: CheckContext, *probe_lists: list[Probe], skip_labels: tuple[str, ...] = ()
                    ) -> list[tuple[str, Response]]:
    """Every error answer (status >= 400) from these probes and from the run so far, each once."""
    seen: set[int] = set()
    found: list[tuple[str, Response]] = []
    candidates = [(p.label, p.response) for probes in probe_lists for p in probes if p.response is not None]
    candidates += [(label, r) for label, r in ctx.error_responses if not label.startswith(skip_labels)]
    for label, response in candidates:
        if response.status_code >= 400 and id(response) not in seen:
            seen.add(id(response))
            found.append((label, response))
    return found

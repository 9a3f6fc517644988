"""Before any load: resolve the target and send one probe turn, over asyncio, before Locust is imported.

An unreachable or wrong target is one line and exit 2 here, in seconds, not a minute of failed requests. The
probe opens the target as readiness does (``targets/opening.py``: credentials, TLS, ``--profile auto``
detection) and hands the resolved profile to the Locust users as plain data (``LoadPlan``).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from agno_check.errors import UsageError
from agno_check.load.plan import LoadPlan, profile_fields
from agno_check.load.settings import LoadSettings
from agno_check.targets.reach import tcp_check
from agno_check.targets.spec import parse_target


@dataclass
class Prepared:
    plan: LoadPlan
    display: str
    notes: list[str] = field(default_factory=list)
    streamed_probe: bool = False
    #: the probe turn(s) sent before the load, not counted in the report's requests (report: ``probe``)
    probe: dict[str, Any] | None = None


def target_url(settings: LoadSettings) -> tuple[str, str | None]:
    """The target's URL (and a note when ``host:port`` was a guess); in-process targets are not load targets."""
    if not settings.target:
        raise UsageError("no target: pass TARGET, or set target in [tool.agno-check] or AGNO_CHECK_TARGET")
    spec = parse_target(settings.target)
    if spec.kind != "http":
        raise UsageError(f"{settings.target!r} is an in-process agent: load tests need a served URL (serve it "
                         "with AgentOS, then `agno-check load http://127.0.0.1:PORT`)")
    return spec.value, spec.guessed


def base_plan(settings: LoadSettings, url: str, prompts: list[str]) -> LoadPlan:
    from agno_check.targets.credentials import Credentials

    credentials = Credentials.from_options(settings.token_value(), settings.header)  # bad --header: exit 2
    return LoadPlan(host=url, stream=settings.stream, prompts=prompts, turns=settings.turns,
                    think_time=settings.think_range(), timeout=settings.timeout, token=credentials.token,
                    headers=list(credentials.headers),
                    insecure=settings.insecure, ca_bundle=settings.ca_bundle, scenario=settings.scenario)


async def _probe(settings: LoadSettings, url: str, plan: LoadPlan) -> Prepared:
    from agno_check.targets.first_turn import first_usable_turn, reject_unusable_first_turn
    from agno_check.targets.opening import open_http_target

    target, notes = await open_http_target(url, settings)
    try:
        if settings.stream and not target.profile.can_stream:
            raise UsageError(f"--stream: the {target.profile.name} profile does not stream")
        message = plan.prompts[0]
        session = f"agno-check-probe-{uuid.uuid4().hex[:8]}"
        sent: list[int] = []  # one entry per probe turn sent (the report says how many)

        async def probe_turn() -> Any:
            sent.append(1)
            return await target.run(message, session, settings.stream)

        turn = await first_usable_turn(probe_turn, notes)
        attempt = len(sent)
        await reject_unusable_first_turn(turn, target, "the probe turn")
        if settings.stream and not turn.stream:
            notes.append("the target answered the streamed probe turn without streaming: TTFT and tokens/s "
                         "will not be measured")
        for key, value in profile_fields(target.profile).items():
            setattr(plan, key, value)
        probe = {"requests": attempt, "status_code": turn.status_code, "ok": turn.ok,
                 "latency_ms": round(turn.response.elapsed_ms, 1), "session_id": session,
                 "note": f"{attempt} probe turn{'s' if attempt > 1 else ''} before the load, not counted in "
                         f"requests: a server-side count is requests + {attempt}"}
        return Prepared(plan=plan, display=url, notes=notes, streamed_probe=turn.stream, probe=probe)
    finally:
        await target.aclose()


def prepare(settings: LoadSettings, prompts: list[str]) -> Prepared:
    """Resolve the target and probe it (asyncio, in this process, before Locust is imported)."""
    url, guessed = target_url(settings)
    tcp_check(url)
    prepared = asyncio.run(_probe(settings, url, base_plan(settings, url, prompts)))
    if guessed:
        prepared.notes.insert(0, guessed)
    return prepared

"""Opening a target: credentials, TLS, the resolved profile; the one place ``readiness`` and ``load`` get a
target from (nothing here imports them back).

A URL becomes an ``HttpTarget`` whose profile ``--profile`` names or ``--profile auto`` detects; an in-process
``module:agent`` is served on loopback by ``targets/inprocess.py`` (imported only then: it needs agno).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agno_check.errors import UsageError
from agno_check.targets.credentials import Credentials, Redactor
from agno_check.targets.http import HttpTarget
from agno_check.targets.profiles import all_options
from agno_check.targets.profiles.json_endpoint import JsonProfile
from agno_check.targets.spec import parse_target

if TYPE_CHECKING:
    from agno_check.settings import CommonSettings
    from agno_check.targets.inprocess import InprocessInfo


@dataclass
class OpenedTarget:
    """A target ready for checks: the HTTP surface, and for in-process targets the agent and its upstream."""

    target: HttpTarget
    kind: str  # "http" | "inprocess"
    display: str  # what the report names as the target
    profile_name: str
    agent: Any = None
    sim: Any = None
    notes: list[str] = field(default_factory=list)
    #: what the agent-level checks read, for an in-process target
    inprocess: InprocessInfo | None = None


def credentials_from(settings: CommonSettings) -> Credentials:
    return Credentials.from_options(settings.token_value(), settings.header)


def redactor_for(settings: Any) -> Redactor:
    """Every secret the settings carry (token, headers, a second user's token, a JWT secret)."""
    secrets = credentials_from(settings).secrets()
    for name in ("token_b", "jwt_secret"):
        value = getattr(settings, name, None)
        if value is not None:
            secrets.append(value.get_secret_value())
    return Redactor(secrets)


def protocol_values(settings: CommonSettings) -> dict[str, Any]:
    """The protocol options of the settings (every registered protocol's, by name), for detection."""
    return {name: getattr(settings, name) for name in all_options()}


async def open_http_target(url: str, settings: CommonSettings) -> tuple[HttpTarget, list[str]]:
    """An HttpTarget with its profile resolved (``--profile auto`` probes the service)."""
    from agno_check.targets.detect import resolve_profile

    verify: bool | str = settings.ca_bundle or not settings.insecure
    target = HttpTarget(url, JsonProfile(), credentials_from(settings), timeout_s=settings.timeout, verify=verify)
    try:
        profile, notes = await resolve_profile(target, settings.profile, protocol_values(settings))
    except BaseException:
        await target.aclose()
        raise
    target.profile = profile
    return target, notes


@asynccontextmanager
async def open_target(settings: Any) -> AsyncIterator[OpenedTarget]:
    """The settings' target, opened for the run and closed after it."""
    if not settings.target:
        raise UsageError("no target: pass TARGET, or set target in [tool.agno-check] or AGNO_CHECK_TARGET")
    spec = parse_target(settings.target)
    if spec.kind == "inprocess":
        from agno_check.targets.inprocess import InprocessOptions, open_inprocess_target

        async with open_inprocess_target(spec.value, InprocessOptions.from_settings(settings)) as opened:
            yield opened
        return
    target, notes = await open_http_target(spec.value, settings)
    if spec.guessed:
        notes.insert(0, spec.guessed)
    try:
        yield OpenedTarget(target=target, kind="http", display=spec.value, profile_name=target.profile.name,
                           notes=notes)
    finally:
        await target.aclose()

"""``--profile auto``: ask each registered protocol whether the service speaks it (its OpenAPI document first,
then a few probes), and build the chosen profile from the user's option values."""

from __future__ import annotations

from typing import Any

from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response
from agno_check.targets.http import HttpTarget
from agno_check.targets.profiles import Profile, get_protocol, protocols
from agno_check.targets.profiles.base import Service


class HttpService(Service):
    """Detection's view of an ``HttpTarget``: each GET is sent once and its answer reused."""

    def __init__(self, target: HttpTarget) -> None:
        self.target = target
        self._answers: dict[str, Response] = {}

    async def get(self, path: str) -> Response:
        if path not in self._answers:
            self._answers[path] = await self.target.send(RequestSpec("GET", path))
        return self._answers[path]

    async def get_json(self, path: str) -> Any:
        try:
            response = await self.get(path)
        except TargetError:
            return None
        return response.json() if response.status_code == 200 else None

    async def post_json(self, path: str, body: Any) -> Response:
        return await self.target.send(RequestSpec("POST", path, json=body))

    async def openapi_paths(self) -> dict[str, Any]:
        response = await self.get("/openapi.json")  # unreachable here is unreachable: exit 2
        body = response.json() if response.status_code == 200 else None
        if isinstance(body, dict) and isinstance(body.get("paths"), dict):
            return body["paths"]
        return {}


async def _detect(service: Service, values: dict[str, Any]) -> tuple[str, str]:
    """The protocol the service speaks, and why."""
    registered = protocols()
    for name, cls in registered.items():
        if cls.chosen_by and values.get(cls.chosen_by):
            return name, f"--{cls.chosen_by.replace('_', '-')} was given"
    for name, cls in registered.items():
        why = await cls.detect(service, values)
        if why:
            return name, why
    for name, cls in sorted(registered.items(), key=lambda item: item[1].probe_order):
        why = await cls.probe(service, values)
        if why:
            return name, why
    raise AssertionError("the json profile's probe always matches")  # pragma: no cover


async def resolve_profile(target: HttpTarget, profile: str, values: dict[str, Any]) -> tuple[Profile, list[str]]:
    """The profile to use (``profile``: a registered name or "auto") and notes for the user (what was chosen,
    and why, when it was a guess)."""
    service = HttpService(target)
    notes: list[str] = []
    chosen = profile
    if chosen == "auto":
        chosen, why = await _detect(service, values)
        notes.append(f"profile: {chosen} ({why}; set --profile to choose)")
    resolved, more = await get_protocol(chosen).resolve(service, values)
    return resolved, notes + more

"""AgentOS's surface as an anonymous caller sees it: ``GET /info`` and the routes ``/openapi.json`` says are mounted.

Shared by security.agentos_auth_mode, security.run_entry_points, security.unauthenticated_data and
configuration.version_banner; each read is made once per run (memoised) without credentials.

Why the route list matters: a 404 from a handler ("Agent not found") must not be confused with a route that is
not there, so the entry-point probes go only to routes the app itself publishes. When ``/openapi.json`` is not
served (``DOCS_ENABLED=false``), a 401/403 still tells something, so the probes go out and say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.security._auth import without_credentials
from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response

#: a value no field accepts: an object where a string or number is expected
WRONG_TYPE = "agno-check-not-a-number"


@dataclass
class Surface:
    """What the app publishes about itself to a caller with no credentials."""

    info: dict[str, Any] | None = None
    info_status: int | None = None
    info_response: Response | None = None
    #: /info as the caller with credentials sees it, when strangers are refused it
    inner_info: dict[str, Any] | None = None
    #: path template -> lower-case methods, from /openapi.json (None when it was not served)
    paths: dict[str, set[str]] | None = None
    openapi_status: int | None = None
    #: "anonymous" or "with credentials": who could read /openapi.json
    openapi_source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_agentos(self) -> bool:
        return isinstance(self.info, dict) and "auth_mode" in self.info and "agno_version" in self.info

    def mounted(self, method: str, template: str) -> bool | None:
        """Is ``method template`` a route of the app? None when the app does not publish its routes."""
        if self.paths is None:
            return None
        return method.lower() in self.paths.get(template, set())

    def templates_like(self, pattern: str) -> list[str]:
        rx = re.compile(pattern)
        return [p for p in (self.paths or {}) if rx.search(p)]


async def surface(ctx: CheckContext) -> Surface:
    """``GET /info`` and ``GET /openapi.json`` without credentials, once per run."""

    async def read() -> Surface:
        anonymous = without_credentials(ctx.credentials)
        found = Surface()
        try:
            info = await ctx.get("/info", credentials=anonymous, label="GET /info (anonymous)")
            found.info_status, found.info_response = info.status_code, info
            body = info.json() if info.status_code == 200 else None
            found.info = body if isinstance(body, dict) else None
        except TargetError:
            pass
        if found.info is None and ctx.credentials.present:  # a layer in front refuses strangers: ask as the user
            try:
                inside = await ctx.get("/info", label="GET /info (with credentials)")
                body = inside.json() if inside.status_code == 200 else None
                found.inner_info = body if isinstance(body, dict) else None
            except TargetError:
                pass
        for who, creds in (("anonymous", anonymous), ("with credentials", None)):
            if found.paths is not None or (who != "anonymous" and not ctx.credentials.present):
                break
            try:
                spec = await ctx.get("/openapi.json", credentials=creds, label=f"GET /openapi.json ({who})")
            except TargetError:
                continue
            found.openapi_status = found.openapi_status or spec.status_code
            body = spec.json() if spec.status_code == 200 else None
            paths = body.get("paths") if isinstance(body, dict) else None
            if isinstance(paths, dict):
                found.paths = {p: {m.lower() for m in ops} for p, ops in paths.items() if isinstance(ops, dict)}
                found.openapi_source = who
        return found

    return await ctx.memo("agentos_surface", read)


@dataclass(frozen=True)
class Probe:
    """One anonymous request to a route; ``template`` is the route as /openapi.json names it."""

    what: str
    template: str
    spec: RequestSpec


def reached_handler(response: Response) -> str | None:
    """Why an anonymous answer shows the handler ran (2xx, or a 400/422 about the body), else None."""
    status = response.status_code
    if 200 <= status < 300:
        return f"HTTP {status}"
    if status in (400, 422):
        return f"HTTP {status} (the handler validated the body: no credential was asked for)"
    return None


def refused(response: Response) -> bool:
    return response.status_code in (401, 403)

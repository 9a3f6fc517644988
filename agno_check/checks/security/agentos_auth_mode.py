from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped, warned
from agno_check.checks.registry import check
from agno_check.checks.security._auth import without_credentials
from agno_check.checks.security._surface import surface
from agno_check.checks.security.auth_required import INPROCESS_SKIP
from agno_check.errors import TargetError
from agno_check.targets.base import Response
from agno_check.targets.profiles import AgentOSProfile


@check(id="security.agentos_auth_mode", severity="critical", title="AgentOS runs with an auth mode",
       targets=("http",), inprocess_skip=INPROCESS_SKIP)
async def agentos_auth_mode(ctx: CheckContext) -> Outcome:
    """What it checks: AgentOS's public ``GET /info`` names the auth mode in force (``auth_mode``), and
    ``GET /config`` without credentials corroborates it (200 when there is no auth, 401 "Authorization header
    required" with a security key, 401 "Authorization header missing" with JWT). ``security_key`` and ``jwt``
    pass; ``none`` fails. When a layer in front refuses anonymous ``/info`` and ``/config`` (AgentOS's own
    ``/info`` is public in every mode), the mode is read with credentials and reported, and the check passes:
    strangers do not reach AgentOS. Skipped for services that are not AgentOS.

    Why it matters: in mode ``none`` AgentOS installs no auth middleware at all (agno#10051): every route is
    open, the runs, the A2A and MCP interfaces, sessions, memories, knowledge uploads, schedules and database
    migrations included, whatever a proxy in front protects on the main run route.

    How to fix: Set ``OS_SECURITY_KEY`` in the server's environment, or turn on JWT authorization
    (``AgentOS(authorization=True)`` with ``JWT_VERIFICATION_KEY`` or ``JWT_JWKS_FILE``), then pass the key or
    a token with ``--token``.
    """
    seen = await surface(ctx)
    anonymous = without_credentials(ctx.credentials)
    try:
        config = await ctx.get("/config", credentials=anonymous, label="GET /config (anonymous)")
    except TargetError:
        config = None
    config_evidence = ({"request": "GET /config (no credentials)", "status_code": config.status_code,
                        "body_excerpt": config.excerpt(100)} if config is not None else "no answer")
    if not seen.is_agentos:
        return await _behind_a_gateway(ctx, seen.info_status, config, config_evidence)
    mode = str(seen.info.get("auth_mode"))  # type: ignore[union-attr]
    evidence: dict[str, object] = {"request": "GET /info (no credentials)", "auth_mode": mode,
                                   "user_isolation": seen.info.get("user_isolation"),  # type: ignore[union-attr]
                                   "config": config_evidence}
    if config is not None and config.status_code == 200 and mode != "none":
        return failed(f"/info says auth_mode {mode!r}, but GET /config answered 200 without credentials",
                      **evidence)
    if mode == "none":
        opened = (f"; GET /config answered {config.status_code} without credentials" if config is not None
                  else "")
        return failed(f"GET /info says auth_mode 'none': AgentOS installed no auth middleware, every route is "
                      f"open (agno#10051){opened}", **evidence)
    if mode in ("security_key", "jwt"):
        how = f" (GET /config without credentials: HTTP {config.status_code})" if config is not None else ""
        return passed(f"GET /info says auth_mode {mode!r}{how}", **evidence)
    if config is None:
        return errored(f"GET /info names an unknown auth_mode {mode!r} and GET /config did not answer", **evidence)
    return warned(f"GET /info names an auth_mode agno-check does not know ({mode!r}); GET /config without "
                  f"credentials answered {config.status_code}", None, **evidence)


async def _behind_a_gateway(ctx: CheckContext, info_status: int | None, config: Response | None,
                            config_evidence: object) -> Outcome:
    """Anonymous ``/info`` is not AgentOS's: either not an AgentOS, or a gateway in front refuses strangers."""
    if not isinstance(ctx.profile, AgentOSProfile) or info_status not in (401, 403):
        status = f"HTTP {info_status}" if info_status is not None else "no answer"
        return skipped(f"not an AgentOS: GET /info gave {status} without an auth_mode field")
    seen = await surface(ctx)
    mode = seen.inner_info.get("auth_mode") if seen.inner_info else None
    evidence = {"request": "GET /info (no credentials)", "status_code": info_status, "config": config_evidence,
                "auth_mode_with_credentials": mode}
    if config is not None and 200 <= config.status_code < 300:
        return failed(f"GET /config answered {config.status_code} without credentials (AgentOS auth_mode "
                      f"{mode!r})", **evidence)
    inner = f"; AgentOS itself says auth_mode {mode!r} (GET /info with credentials)" if mode else ""
    return passed(f"a layer in front of AgentOS refuses anonymous callers (GET /info: HTTP {info_status}, "
                  f"GET /config: HTTP {config.status_code if config is not None else 'no answer'}){inner}",
                  **evidence)

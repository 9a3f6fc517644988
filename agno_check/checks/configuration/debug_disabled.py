from __future__ import annotations

import re
import uuid

from agno_check.checks._skip_reasons import DEPLOYMENT
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response

DEBUG_PAGE_MARKERS = (
    ("Werkzeug debugger", re.compile(r"Werkzeug Debugger|__debugger__|console is locked")),
    ("Django debug page", re.compile(r"You're seeing this error because you have <code>DEBUG = True")),
    ("Starlette/FastAPI debug traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("Starlette debug page", re.compile(r'class="traceback-container"|<title>Starlette Debugger')),
    ("Flask/Jinja debug frames", re.compile(r'File "[^"]+\.py", line \d+, in ')),
)
VERSION_BANNER = re.compile(r"\d+\.\d+")


def debug_page(response: Response) -> str | None:
    text = response.text[:200_000]
    for name, pattern in DEBUG_PAGE_MARKERS:
        if pattern.search(text):
            return name
    return None


@check(id="configuration.debug_disabled", severity="medium", title="No debug pages or version banners",
       phase="measure", inprocess_skip=DEPLOYMENT)
async def debug_disabled(ctx: CheckContext) -> Outcome:
    """What it checks: 404s and error-provoking requests (the profile's malformed runs, asked for as HTML)
    return no interactive debugger or framework debug page, and ``Server``/``X-Powered-By`` carry no versions.

    Why it matters: a debug page hands an attacker source code, settings and sometimes a console; a version
    banner tells them which CVEs to try.

    How to fix: Run with debug off (``FastAPI(debug=False)``, ``Agent(debug_mode=False)``, no ``--reload``
    in production) and drop version banners (uvicorn ``--no-server-header``; remove ``X-Powered-By``).
    """
    html = {"Accept": "text/html,*/*"}
    probes = [("unknown path", RequestSpec("GET", f"/agno-check-{uuid.uuid4().hex[:8]}", headers=html))]
    for label, spec in ctx.profile.malformed_requests()[:4]:
        spec.headers = {**spec.headers, **html}
        probes.append((label, spec))
    seen: list[tuple[str, Response]] = []
    for label, spec in probes:
        try:
            seen.append((label, await ctx.send(spec, label=f"debug probe: {label}")))
        except TargetError:
            continue
    seen += [(label, r) for label, r in ctx.error_responses if (label, r) not in seen]
    if not seen:
        return Outcome("error", "no probe got an answer")
    for label, response in seen:
        page = debug_page(response)
        if page:
            return failed(f"{page} served to '{label}' (HTTP {response.status_code})", request=label,
                          status_code=response.status_code, body_excerpt=response.excerpt(300))
    banners = []
    for _, response in seen[:1] + seen[-1:]:
        for header in ("server", "x-powered-by"):
            value = response.headers.get(header)
            if value and (header == "x-powered-by" or VERSION_BANNER.search(value)):
                banners.append(f"{header}: {value}")
    if banners:
        return warned(f"version banner: {sorted(set(banners))[0]}", headers=sorted(set(banners)))
    return passed(f"no debug page in {len(seen)} error responses; no version banner")

from __future__ import annotations

import re

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, passed, warned
from agno_check.checks.registry import DEPLOYMENT, check
from agno_check.checks.security._surface import surface
from agno_check.errors import TargetError
from agno_check.targets.credentials import Credentials

#: fields of a JSON body that name software versions
VERSION_KEYS = ("agno_version", "os_version", "version", "framework_version", "python_version", "server_version")
#: a header value that carries a version number (``nginx/1.25.3``, ``uvicorn 0.30``)
VERSIONED = re.compile(r"\d+\.\d+")


def _body_versions(body: object) -> list[str]:
    if not isinstance(body, dict):
        return []
    return [f"{key}={body[key]}" for key in VERSION_KEYS if isinstance(body.get(key), str | int | float)
            and VERSIONED.search(str(body[key]))]


@check(id="configuration.version_banner", severity="low", title="No software versions for anonymous callers",
       phase="measure",
       inprocess_skip=DEPLOYMENT)
async def version_banner(ctx: CheckContext) -> Outcome:
    """What it checks: what a caller without credentials learns about the software from response bodies:
    the JSON version fields (``agno_version``, ``os_version``, ``version``...) of ``GET /info`` (AgentOS gives
    them to anyone, in every auth mode), ``GET /`` and the error answers the run collected. Any version warns
    (low). Version headers (``Server``, ``X-Powered-By``) are configuration.debug_disabled's finding.

    Why it matters: a version tells an attacker which published advisories apply; AgentOS's ``/info`` is
    public in every auth mode, so the exact agno release is one anonymous request away.

    How to fix: Keep ``/info`` and ``/`` off the public surface (a gateway allow-list that passes only the
    run and health routes), and drop version headers (uvicorn ``--no-server-header``; no ``X-Powered-By``).
    """
    seen = await surface(ctx)
    found: list[str] = []
    answered = 0
    responses = []
    if seen.info_response is not None:
        answered += 1
        responses.append(("GET /info", seen.info_response))
    try:
        root = await ctx.get("/", credentials=Credentials.none(), label="GET / (anonymous)")
        answered += 1
        responses.append(("GET /", root))
    except TargetError:
        pass
    if not answered:
        return errored("neither GET /info nor GET / answered")
    responses += [(f"error answer to '{label}'", r) for label, r in ctx.error_responses[:50]
                  if not label.startswith("GET /info") and r.status_code >= 400]
    for line, response in responses:
        if response.status_code == 200 or response.status_code >= 400:
            found += [f"{line}: {item}" for item in _body_versions(response.json())]
    if found:
        return warned(f"{len(found)} version(s) told to anonymous callers; first: {found[0]}", None,
                      versions=sorted(set(found)))
    checked = [line for line, _ in responses]
    return passed(f"no software version in GET /info, GET / or {len(checked) - answered} error answers",
                  checked=checked[:20])

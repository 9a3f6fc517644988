from __future__ import annotations

from agno_check.checks._skip_reasons import DEPLOYMENT
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, passed, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError
from agno_check.targets.credentials import Credentials

DOC_PATHS = ("/docs", "/redoc", "/openapi.json")


@check(id="configuration.api_docs_exposed", severity="low", title="API docs are not served publicly",
       inprocess_skip=DEPLOYMENT)
async def api_docs_exposed(ctx: CheckContext) -> Outcome:
    """What it checks: GET /docs, /redoc and /openapi.json without credentials.

    Why it matters: public interactive docs map every route, parameter and data model of the service for
    anyone who finds it, including routes meant for operators.

    How to fix: Turn the docs off in production (AgentOS: ``DOCS_ENABLED=false``; FastAPI: ``docs_url=None,
    redoc_url=None, openapi_url=None``) or serve them behind authentication.
    """
    served, answered = [], 0
    for path in DOC_PATHS:
        try:
            response = await ctx.get(path, credentials=Credentials.none(), label="docs probe")
        except TargetError:
            continue
        answered += 1
        if response.status_code == 200:
            served.append(path)
    if not answered:
        return errored("none of the docs paths answered")
    if served:
        return warned(f"served without credentials: {', '.join(served)}", paths=served)
    return passed("no API docs served without credentials", paths=list(DOC_PATHS))

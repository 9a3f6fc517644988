"""Why a check of the deployment does not apply to an in-process agent (``@check(inprocess_skip=...)``).

One module for every such reason, shared by the checks of every category that judge what the serving app
adds (authentication, headers, rate limiting, metrics, docs), not the agent object itself.
"""

from __future__ import annotations

#: the serving app is agno-check's own AgentOS wrapper
DEPLOYMENT = ("in-process, the app is agno-check's own AgentOS wrapper, not your deployment: check this on the "
              "deployed URL")
AUTH = ("authentication belongs to the deployment (OS_SECURITY_KEY, JWT middleware, a gateway), "
        "not to the agent object")
HEADERS = "response headers are set by the deployment (gateway, reverse proxy, middleware), not the agent"
RATE_LIMITING = "rate limiting belongs to the deployment (gateway, reverse proxy or middleware), not the agent object"
TLS = "an in-process agent has no TLS endpoint; TLS belongs to the deployment"

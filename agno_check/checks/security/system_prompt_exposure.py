from __future__ import annotations

import json

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed
from agno_check.checks.registry import check
from agno_check.checks.security._leaks import (
    Secrets,
    agentos_instructions,
    excerpt_around,
    known_secrets,
    system_messages,
)
from agno_check.checks.security._stoppers import model_note
from agno_check.errors import TargetError
from agno_check.targets.base import Response
from agno_check.targets.profiles import AgentOSProfile

#: AgentOS routes that describe agents; each is judged as the caller (with the caller's credentials) sees it
AGENTOS_METADATA = ("/agents", "/agents/{agent_id}", "/config", "/teams")


@check(id="security.system_prompt_exposure", severity="high",
       title="Run payloads and agent metadata do not carry the system prompt")
async def system_prompt_exposure(ctx: CheckContext) -> Outcome:
    """What it checks: the payload of a normal run must carry no ``role: system`` message, no ``--canary`` and
    no long run of the agent's instructions; for AgentOS, the agent metadata routes (``GET /agents``,
    ``/agents/{id}``, ``/config``, ``/teams``) served to the caller must not carry the instructions either.

    Why it matters: nobody has to trick the model when the service hands the prompt over: AgentOS returns the
    run's ``messages``, the system message with the instructions verbatim included, and lists every agent's
    instructions at ``GET /agents``. Every client, browser and log that sees a response sees the prompt.

    How to fix: Return only what the client needs from a run (``content``, ``session_id``, ``run_id``): put a
    thin API in front of AgentOS, or strip ``messages`` from the response; keep AgentOS's metadata routes
    (``/agents``, ``/config``) off the public surface (a gateway allow-list, or admin-only credentials).
    """
    turn = await ctx.valid_turn()
    secrets = await known_secrets(ctx)
    body = turn.parsed.data
    payload_text = turn.response.text if not turn.stream else json.dumps(body)
    systems = system_messages(body)
    looked = ["role: system messages"] + ([secrets.describe()] if secrets.known else [])
    if systems:
        path, text = systems[0]
        return failed(f"a normal run's payload carries the system message ({len(text)} characters at {path})",
                      request=turn.request.line(), status_code=turn.status_code, json_path=path,
                      excerpt=excerpt_around(text, ctx.settings.canary))
    leak = secrets.find(payload_text)
    if leak:
        in_answer = secrets.find(turn.content) is not None
        note = f", in the model's answer{model_note(ctx)}" if in_answer else ""
        return failed(f"a normal run's payload carries {leak}{note}", request=turn.request.line(),
                      status_code=turn.status_code, excerpt=excerpt_around(payload_text, ctx.settings.canary))
    checked = [turn.request.line()]
    if isinstance(ctx.profile, AgentOSProfile):
        for route in AGENTOS_METADATA:
            path = route.format(agent_id=ctx.profile.agent_id)
            try:
                response = await ctx.get(path, label="agent metadata")
            except TargetError:
                continue
            checked.append(f"GET {path} (HTTP {response.status_code})")
            found = _metadata_leak(response, ctx, secrets)
            if found:
                return failed(f"GET {path} serves {found} to the caller", request=f"GET {path}",
                              status_code=response.status_code, excerpt=response.excerpt(160))
    plural = "s" if len(checked) > 1 else ""
    return passed(f"no system prompt in {len(checked)} response{plural} (looked for {', '.join(looked)})",
                  checked=checked)


def _metadata_leak(response: Response, ctx: CheckContext, secrets: Secrets) -> str | None:
    if response.status_code != 200:
        return None
    body = response.json()
    if body is None:
        return None
    text = agentos_instructions(body, ctx.profile.agent_id)
    if text:
        return f"the agent's instructions ({len(text)} characters)"
    if system_messages(body):
        return "a system message"
    return secrets.find(response.text)

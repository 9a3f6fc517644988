"""The code-word conversation shared by reliability.session_continuity and security.user_isolation.

Turn 1 states a fresh code word, turn 2 asks for it: a service that keeps the session's history answers with
it (the simulated model, like a real one, recalls facts stated earlier in the conversation). For AgentOS the
session's stored runs can also be read back at ``GET /sessions/{id}/runs``.
"""

from __future__ import annotations

import secrets

from agno_check.checks.context import CheckContext
from agno_check.errors import TargetError
from agno_check.targets.base import RequestSpec, Response
from agno_check.targets.credentials import Credentials
from agno_check.targets.profiles.agentos import AgentOSProfile

_WORDS = ("ORCHID", "TUNDRA", "MARBLE", "JUNIPER", "COBALT", "SAFFRON", "GRANITE", "LANTERN")


def new_code_word() -> str:
    return f"{secrets.choice(_WORDS)}-{secrets.randbelow(9000) + 1000}"


def statement(word: str) -> str:
    return f"Please remember this for later: my code word is {word}."


QUESTION = "What is my code word? Answer with the code word only."


async def session_runs(ctx: CheckContext, session_id: str, credentials: Credentials | None = None
                       ) -> Response | None:
    """AgentOS's stored runs of a session (``GET /sessions/{id}/runs``), or None for other profiles."""
    if not isinstance(ctx.profile, AgentOSProfile):
        return None
    params = {"user_id": ctx.profile.user_id} if ctx.profile.user_id else None
    try:
        return await ctx.send(RequestSpec("GET", f"/sessions/{session_id}/runs", params=params),
                              credentials=credentials, label="session runs")
    except TargetError:
        return None

"""configuration.required_env: the environment the agent needs is set, and its secrets are not placeholders."""

from __future__ import annotations

import os
import re

from agno_check.checks._inprocess import info_of, names
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped
from agno_check.checks.registry import check

#: values copied from tutorials, .env.example files and docs, compared case-insensitively
PLACEHOLDERS = frozenset({
    "changeme", "change-me", "change_me", "changeit", "secret", "password", "passw0rd", "test", "testing",
    "example", "dummy", "placeholder", "todo", "tbd", "fixme", "xxx", "none", "null", "default", "admin",
    "sk-test", "sk-xxx", "sk-...", "sk-your-key", "sk-your-api-key", "your-api-key", "your_api_key",
    "your-secret-key", "your_secret_key", "your-key-here", "api-key", "apikey", "insert-key-here",
    "replace-me", "replace_me", "my-secret", "mysecret", "supersecret", "super-secret", "secret-key", "secretkey",
    "1234", "12345", "123456", "<your-key>", "<api-key>", "<secret>",
})
_PLACEHOLDER_SHAPES = (re.compile(r"^(sk-)?(x+|\.+|\*+)$", re.I), re.compile(r"^<[^>]*>$"),
                       re.compile(r"^(your|my)[-_ ].*(key|token|secret)(?:[-_ ]here)?$", re.I),
                       re.compile(r"^\$\{?[A-Z_][A-Z0-9_]*\}?$"))
#: the deployment secrets AgentOS reads; judged when they are set
SECURITY_ENV = ("OS_SECURITY_KEY", "JWT_VERIFICATION_KEY")
#: provider keys, judged only with --live-model (against the simulated LLM a placeholder key is expected)
PROVIDER_ENV = {"OpenAIChat": "OPENAI_API_KEY", "OpenAIResponses": "OPENAI_API_KEY", "Claude": "ANTHROPIC_API_KEY",
                "Gemini": "GOOGLE_API_KEY", "Groq": "GROQ_API_KEY", "MistralChat": "MISTRAL_API_KEY",
                "DeepSeek": "DEEPSEEK_API_KEY", "xAI": "XAI_API_KEY", "OpenRouter": "OPENROUTER_API_KEY",
                "Together": "TOGETHER_API_KEY", "Cohere": "CO_API_KEY", "Fireworks": "FIREWORKS_API_KEY"}


def weakness(value: str | None) -> str | None:
    """Why a secret's value is unusable ("unset", "empty", "a well-known placeholder"), or None. Never the value."""
    if value is None:
        return "unset"
    stripped = value.strip()
    if not stripped:
        return "empty"
    if stripped.lower() in PLACEHOLDERS or any(shape.match(stripped) for shape in _PLACEHOLDER_SHAPES):
        return "a well-known placeholder"
    return None


@check(id="configuration.required_env", severity="high", title="Required environment set, no placeholder secrets",
       targets=("inprocess",))
async def required_env(ctx: CheckContext) -> Outcome:
    """What it checks: every ``--require-env NAME`` is set to a non-empty value that is not a well-known
    placeholder (``changeme``, ``sk-test``, ``your-api-key``, ...); the same for the AgentOS secrets that are
    set (``OS_SECURITY_KEY``, ``JWT_VERIFICATION_KEY``) and, with ``--live-model``, for the model's provider key
    (the model's ``api_key`` or its environment variable). Values are never printed, only names and why.

    Why it matters: a missing variable turns into a crash on the first request, or worse, into a default that
    works: a security key left at ``changeme`` protects nothing. Severity high: either the service fails on
    its first real request or its protection is a published string.

    How to fix: Set the variables in the deployment's secret store (not in code), with real values; list what
    the agent needs with ``--require-env`` (or ``require_env = [...]`` in ``[tool.agno-check]``) so CI catches a
    missing one.
    """
    info = info_of(ctx)
    judged: dict[str, str | None] = {}
    for name in ctx.settings.require_env:  # as the user's environment had it (the run unsets AgentOS secrets)
        judged[name] = weakness(info.env_before[name] if name in info.env_before else os.environ.get(name))
    for name in SECURITY_ENV:
        value = info.env_before.get(name)
        if value is not None and name not in judged:
            judged[name] = weakness(value)
    if info.live_model:
        for view_site in info.models:
            model = view_site.declared
            if model is None or isinstance(model, str):
                continue
            key = getattr(model, "api_key", None)
            label = f"{view_site.path}.api_key"
            if isinstance(key, str):
                judged[label] = weakness(key)
            elif type(model).__name__ in PROVIDER_ENV:
                env_name = PROVIDER_ENV[type(model).__name__]
                judged.setdefault(env_name, weakness(os.environ.get(env_name)))
    if not judged:
        return skipped("nothing to judge: no --require-env given and no AgentOS secret set (provider keys are "
                       "judged with --live-model)")
    bad = {name: why for name, why in judged.items() if why is not None}
    evidence = {"checked": sorted(judged), "problems": bad}
    if bad:
        return failed("; ".join(f"{name} is {why}" for name, why in sorted(bad.items())), **evidence)
    return passed(f"set, and not a placeholder: {names(sorted(judged), 6)}", **evidence)

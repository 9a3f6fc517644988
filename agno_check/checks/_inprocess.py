"""Helpers for the agent-level checks (``targets=("inprocess",)``): they read the user's Agent/Team as declared.

The in-process target (``agno_check/targets/inprocess.py``) leaves an ``InprocessInfo`` in ``ctx.inprocess``: the
user's object, its agents and teams (``nodes``, with telemetry as declared), and its models as declared
(``models``: a Claude replaced by a stand-in for the run is still judged as the Claude it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agno_check.checks.outcome import SkipCheck

if TYPE_CHECKING:
    from agno_check.checks.context import CheckContext
    from agno_check.targets.inprocess import AgentNode, InprocessInfo

#: what the OpenAI SDK does when a model sets no timeout / max_retries (openai-python's defaults)
OPENAI_SDK_TIMEOUT_S = 600.0
OPENAI_SDK_MAX_RETRIES = 2


def info_of(ctx: CheckContext) -> InprocessInfo:
    info = ctx.inprocess
    if info is None:
        raise SkipCheck("needs the agent object: run against module:agent or path/to/file.py:agent")
    return info


@dataclass
class ModelView:
    """One model an agent or team runs on, as declared: what its timeout and retries amount to."""

    path: str  # "model", "team.members[0].model"
    description: str  # "OpenAIChat(id='gpt-4o-mini')"
    model: Any  # the declared Model, or None for agno's default / a "provider:id" string
    openai_compatible: bool

    @property
    def timeout_s(self) -> float | None:
        """The model's own timeout (``timeout=`` or ``client_params["timeout"]``), None when unset."""
        if self.model is None:
            return None
        value = getattr(self.model, "timeout", None)
        params = getattr(self.model, "client_params", None)
        if isinstance(params, dict) and params.get("timeout") is not None:
            value = params["timeout"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        read = getattr(value, "read", None)  # an httpx.Timeout
        return float(read) if isinstance(read, int | float) else None

    @property
    def effective_timeout_s(self) -> float | None:
        """What a request waits at most: the model's timeout, else the SDK default (OpenAI: 600 s), else
        unknown."""
        if self.timeout_s is not None:
            return self.timeout_s
        return OPENAI_SDK_TIMEOUT_S if self.openai_compatible or self.model is None else None

    @property
    def sdk_retries(self) -> int | None:
        """The provider SDK's own retries (OpenAI ``max_retries``, default 2); None when unknown."""
        value = getattr(self.model, "max_retries", None) if self.model is not None else None
        params = getattr(self.model, "client_params", None)
        if isinstance(params, dict) and isinstance(params.get("max_retries"), int):
            value = params["max_retries"]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return OPENAI_SDK_MAX_RETRIES if self.openai_compatible or self.model is None else None

    @property
    def sdk_retries_default(self) -> bool:
        return self.model is None or getattr(self.model, "max_retries", None) is None

    @property
    def agno_retries(self) -> int:
        value = getattr(self.model, "retries", 0) if self.model is not None else 0
        return value if isinstance(value, int) and value > 0 else 0

    @property
    def agno_backoff(self) -> bool:
        return bool(getattr(self.model, "exponential_backoff", False)) or \
            (getattr(self.model, "delay_between_retries", 0) or 0) > 0


def model_views(info: InprocessInfo, primary_only: bool = False) -> list[ModelView]:
    """The declared models, one per distinct object; ``primary_only``: only agents'/teams' own ``model``."""
    from agno_check.targets.model_control import is_openai_compatible

    views: list[ModelView] = []
    seen: set[int] = set()
    for site in info.models:
        if primary_only and not (site.path.endswith(".model") and node_of_model(info, site.path)):
            continue
        declared = site.declared
        if declared is not None and not isinstance(declared, str):
            if id(declared) in seen:
                continue
            seen.add(id(declared))
        model = declared if declared is not None and not isinstance(declared, str) else None
        views.append(ModelView(path=site.path, description=site.description, model=model,
                               openai_compatible=model is not None and is_openai_compatible(model)))
    return views


def node_of_model(info: InprocessInfo, path: str) -> AgentNode | None:
    """The agent/team that owns a model path (``team.members[0].model`` -> that member)."""
    owner_path = path.rsplit(".", 1)[0]
    return next((node for node in info.nodes if node.path == owner_path), None)


def names(items: list[str], limit: int = 4) -> str:
    """``a, b, c`` or ``a, b, c, d and 3 more``."""
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"

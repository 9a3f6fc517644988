"""Helpers for the agent-level checks (``targets=("inprocess",)``): they read the user's Agent/Team as declared.

The in-process target (``agno_check/targets/inprocess.py``) leaves an ``InprocessInfo`` in ``ctx.extras``: the
user's object, its agents and teams (``nodes``, with telemetry as declared), and its models as declared
(``models``: a Claude replaced by a stand-in for the run is still judged as the Claude it is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agno_check.checks.outcome import SkipCheck

if TYPE_CHECKING:
    from agno_check.checks.context import CheckContext
    from agno_check.targets.inprocess import AgentNode, InprocessInfo
    from agno_check.targets.model_clients import ClientSettings

#: what the OpenAI SDK does when a model sets no timeout / max_retries (openai-python's defaults)
OPENAI_SDK_TIMEOUT_S = 600.0
OPENAI_SDK_MAX_RETRIES = 2


def info_of(ctx: CheckContext) -> InprocessInfo:
    info = ctx.extras.get("inprocess")
    if info is None:
        raise SkipCheck("needs the agent object: run against module:agent or path/to/file.py:agent")
    return info


@dataclass
class ModelView:
    """One model object an agent or team runs on, as declared, with every place that uses it (a model shared
    by a team and its members is one view): what its timeout and retries amount to."""

    path: str  # the first place: "model", "team.members[0].model"
    description: str  # "OpenAIChat(id='gpt-4o-mini')"
    model: Any  # the declared Model, or None for agno's default / a "provider:id" string
    openai_compatible: bool  # talks through the openai SDK (OpenAIChat, OpenAIResponses and subclasses)
    #: the SDK client's settings in force (read when the target opened), for OpenAI-SDK-based models
    client: ClientSettings | None = None
    paths: list[str] = field(default_factory=list)

    @property
    def places(self) -> str:
        """Every place that uses the model: ``team.model, team.members[0].model``."""
        return ", ".join(self.paths or [self.path])

    @property
    def timeout_s(self) -> float | None:
        """The timeout the user configured (``timeout=``, ``client_params``, the client's), None when unset."""
        if self.client is not None:
            return None if self.client.timeout_source == "SDK default" else self.client.timeout_s
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
    def no_timeout_at_all(self) -> bool:
        """``timeout=None`` given explicitly to the SDK client (``client_params``): a call may wait forever."""
        return self.client is not None and self.client.timeout_s is None

    @property
    def effective_timeout_s(self) -> float | None:
        """What a request waits at most: the client's timeout (the SDK default of 600 s when unset; infinity
        when explicitly none), else unknown."""
        if self.client is not None:
            return math.inf if self.client.timeout_s is None else self.client.timeout_s
        if self.timeout_s is not None:
            return self.timeout_s
        return OPENAI_SDK_TIMEOUT_S if self.openai_compatible or self.model is None else None

    @property
    def sdk_retries(self) -> int | None:
        """The provider SDK's own retries (OpenAI ``max_retries``, default 2); None when unknown."""
        if self.client is not None:
            return self.client.max_retries
        value = getattr(self.model, "max_retries", None) if self.model is not None else None
        params = getattr(self.model, "client_params", None)
        if isinstance(params, dict) and isinstance(params.get("max_retries"), int):
            value = params["max_retries"]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return OPENAI_SDK_MAX_RETRIES if self.openai_compatible or self.model is None else None

    @property
    def sdk_retries_default(self) -> bool:
        if self.client is not None:
            return self.client.retries_default
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
    """The declared models, one per distinct object with all its places; ``primary_only``: only agents'/teams'
    own ``model``."""
    from agno_check.targets.model_clients import client_settings, is_openai_sdk_model

    views: list[ModelView] = []
    by_model: dict[int, ModelView] = {}
    clients = getattr(info, "clients", None) or {}
    for site in info.models:
        if primary_only and not (site.path.endswith(".model") and node_of_model(info, site.path)):
            continue
        declared = site.declared
        if declared is not None and not isinstance(declared, str):
            if id(declared) in by_model:
                by_model[id(declared)].paths.append(site.path)
                continue
        model = declared if declared is not None and not isinstance(declared, str) else None
        sdk_based = model is not None and is_openai_sdk_model(model)
        client = clients.get(id(model)) if model is not None else None
        if client is None and sdk_based:
            client = client_settings(model)
        view = ModelView(path=site.path, description=site.description, model=model, openai_compatible=sdk_based,
                         client=client, paths=[site.path])
        if model is not None:
            by_model[id(model)] = view
        views.append(view)
    for view in views:  # the owner first, then its members: "team.model, team.members[0].model"
        view.paths.sort(key=lambda path: (path.count("."), path))
        view.path = view.paths[0]
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

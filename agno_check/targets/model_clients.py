"""The timeout and retries an OpenAI-SDK-based model really runs with, read from the SDK client it would build.

Why: agno's default model (``OpenAIResponses``) and ``OpenAIChat`` and their subclasses (``OpenAILike``, Azure,
xAI, Llama ...) all talk through the ``openai`` SDK, whose client decides what ``timeout=None`` means (600 s per
attempt), what an unset ``max_retries`` means (2, with backoff), and whether a custom ``http_client``'s timeout
counts. Guessing those rules per model class is how ``OpenAIResponses`` came to be judged "no SDK retries".
So the settings are read from a real SDK client built the way agno builds it (``timeout``, ``max_retries``,
``client_params``, ``http_client``), pointed at a loopback address it never dials, or from the client the user
attached to the model. The snapshot is taken when the target opens, before agno-check points the models at
its simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: a client built only to read its settings: nothing is ever sent
_PROBE_URL = "http://127.0.0.1:9/v1"


@dataclass(frozen=True)
class ClientSettings:
    """What one model's SDK client does per call: ``timeout_s`` None means no timeout at all."""

    timeout_s: float | None
    timeout_source: str  # "timeout=30", "client_params", "its http_client", "its own client", "SDK default"
    max_retries: int
    retries_source: str  # "max_retries=3", "client_params", "its own client", "SDK default"

    @property
    def retries_default(self) -> bool:
        return self.retries_source == "SDK default"


def is_openai_sdk_model(model: Any) -> bool:
    """agno models that call the provider through the ``openai`` SDK client."""
    from agno.models.openai.chat import OpenAIChat
    from agno.models.openai.responses import OpenAIResponses

    return isinstance(model, OpenAIChat | OpenAIResponses)


def _read_timeout(value: Any) -> float | None:
    read = getattr(value, "read", value)  # an httpx.Timeout: the read timeout is what a stalled call waits
    return float(read) if isinstance(read, int | float) and not isinstance(read, bool) else None


def _from_client(client: Any, source: str) -> ClientSettings:
    return ClientSettings(timeout_s=_read_timeout(client.timeout), timeout_source=source,
                          max_retries=int(client.max_retries), retries_source=source)


def client_settings(model: Any) -> ClientSettings | None:
    """The settings in force for an OpenAI-SDK-based model; None for any other model."""
    if not is_openai_sdk_model(model):
        return None
    import openai

    own = getattr(model, "client", None)
    if isinstance(own, openai.OpenAI):  # the user attached a client: agno uses it as it is
        return _from_client(own, "its own client")
    params: dict[str, Any] = {}
    sources = {}
    for key in ("timeout", "max_retries"):
        if getattr(model, key, None) is not None:
            params[key] = getattr(model, key)
            sources[key] = f"{key}={params[key]!r}"
    extra = getattr(model, "client_params", None)
    if isinstance(extra, dict):
        for key in ("timeout", "max_retries"):
            if key in extra:  # agno applies client_params last, an explicit None included
                params[key] = extra[key]
                sources[key] = "client_params"
    http_client = getattr(model, "http_client", None)
    import httpx

    ours = None
    if not isinstance(http_client, httpx.Client):
        http_client = ours = httpx.Client(trust_env=False)
    elif "timeout" not in params:
        sources["timeout"] = "its http_client"
    try:
        client = openai.OpenAI(api_key="agno-check-probe", base_url=_PROBE_URL, http_client=http_client, **params)
    except Exception:  # settings the SDK refuses: the model could not run at all; judged as unknown
        return None
    finally:
        if ours is not None:
            ours.close()
    timeout_source = sources.get("timeout", "SDK default")
    if timeout_source == "its http_client" and client.timeout == openai.DEFAULT_TIMEOUT:
        timeout_source = "SDK default"  # an http_client with httpx's own default timeout does not count
    return ClientSettings(timeout_s=_read_timeout(client.timeout), timeout_source=timeout_source,
                          max_retries=int(client.max_retries), retries_source=sources.get("max_retries",
                                                                                          "SDK default"))


def snapshot(models: list[Any]) -> dict[int, ClientSettings]:
    """``id(model) -> settings`` for every OpenAI-SDK-based model among ``models`` (read before redirection)."""
    found: dict[int, ClientSettings] = {}
    for model in models:
        if id(model) not in found:
            settings = client_settings(model)
            if settings is not None:
                found[id(model)] = settings
    return found

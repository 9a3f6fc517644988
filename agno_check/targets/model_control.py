"""Point an in-process agent's models at the simulated LLM for the run, and put everything back afterwards.

Why: readiness runs dozens of turns. Against the user's real provider that spends tokens, sends their prompts
off the machine and makes fault injection impossible. So every model the agent can call (its model, reasoning,
parser, output and follow-up models, fallbacks, the models inside memory/summary/compression managers, team
members) is redirected to the bundled simulated LLM on loopback:

- a model that speaks an API the simulator serves (``OpenAIChat``, ``OpenAILike`` and their provider
  subclasses: chat completions; ``OpenAIResponses``, agno's default model class: the Responses API) keeps its
  own settings (timeout, ``max_retries``, agno retries, streaming) and gets OpenAI clients aimed at the
  simulator injected, so the run goes through the agent's own client code; its ``base_url``/``api_key`` are
  pointed there too, so a client agno rebuilds (a deep copy drops clients) still cannot reach the provider;
- an agent or team with no model gets agno's own default, ``OpenAIResponses(id="gpt-5.4")``, on the simulator;
- any other model (Claude, Gemini, a ``"provider:model"`` string, ...) speaks neither API: it is replaced for
  the run by a *stand-in* ``OpenAIChat`` on the simulator carrying the same timeout and retry settings, and
  the report says so.

Every change is recorded as (object, attribute, old value) and undone in reverse order by ``restore()``, so
nothing leaks past the run. Configuration checks read the models as declared (``ModelSite.declared``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SIM_API_KEY = "agno-check-sim"
#: attributes that hold one model (a Model, a "provider:id" string or None)
MODEL_SLOTS = ("model", "reasoning_model", "parser_model", "output_model", "followup_model")
#: attributes that hold a list of fallback models
FALLBACK_LISTS = ("fallback_models", "on_error", "on_rate_limit", "on_context_overflow")
#: never walked into: storage, knowledge and media hold connections and data, not models
_SKIP_ATTRS = frozenset({"db", "knowledge", "media_storage", "filesystem", "vector_db", "client", "async_client",
                         "http_client", "session_state", "dependencies", "metadata", "input_schema",
                         "output_schema"})
_MAX_DEPTH = 4
_CLIENT_KEYS = ("timeout", "max_retries", "default_headers", "default_query")


@dataclass
class ModelSite:
    """One place a model lives: ``path`` for the report (``model``, ``members[0].reasoning_model``)."""

    path: str
    declared: Any  # the Model as the user declared it, or a "provider:id" string
    how: str = "declared"  # "sim" | "stand-in" | "live"

    @property
    def description(self) -> str:
        if self.declared is None:
            return "agno's default OpenAIResponses(id='gpt-5.4')"
        if isinstance(self.declared, str):
            return repr(self.declared)
        return f"{type(self.declared).__name__}(id={getattr(self.declared, 'id', '?')!r})"


@dataclass
class Patches:
    """Attribute changes with their old values; ``restore()`` undoes them in reverse order."""

    changes: list[tuple[Any, str, Any]] = field(default_factory=list)
    closers: list[Any] = field(default_factory=list)

    def set(self, obj: Any, name: str, value: Any) -> None:
        self.changes.append((obj, name, getattr(obj, name)))
        setattr(obj, name, value)

    def remember(self, obj: Any, name: str) -> None:
        """Record an attribute agno itself may change during runs, so it is put back too."""
        self.changes.append((obj, name, getattr(obj, name)))

    def restore(self) -> None:
        while self.changes:
            obj, name, old = self.changes.pop()
            try:
                setattr(obj, name, old)
            except Exception:  # a frozen or vanished object: nothing of ours to put back
                pass
        while self.closers:
            try:
                self.closers.pop().close()
            except Exception:
                pass


def is_openai_compatible(model: Any) -> bool:
    """A model on the openai SDK's client against an API the simulator serves (chat completions, Responses)."""
    from agno.models.openai.chat import OpenAIChat
    from agno.models.openai.responses import OpenAIResponses

    return isinstance(model, OpenAIChat | OpenAIResponses)


def _is_model(value: Any) -> bool:
    from agno.models.base import Model

    return isinstance(value, Model)


def _is_agno_object(value: Any) -> bool:
    module = type(value).__module__ or ""
    return module == "agno" or module.startswith("agno.")


def _walkable(value: Any) -> bool:
    from agno.db.base import AsyncBaseDb, BaseDb

    if isinstance(value, BaseDb | AsyncBaseDb) or _is_model(value):
        return False
    return _is_agno_object(value) and hasattr(value, "__dict__")


def model_sites(root: Any, label: str = "") -> list[tuple[Any, str, int | None, str, Any]]:
    """Every model reachable from an Agent/Team: (owner, attribute, index in a fallback list or None, path,
    value). Agents, teams, members and agno helper objects (managers, fallback configs, toolkits) are walked."""
    found: list[tuple[Any, str, int | None, str, Any]] = []
    seen: set[int] = set()

    def visit(obj: Any, prefix: str, depth: int) -> None:
        if id(obj) in seen or depth > _MAX_DEPTH:
            return
        seen.add(id(obj))
        for name, value in list(vars(obj).items()):
            if name.startswith("_") or name in _SKIP_ATTRS or value is None:
                continue
            path = f"{prefix}{name}"
            if name in MODEL_SLOTS and (_is_model(value) or isinstance(value, str)):
                found.append((obj, name, None, path, value))
            elif name in FALLBACK_LISTS and isinstance(value, list):
                for i, item in enumerate(value):
                    if _is_model(item) or isinstance(item, str):
                        found.append((obj, name, i, f"{path}[{i}]", item))
            elif _is_model(value):
                found.append((obj, name, None, path, value))
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value[:50]):
                    if _walkable(item):
                        visit(item, f"{path}[{i}].", depth + 1)
            elif _walkable(value):
                visit(value, f"{path}.", depth + 1)

    visit(root, f"{label}." if label else "", 0)
    return found


def walked_objects(root: Any) -> list[Any]:
    """The agno objects ``model_sites`` walks (for remembering the model slots agno fills in during runs)."""
    objects: list[Any] = []
    seen: set[int] = set()

    def visit(obj: Any, depth: int) -> None:
        if id(obj) in seen or depth > _MAX_DEPTH:
            return
        seen.add(id(obj))
        objects.append(obj)
        for name, value in list(vars(obj).items()):
            if name.startswith("_") or name in _SKIP_ATTRS or value is None:
                continue
            if isinstance(value, list | tuple):
                for item in value[:50]:
                    if _walkable(item):
                        visit(item, depth + 1)
            elif _walkable(value):
                visit(value, depth + 1)

    visit(root, 0)
    return objects


def _client_options(model: Any) -> dict[str, Any]:
    """The model's own timeout and retry settings, as its OpenAI client would get them."""
    options = {key: getattr(model, key, None) for key in _CLIENT_KEYS}
    extra = getattr(model, "client_params", None)
    if isinstance(extra, dict):
        options.update({k: v for k, v in extra.items() if k in _CLIENT_KEYS})
    return {k: v for k, v in options.items() if v is not None}


class Redirector:
    """Redirects the models of one Agent/Team to a simulator URL; ``patches.restore()`` undoes it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.patches = Patches()

    def _clients(self, options: dict[str, Any]) -> tuple[Any, Any]:
        import httpx
        import openai

        # trust_env=False: a proxy from the environment must never see (or break) loopback model traffic
        sync_http = httpx.Client(trust_env=False)
        async_http = httpx.AsyncClient(trust_env=False)
        self.patches.closers.append(sync_http)
        common = {"base_url": self.base_url, "api_key": SIM_API_KEY, **options}
        return (openai.OpenAI(**common, http_client=sync_http),
                openai.AsyncOpenAI(**common, http_client=async_http))

    def redirect_in_place(self, model: Any) -> bool:
        """Aim an OpenAI-compatible model at the simulator; False when its class would not use our clients."""
        client, async_client = self._clients(_client_options(model))
        mark = len(self.patches.changes)
        self.patches.set(model, "client", client)
        self.patches.set(model, "async_client", async_client)
        for name, value in (("base_url", self.base_url), ("api_key", SIM_API_KEY), ("http_client", None)):
            if hasattr(model, name):
                self.patches.set(model, name, value)
        if isinstance(getattr(model, "client_params", None), dict):
            kept = {k: v for k, v in model.client_params.items() if k in _CLIENT_KEYS}
            self.patches.set(model, "client_params", kept or None)
        try:
            ok = model.get_client() is client and model.get_async_client() is async_client
        except Exception:
            ok = False
        if not ok:  # a subclass that builds its own clients: undo, the caller uses a stand-in
            while len(self.patches.changes) > mark:
                obj, name, old = self.patches.changes.pop()
                setattr(obj, name, old)
        return ok

    def default_model(self) -> Any:
        """agno's default model (``OpenAIResponses(id="gpt-5.4")``, as agno builds it for an agent without
        one), aimed at the simulator: the run goes through agno's own Responses client."""
        from agno.models.openai import OpenAIResponses

        model = OpenAIResponses(id="gpt-5.4", base_url=self.base_url, api_key=SIM_API_KEY)
        client, async_client = self._clients({})
        model.client, model.async_client = client, async_client
        return model

    def stand_in(self, declared: Any) -> Any:
        """An OpenAIChat on the simulator with the declared model's id, timeout and retry settings."""
        from agno.models.openai import OpenAIChat

        model_id = declared if isinstance(declared, str) else str(getattr(declared, "id", "stand-in"))
        settings: dict[str, Any] = {}
        if not isinstance(declared, str):
            for name in ("retries", "delay_between_retries", "exponential_backoff", "timeout", "max_retries"):
                value = getattr(declared, name, None)
                if value is not None:
                    settings[name] = value
        model = OpenAIChat(id=model_id, base_url=self.base_url, api_key=SIM_API_KEY, **settings)
        client, async_client = self._clients(_client_options(model))
        model.client, model.async_client = client, async_client
        return model

    def redirect(self, root: Any, label: str = "") -> list[ModelSite]:
        """Redirect every model reachable from ``root``; one ModelSite per place, with how it was handled."""
        for obj in walked_objects(root):  # agno fills some slots during runs (compression/compaction models)
            for name in MODEL_SLOTS:
                if name in vars(obj):
                    self.patches.remember(obj, name)
        sites: list[ModelSite] = []
        done: dict[int, Any] = {}  # id(declared model) -> what replaces it (itself when redirected in place)
        replaced_lists: dict[tuple[int, str], list[Any]] = {}
        for owner, name, index, path, value in model_sites(root, label):
            key = id(value)
            if key not in done or isinstance(value, str):
                if _is_model(value) and is_openai_compatible(value) and self.redirect_in_place(value):
                    done[key] = value
                else:
                    done[key] = self.stand_in(value)
            replacement = done[key]
            sites.append(ModelSite(path=path, declared=value, how="sim" if replacement is value else "stand-in"))
            if replacement is value:
                continue
            if index is None:
                self.patches.set(owner, name, replacement)
            else:
                list_key = (id(owner), name)
                if list_key not in replaced_lists:
                    replaced_lists[list_key] = list(getattr(owner, name))
                    self.patches.set(owner, name, replaced_lists[list_key])
                replaced_lists[list_key][index] = replacement
        return sites


def declared_sites(root: Any, label: str = "") -> list[ModelSite]:
    """The models as declared, untouched (``--live-model``)."""
    return [ModelSite(path=path, declared=value, how="live") for _, _, _, path, value in model_sites(root, label)]

"""What a protocol profile is: how a turn is sent and read, its options, how it is recognised on a service.

One subclass per protocol, registered with ``@protocol``, in its own module of this package. Everything else
(settings, both commands' options, ``--profile auto``, the Locust users, ``performance.load_slo``, the report
models' ``protocol`` field) reads the registry (``agno_check.targets.profiles``), so a new
protocol is one module plus its tests.

Pure code: no I/O here except through the ``Service`` handed to ``detect``/``resolve``, and nothing heavy is
imported (the CLI builds its ``--help`` from these classes).
"""

from __future__ import annotations

import dataclasses
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from agno_check.targets.base import ParsedTurn, RequestSpec
from agno_check.targets.sse import SseEvent

if TYPE_CHECKING:
    from agno_check.targets.base import Response


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class ProtocolOption:
    """One option of a protocol: the settings field and ``--flag`` (``name``), its help, and the profile field
    it sets (``attr``, the same name unless given). Several protocols may declare the same option (``--model``
    for both OpenAI APIs); each declaration keeps its own help, and the CLI joins them."""

    name: str
    help: str
    attr: str = ""
    #: the settings default (``None``: the profile's own field default applies)
    default: str | None = None

    @property
    def field(self) -> str:
        return self.attr or self.name

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


#: the run route's path, declared by every protocol whose route is a fixed path (the help lists their defaults)
ENDPOINT = ProtocolOption("endpoint", "Path of the run endpoint.")


class Service(ABC):
    """What detection may ask of a service (``targets/detect.py`` implements it over the HTTP target, each GET
    sent at most once)."""

    @abstractmethod
    async def openapi_paths(self) -> dict[str, Any]:
        """The ``paths`` of ``GET /openapi.json``, ``{}`` when there is none."""

    @abstractmethod
    async def get(self, path: str) -> Response: ...

    @abstractmethod
    async def get_json(self, path: str) -> Any:
        """The JSON of a 200 answer to ``GET path``, else None."""

    @abstractmethod
    async def post_json(self, path: str, body: Any) -> Response:
        """``POST path`` with a JSON body: a probe that must change nothing (an empty or invalid body)."""


class StreamReader(ABC):
    """Reads a streamed answer event by event; ``feed`` returns the content delta of that event ('' if none)."""

    def __init__(self) -> None:
        self.parsed = ParsedTurn(data=[])
        self.done = False

    @abstractmethod
    def feed(self, event: SseEvent) -> str: ...

    def payload(self, event: SseEvent) -> dict[str, Any] | None:
        """The event's JSON object, kept in ``parsed.data``; None for anything else (a comment, a keep-alive)."""
        try:
            payload = json.loads(event.data)
        except ValueError:
            return None
        if not isinstance(payload, dict):
            return None
        self.parsed.data.append(payload)
        return payload

    def finish(self) -> ParsedTurn:
        return self.parsed


class Profile(ABC):
    """A service protocol: how to send a turn, how to read it, and which malformed variants to try.

    Subclasses are dataclasses whose fields are their options' ``field`` names, so that a profile can be
    rebuilt from plain values in another process (a Locust worker) and turned back into flags (``load_slo``).
    """

    name: ClassVar[str]
    #: the v1 reports' ``profile`` for this protocol: one of the contract's fixed enum (``agentos``, ``openai``,
    #: ``json``), the family it belongs to; the exact ``name`` goes in the reports' optional ``protocol`` field.
    #: Defaults to ``name`` (set by ``__init_subclass__``), so a protocol outside the three families must declare
    #: it (``tests/test_schemas.py`` fails otherwise).
    report_profile: ClassVar[str]
    #: one line for ``--profile``'s help and the README
    summary: ClassVar[str] = ""
    options: ClassVar[tuple[ProtocolOption, ...]] = ()
    #: whether the server keeps the conversation for a session id (OpenAI-style APIs are stateless)
    stateful_sessions: ClassVar[bool] = True
    can_stream: ClassVar[bool] = True
    #: ``--profile auto`` asks every protocol's ``detect`` (the OpenAPI document) in ``detect_order``, then every
    #: ``probe`` (requests, for services without one) in ``probe_order``; the first that recognises it wins
    detect_order: ClassVar[int] = 100
    probe_order: ClassVar[int] = 100
    #: an option whose value alone chooses this protocol under ``--profile auto`` (``--team ID``)
    chosen_by: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__ and "report_profile" not in cls.__dict__:
            cls.report_profile = cls.name

    # --- choosing and building -------------------------------------------------------------------------------

    @classmethod
    async def detect(cls, service: Service, values: dict[str, Any]) -> str | None:
        """Why the service's OpenAPI document says it speaks the protocol (said to the user), or None."""
        return None

    @classmethod
    async def probe(cls, service: Service, values: dict[str, Any]) -> str | None:
        """Why a request showed the service speaks the protocol, or None (asked when no ``detect`` matched)."""
        return None

    @classmethod
    async def resolve(cls, service: Service, values: dict[str, Any]) -> tuple[Profile, list[str]]:
        """The profile for this service from the user's option values (discovering what was not given), and
        notes for the user."""
        return cls.from_values(values), []

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Profile:
        """Build from option values by name (missing or None: the field's default)."""
        kwargs = {o.field: values[o.name] for o in cls.options if values.get(o.name) is not None}
        return cls(**kwargs)

    @classmethod
    def complete_values(cls, values: dict[str, Any], get_json: Callable[[str], Any]) -> dict[str, Any]:
        """Fill in what a Locust user needs and was not given (AgentOS: the first agent), synchronously."""
        return values

    def values(self) -> dict[str, Any]:
        """The option values that rebuild this profile (``from_values``), by option name."""
        return {o.name: getattr(self, o.field) for o in self.options}

    def flags(self) -> list[str]:
        """``--profile NAME --option VALUE ...``: the command line that talks to the service the same way."""
        command = ["--profile", self.name]
        for option in self.options:
            value = getattr(self, option.field)
            if value is not None:
                command += [option.flag, str(value)]
        return command

    async def not_found_hint(self, service: Service) -> str:
        """What to say when the run route answered 404 (the flags that choose it, and what the service has)."""
        flags = ["--profile", *(o.flag for o in self.options)]
        return f"wrong {', '.join(flags[:-1])} or {flags[-1]}?" if len(flags) > 1 else "wrong --profile?"

    # --- one turn ------------------------------------------------------------------------------------------

    @abstractmethod
    def run_request(self, message: str, session_id: str | None, stream: bool) -> RequestSpec: ...

    @abstractmethod
    def parse(self, body: Any) -> ParsedTurn:
        """Read a non-streamed answer's JSON body."""

    @abstractmethod
    def stream_reader(self) -> StreamReader: ...

    @abstractmethod
    def malformed_requests(self) -> list[tuple[str, RequestSpec]]:
        """Requests a sound service must reject with a 4xx, each with a label for the evidence."""

    def remember(self, session_id: str | None, message: str, answer: str) -> None:
        """Client-side history, for stateless protocols; stateful ones keep it on the server."""
        return None

    def forget(self, session_id: str | None) -> None:
        """Drop a finished conversation's client-side history."""
        return None


def option_fields(profile_cls: type[Profile]) -> set[str]:
    """The dataclass fields of a profile class (for the registry's consistency checks)."""
    return {f.name for f in dataclasses.fields(profile_cls)} if dataclasses.is_dataclass(profile_cls) else set()


def field_default(profile_cls: type[Profile], name: str) -> Any:
    """The default of one dataclass field (None when it has none)."""
    for f in dataclasses.fields(profile_cls):  # type: ignore[arg-type]
        if f.name == name:
            return None if f.default is dataclasses.MISSING else f.default
    return None


def openai_style_malformed(path: str, model: str, field: str) -> list[tuple[str, RequestSpec]]:
    """The malformed requests of an OpenAI-style API whose body is ``{"model", <field>}`` (``messages`` for chat
    completions, ``input`` for Responses): one list, so both protocols probe the same five mistakes."""
    return [
        ("invalid JSON", RequestSpec("POST", path, content=b'{"model": "x", "' + field.encode() + b'": [',
                                     headers={"content-type": "application/json"})),
        ("form body instead of JSON", RequestSpec("POST", path, data={"model": model, field: "hi"})),
        (f"missing {field}", RequestSpec("POST", path, json={"model": model})),
        (f"{field} of the wrong type", RequestSpec("POST", path, json={"model": model, field: 42})),
        (f"empty {field}", RequestSpec("POST", path, json={"model": model, field: []})),
    ]

"""The user's tools in an in-process run: which there are, which the simulated model may call, and a probe
around each that times it and can make it fail on purpose.

Why a probe: ``reliability.tool_errors`` makes each exercised tool fail once (does the run survive it?) and
``performance.tool_latency`` needs each tool's own time inside a run, apart from the model's. Both need a
hand on the call itself. The probe is a thin ``functools.wraps`` wrapper (agno reads the tool's name,
docstring and signature through it, as before) put in place of the tool for the run and undone with the
other patches: plain functions in ``tools=[...]``, ``@tool`` ``Function`` objects and ``Toolkit`` functions.
Generator tools are listed but not wrapped (their time is spread over the stream).

A tool that needs the network is refused by the egress guard (``targets/egress.py``): the probe notes the
refused host (from the exception chain, or from a refusal recorded during the call when the tool caught it),
so the checks report the tool as not exercised rather than judging a tool that never got to do its work.
"""

from __future__ import annotations

import functools
import inspect
import threading
import time
from dataclasses import dataclass, field
from typing import Any

#: the message of a failure the probe injects; tool_errors looks for it in what the run returned
INJECTED = "agno-check injected a failure into tool"


class InjectedToolFailure(RuntimeError):
    """What a probe raises when its tool is made to fail."""


@dataclass
class ToolInfo:
    """One user tool, with agno's flags that keep a model's call from running it in the loop."""

    name: str
    owner: str  # the agent/team path that has it, "agent", "team.members[0]"
    requires_confirmation: bool = False
    external_execution: bool = False
    probed: bool = False  # a probe wraps it (times it, can make it fail)

    @property
    def flags(self) -> list[str]:
        return [flag for flag, on in (("requires_confirmation", self.requires_confirmation),
                                      ("external_execution", self.external_execution)) if on]


@dataclass
class ToolCallRecord:
    name: str
    duration_s: float
    error: str | None  # "ExcType: message" when the tool raised, injected failures included
    injected: bool = False
    egress: str | None = None  # the host the egress guard refused during the call, if any


@dataclass
class ToolProbes:
    """The tools of one in-process target, the calls their probes saw, and which are made to fail now."""

    tools: list[ToolInfo] = field(default_factory=list)
    calls: list[ToolCallRecord] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)
    guard: Any = None  # the egress guard of the run, when one is active
    #: toolkits whose functions appear only when they connect at run time (MCP): "agent: MCPTools", never probed
    run_time_toolkits: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def names(self) -> list[str]:
        return sorted({tool.name for tool in self.tools})

    def calls_of(self, name: str, since: int = 0) -> list[ToolCallRecord]:
        with self._lock:
            return [call for call in self.calls[since:] if call.name == name]

    def mark(self) -> int:
        """A position in the call log, for ``calls_of(name, since=mark)``."""
        with self._lock:
            return len(self.calls)

    def _record(self, record: ToolCallRecord) -> None:
        with self._lock:
            self.calls.append(record)

    def refusals(self) -> int:
        """How many connections the egress guard has refused so far."""
        if self.guard is None:
            return 0
        return sum(attempt.count for attempt in self.guard.attempts() if attempt.refused)

    def refused_host(self, error: BaseException | None, refusals_before: int) -> str | None:
        """The host the guard refused during a call: from the exception chain, else the newest refusal."""
        from agno_check.targets.egress import EgressRefused

        seen: set[int] = set()
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            if isinstance(error, EgressRefused):
                text = str(error)
                return text.split("connection to ", 1)[1].split(" ", 1)[0] if "connection to " in text else "?"
            error = error.__cause__ or error.__context__
        if self.guard is not None and self.refusals() > refusals_before:
            refused = [a for a in self.guard.attempts() if a.refused]
            return refused[0].host if refused else "?"
        return None

    def wrap(self, name: str, func: Any) -> Any:
        """``func`` inside a probe: timed, recorded, raising ``InjectedToolFailure`` while ``name`` is failing."""
        probes = self

        def fail_if_asked() -> None:
            if name in probes.failing:
                raise InjectedToolFailure(f"{INJECTED} {name!r}")

        def done(start: float, error: BaseException | None, refusals_before: int) -> None:
            text = f"{type(error).__name__}: {error}" if error is not None else None
            probes._record(ToolCallRecord(name, time.perf_counter() - start, text,
                                          isinstance(error, InjectedToolFailure),
                                          probes.refused_host(error, refusals_before)))

        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def async_probe(*args: Any, **kwargs: Any) -> Any:
                start, refusals = time.perf_counter(), probes.refusals()
                try:
                    fail_if_asked()
                    result = await func(*args, **kwargs)
                except BaseException as exc:
                    done(start, exc, refusals)
                    raise
                done(start, None, refusals)
                return result

            return async_probe

        @functools.wraps(func)
        def probe(*args: Any, **kwargs: Any) -> Any:
            start, refusals = time.perf_counter(), probes.refusals()
            try:
                fail_if_asked()
                result = func(*args, **kwargs)
            except BaseException as exc:
                done(start, exc, refusals)
                raise
            done(start, None, refusals)
            return result

        return probe


def _wrappable(func: Any) -> bool:
    return callable(func) and not (inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func))


def install(nodes: list[Any], patches: Any, guard: Any = None) -> ToolProbes:
    """List every user tool of the agents and teams in ``nodes`` and put a probe around each (``patches``
    undoes it). MCP toolkits and other toolkits whose functions appear only at run time cannot be listed or
    probed: they are named in ``run_time_toolkits``, so the checks say what they did not cover."""
    from agno.tools.function import Function
    from agno.tools.toolkit import Toolkit

    probes = ToolProbes(guard=guard)
    for node in nodes:
        tools = getattr(node.obj, "tools", None)
        if not isinstance(tools, list) or not tools:
            continue
        replaced = list(tools)
        for i, tool in enumerate(tools):
            if isinstance(tool, Toolkit):
                functions = list(getattr(tool, "functions", {}).items())
                if not functions and _connects_at_run_time(tool):
                    probes.run_time_toolkits.append(f"{node.path}: {type(tool).__name__}")
                confirm = set(getattr(tool, "requires_confirmation_tools", []) or [])
                external = set(getattr(tool, "external_execution_required_tools", []) or [])
                for name, function in functions:
                    _probe_function(probes, patches, function, node.path, name in confirm, name in external)
            elif isinstance(tool, Function):
                _probe_function(probes, patches, tool, node.path, False, False)
            elif callable(tool) and getattr(tool, "__name__", None):
                info = ToolInfo(name=tool.__name__, owner=node.path, probed=_wrappable(tool))
                probes.tools.append(info)
                if info.probed:
                    replaced[i] = probes.wrap(info.name, tool)
        if replaced != tools:
            patches.set(node.obj, "tools", replaced)
    return probes


def _connects_at_run_time(toolkit: Any) -> bool:
    """An MCP toolkit (``MCPTools``, ``MultiMCPTools``) before it connects: agno fills its functions from the
    server's tool list when a run starts, so nothing is there to list or wrap beforehand."""
    return "MCP" in type(toolkit).__name__ or hasattr(toolkit, "server_params") or hasattr(toolkit, "session")


def _probe_function(probes: ToolProbes, patches: Any, function: Any, owner: str, confirm: bool,
                    external: bool) -> None:
    info = ToolInfo(name=str(function.name), owner=owner,
                    requires_confirmation=bool(getattr(function, "requires_confirmation", False)) or confirm,
                    external_execution=bool(getattr(function, "external_execution", False)) or external)
    entrypoint = getattr(function, "entrypoint", None)
    info.probed = entrypoint is not None and _wrappable(entrypoint)
    probes.tools.append(info)
    if info.probed:
        patches.set(function, "entrypoint", probes.wrap(info.name, entrypoint))

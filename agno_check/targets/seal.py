"""Seal an in-process run: what agno and the user's code print goes to a log file, what they log is judged.

Why: agno writes some failures straight to the process's stderr (``traceback.print_exc()`` in its storage
code), not through a logger, so a logging filter cannot hide them: one readiness run against an agent whose
PostgreSQL refuses connections printed thousands of traceback lines over the report. While an in-process
target is open, file descriptors 1 and 2 (and ``sys.stdout``/``sys.stderr``) point at a log file; agno-check's
own progress goes to the saved terminal (``terminal_stream()``); the report names the file. ``--debug`` keeps
everything on the terminal instead.

Whatever agno logs at WARNING or above is also collected and classified by component (hook, guardrail,
storage, MCP, model, tool) and by the run it happened in (``RunCounter`` marks each run request), for
``reliability.runtime_errors``: hiding output is only honest when what it said becomes a finding.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

#: agno's loggers, and the MCP client libraries' (agno's MCPTools log through both)
COLLECTED_LOGGERS = ("agno", "agno-team", "agno-workflow", "mcp", "fastmcp")
#: where a log record comes from (the emitting file, or a frame of its traceback) -> the component
_COMPONENT_BY_PATH = (
    ("/agno/guardrails/", "guardrail"),
    ("/agno/tools/mcp/", "MCP"),
    ("/agno/db/", "storage"), ("/agno/agent/_storage.py", "storage"), ("/agno/team/_storage.py", "storage"),
    ("/agno/session/", "storage"),
    ("/agno/models/", "model"),
    ("/agno/knowledge/", "knowledge"), ("/agno/vectordb/", "knowledge"),
    ("/agno/agent/_hooks.py", "hook"), ("/agno/team/_hooks.py", "hook"),
    ("/agno/tools/", "tool"), ("/agno/agent/_tools.py", "tool"), ("/agno/team/_tools.py", "tool"),
    ("/agno/utils/mcp.py", "MCP"),
)
_HOOK_MESSAGE = re.compile(r"^(Pre|Post)-hook #(\d+)", re.IGNORECASE)
_ADDRESS = re.compile(r" object at 0x[0-9a-f]+")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
#: the run (its number) whose request is being served in this context, set by ``RunCounter``
CURRENT_RUN: contextvars.ContextVar[int | None] = contextvars.ContextVar("agno_check_run", default=None)

_terminal: Any = None


def terminal_stream() -> Any:
    """The user's terminal (stderr) even while a run is sealed: for agno-check's own progress lines."""
    return _terminal if _terminal is not None else sys.stderr


class TerminalStream:
    """A file-like object that always writes to ``terminal_stream()`` (for a rich Console made once)."""

    def write(self, text: str) -> int:
        return terminal_stream().write(text)

    def flush(self) -> None:
        terminal_stream().flush()

    def isatty(self) -> bool:
        return bool(getattr(terminal_stream(), "isatty", lambda: False)())

    def fileno(self) -> int:
        return terminal_stream().fileno()

    @property
    def encoding(self) -> str:
        return getattr(terminal_stream(), "encoding", None) or "utf-8"

    def __getattr__(self, name: str) -> Any:
        return getattr(terminal_stream(), name)


@dataclass
class Problem:
    """One log record at WARNING or above, classified."""

    component: str  # "hook" | "guardrail" | "storage" | "MCP" | "model" | "tool" | "knowledge" | "agent"
    name: str  # "post-hook #1 audit_trail (tests.agents.failing)", "OpenAIModerationGuardrail", ""
    level: str
    message: str  # the record's first line, and its exception's
    run: int | None  # the run it happened in, when known
    #: logged while agno-check itself injected model faults (reliability.upstream_faults and
    #: error_status_honest), or in a run started then: a model error then is provoked, not the agent's
    provoked: bool = False


@dataclass
class RunLog:
    """What the sealed runs left behind: classified problems, the runs served, the log file."""

    problems: list[Problem] = field(default_factory=list)
    runs: set[int] = field(default_factory=set)  # runs that reached the agent (not refused with a 4xx)
    started: int = 0
    log_path: Path | None = None
    sealed: bool = False
    #: > 0 while a check injects model faults; the runs started meanwhile are ``provoked_runs``
    provoking: int = 0
    provoked_runs: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_run(self) -> int:
        with self._lock:
            self.started += 1
            return self.started

    def log_text(self) -> str:
        if self.log_path is None or not self.log_path.is_file():
            return ""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def printed_tracebacks(self) -> int:
        return self.log_text().count("Traceback (most recent call last)")


def one_line(text: str, limit: int = 240) -> str:
    line = _URL_PASSWORD.sub(r"\1***@", _ADDRESS.sub("", " ".join(text.split())))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _tb_frames(tb: TracebackType | None) -> list[Any]:
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return frames


def _component_of_path(path: str) -> str | None:
    path = path.replace("\\", "/")
    return next((component for marker, component in _COMPONENT_BY_PATH if marker in path), None)


def _owner_name(frame: Any) -> str:
    owner = frame.f_locals.get("self")
    return type(owner).__name__ if owner is not None else ""


def _origin(record: logging.LogRecord, frame: Any) -> str:
    """The file that logged: agno logs through helpers (``agno/utils/log.py``), so walk out of them."""
    while frame is not None:
        path = frame.f_code.co_filename.replace("\\", "/")
        if not (path.endswith("/logging/__init__.py") or "/agno/utils/log" in path or path == __file__):
            return path
        frame = frame.f_back
    return record.pathname


def classify(record: logging.LogRecord, origin: str | None = None) -> Problem:
    """The component a record is about: the hook, guardrail or tool its traceback went through, else where
    agno logged it from (``origin``: the logging call's file, outside agno's log helpers)."""
    message = record.getMessage().strip().splitlines()[0] if record.getMessage().strip() else record.levelname
    exc = record.exc_info[1] if record.exc_info else None
    if exc is not None:
        message = f"{message}: {type(exc).__name__}: {exc}"
    component = _component_of_path(origin or record.pathname) or ("MCP" if record.name.startswith(("mcp", "fastmcp"))
                                                        else "agent")
    name = ""
    frames = _tb_frames(record.exc_info[2]) if record.exc_info else []
    hook = _HOOK_MESSAGE.match(record.getMessage())
    if component == "hook" or hook:
        component = "hook"
        kind = f"{hook.group(1).lower()}-hook #{hook.group(2)}" if hook else "hook"
        called = None
        for i, frame in enumerate(frames):  # the frame after agno's hook runner is the hook itself
            if _component_of_path(frame.f_code.co_filename) == "hook" and i + 1 < len(frames):
                called = frames[i + 1]
        guardrail = next((f for f in frames if _component_of_path(f.f_code.co_filename) == "guardrail"), None)
        if guardrail is None and called is not None and any(
                c.__name__ == "BaseGuardrail" for c in type(called.f_locals.get("self", None)).__mro__):
            guardrail = called
        if guardrail is not None:
            component, name = "guardrail", f"{_owner_name(guardrail)} ({kind})"
        elif called is not None:
            module = called.f_globals.get("__name__", "?")
            name = f"{kind} {called.f_code.co_name} ({module})"
        else:
            name = kind
    elif component in ("storage", "MCP", "model", "tool"):
        owners = [_owner_name(f) for f in frames if _component_of_path(f.f_code.co_filename) == component]
        name = next((o for o in owners if o), "")
    return Problem(component=component, name=name, level=record.levelname, message=one_line(message),
                   run=CURRENT_RUN.get())


class _Collector(logging.Handler):
    def __init__(self, run_log: RunLog) -> None:
        super().__init__(level=logging.WARNING)
        self.run_log = run_log

    def emit(self, record: logging.LogRecord) -> None:
        try:
            problem = classify(record, _origin(record, sys._getframe(1)))
        except Exception:  # never let classification break the user's logging
            problem = Problem("agent", "", record.levelname, one_line(str(record.msg)), CURRENT_RUN.get())
        with self.run_log._lock:
            problem.provoked = self.run_log.provoking > 0 or problem.run in self.run_log.provoked_runs
            self.run_log.problems.append(problem)


class RunCounter:
    """ASGI middleware: numbers each run request (``POST .../runs``) so log records carry their run."""

    def __init__(self, app: Any, run_log: RunLog) -> None:
        self.app = app
        self.run_log = run_log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("method") != "POST" or \
                not str(scope.get("path", "")).rstrip("/").endswith("/runs"):
            await self.app(scope, receive, send)
            return
        number = self.run_log.next_run()
        if self.run_log.provoking:
            with self.run_log._lock:
                self.run_log.provoked_runs.add(number)

        async def send_status(message: dict[str, Any]) -> None:
            # counted when the answer starts (the client may read it before this request's context ends);
            # a 4xx was refused before the agent ran
            if message.get("type") == "http.response.start" and not 400 <= int(message.get("status", 500)) < 500:
                with self.run_log._lock:
                    self.run_log.runs.add(number)
            await send(message)

        token = CURRENT_RUN.set(number)
        try:
            await self.app(scope, receive, send_status)
        finally:
            CURRENT_RUN.reset(token)


@contextlib.contextmanager
def _logs_to_stderr() -> Iterator[None]:
    """--debug: agno's own handlers write to stdout; for the run they write to stderr, so stdout stays the
    report's."""
    moved = []
    for name in COLLECTED_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            stream = getattr(handler, "stream", None)
            if isinstance(handler, logging.StreamHandler) and stream in (sys.stdout, sys.__stdout__):
                moved.append((handler, handler.setStream(sys.stderr)))
    try:
        yield
    finally:
        for handler, stream in moved:
            handler.setStream(stream)


@contextlib.contextmanager
def _collect(run_log: RunLog) -> Iterator[None]:
    # agno first: it keeps its own handler off a logger that already has one (ours), taking it for the user's
    with contextlib.suppress(ImportError):
        import agno.utils.log  # noqa: F401
    collector = _Collector(run_log)
    loggers = [logging.getLogger(name) for name in COLLECTED_LOGGERS]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(collector)


def _flush(*streams: Any) -> None:
    for stream in streams:
        with contextlib.suppress(Exception):
            stream.flush()


class _Forwarding:
    """``sys.stdout``/``sys.stderr`` while sealed: the log file; afterwards the original stream again (a
    handler the user's code bound to it during the run must not write to a closed file)."""

    def __init__(self, target: Any, original: Any) -> None:
        self.target = target
        self.original = original

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)

    def write(self, text: str) -> int:
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def release(self) -> None:
        self.target = self.original


@contextlib.contextmanager
def _capture_fds(run_log: RunLog) -> Iterator[None]:
    """fd 1 and fd 2, and sys.stdout/sys.stderr, into a fresh log file; agno-check's terminal kept aside."""
    global _terminal
    handle, name = tempfile.mkstemp(prefix="agno-check-", suffix=".log")
    run_log.log_path = Path(name)
    old_stdout, old_stderr = sys.stdout, sys.stderr
    _flush(old_stdout, old_stderr)
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    terminal = os.fdopen(os.dup(saved[2]), "w", buffering=1, encoding="utf-8", errors="replace")
    log_stream = os.fdopen(os.dup(handle), "w", buffering=1, encoding="utf-8", errors="replace")
    previous_terminal = _terminal
    try:
        os.dup2(handle, 1)
        os.dup2(handle, 2)
        sys.stdout, sys.stderr = _Forwarding(log_stream, old_stdout), _Forwarding(log_stream, old_stderr)
        _terminal = terminal
        run_log.sealed = True
        yield
    finally:
        _flush(sys.stdout, sys.stderr, log_stream, old_stdout, old_stderr)  # buffered writes land in the log
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, _Forwarding):
                stream.release()
        sys.stdout, sys.stderr = old_stdout, old_stderr
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        _terminal = previous_terminal
        for stream in (log_stream, terminal):
            with contextlib.suppress(Exception):
                stream.close()
        os.close(handle)


@contextlib.contextmanager
def seal(debug: bool) -> Iterator[RunLog]:
    """Seal the process for an in-process run (``debug``: only keep stdout clean, show everything)."""
    run_log = RunLog()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_collect(run_log))
        try:
            if debug:
                stack.enter_context(_logs_to_stderr())
                raise OSError("--debug: nothing is captured")
            stack.enter_context(_capture_fds(run_log))
        except OSError:  # --debug, or no usable fd 1/2 (a daemon without them): keep stdout clean at least
            stack.enter_context(contextlib.redirect_stdout(sys.stderr))
        yield run_log


def log_note(run_log: RunLog) -> str | None:
    """The one line the terminal gets about the log file; None (and the file removed) when it is empty."""
    path = run_log.log_path
    if path is None:
        return None
    text = run_log.log_text()
    if not text.strip():
        with contextlib.suppress(OSError):
            path.unlink()
        run_log.log_path = None
        return None
    lines = text.count("\n") + (not text.endswith("\n"))
    tracebacks = run_log.printed_tracebacks()
    extra = f", {tracebacks} traceback(s)" if tracebacks else ""
    return (f"what agno and the agent printed during the runs ({lines} line(s){extra}) is in {path} "
            "(--debug shows it on the terminal)")

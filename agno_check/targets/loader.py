"""Import the agno Agent or Team an in-process TARGET names: ``package.module:attr`` or ``path/to/file.py:attr``.

Why so careful: this runs the user's code. Whatever goes wrong there (a missing module, an exception at import,
``sys.exit()``, a typo in the attribute) must reach the user as one line and exit 2, with their exception in
it, never as our traceback. Anything their module prints goes to stderr, so ``--format json`` on stdout stays
a clean document.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from agno_check.errors import UsageError

MAX_ERROR_TEXT = 200


def one_line(exc: BaseException) -> str:
    """``ValueError: the first line of the message`` (trimmed), for an error line the user reads."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if len(text) > MAX_ERROR_TEXT:
        text = text[:MAX_ERROR_TEXT] + "…"
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def split_spec(spec: str) -> tuple[str, str]:
    """``"a.b:agent"`` -> ``("a.b", "agent")``; the last colon separates (Windows drive letters keep theirs)."""
    where, sep, attr = spec.rpartition(":")
    if not sep or not where or not attr:
        raise UsageError(f"bad in-process target {spec!r}: expected package.module:agent or path/to/file.py:agent")
    return where, attr


def _ensure_on_path(folder: str) -> None:
    if folder not in sys.path:
        sys.path.insert(0, folder)


def _module_name_for_file(path: Path) -> tuple[str, Path]:
    """The dotted name a file imports as, and the folder to put on sys.path (the parent of its top package).

    ``tests/agents/basic.py`` with ``__init__.py`` in ``tests/`` and ``tests/agents/`` -> ``tests.agents.basic``
    imported from the folder above ``tests/``, so the file's own relative imports work, as with uvicorn.
    """
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    if not all(p.isidentifier() for p in parts):
        return f"agno_check_target_{abs(hash(str(path)))}", path.parent
    return ".".join(parts), folder


def _import_module(where: str, spec: str) -> Any:
    if where.endswith(".py") or "/" in where or os.sep in where:
        path = Path(where).expanduser()
        if not path.is_file():
            raise UsageError(f"in-process target {spec!r}: no such file {where!r}")
        path = path.resolve()
        name, root = _module_name_for_file(path)
        _ensure_on_path(str(root))
        loaded = sys.modules.get(name)
        if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() == path:
            return loaded
        if "." in name:
            return importlib.import_module(name)
        if loaded is not None:  # another module owns the name (``json.py``, ``test.py``): never replace it
            name = f"agno_check_target_{name}_{abs(hash(str(path))):x}"
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise UsageError(f"in-process target {spec!r}: cannot load {where!r} as Python")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module
    _ensure_on_path(os.getcwd())
    return importlib.import_module(where)


class ImportTookTooLong(Exception):  # noqa: N818 - the user's words for what happened
    """Raised into the user's import by a timer when it outlives the run's bound."""


@contextlib.contextmanager
def _bounded(seconds: float | None) -> Any:
    """Interrupt the block after ``seconds`` (a module that hangs at import must not hang agno-check).

    A SIGALRM timer in the main thread: it interrupts Python code and sleeps alike; elsewhere, no bound."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise ImportTookTooLong

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def import_object(spec: str, bound_s: float | None = None) -> Any:
    """The object ``spec`` names; UsageError (exit 2, one line) for every way that can fail, including an
    import that takes longer than ``bound_s``."""
    where, attr = split_spec(spec)
    try:
        with contextlib.redirect_stdout(sys.stderr), _bounded(bound_s):
            module = _import_module(where, spec)
    except UsageError:
        raise
    except ImportTookTooLong:
        raise UsageError(f"importing {where!r} did not finish within {bound_s:g} s (--max-time); does the "
                         "module block at import (a server start, a network call)?") from None
    except ModuleNotFoundError as exc:
        if exc.name and (where == exc.name or where.startswith(exc.name + ".")):
            raise UsageError(f"cannot import {where!r}: no module named {exc.name!r} (run from your project's "
                             "root, or give a file path: path/to/app.py:agent)") from None
        raise UsageError(f"importing {where!r} failed: {one_line(exc)}") from None
    except SystemExit as exc:
        raise UsageError(f"importing {where!r} called sys.exit({exc.code!r})") from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the user's code may raise anything at import time
        raise UsageError(f"importing {where!r} failed: {one_line(exc)}") from None
    value: Any = module
    for i, name in enumerate(attr.split(".")):
        try:
            value = getattr(value, name)
        except AttributeError:
            owner = ".".join([where, *attr.split(".")[:i]]) if i else where
            hint = _candidates(module) if i == 0 else ""
            raise UsageError(f"{owner!r} has no attribute {name!r}{hint}") from None
        except Exception as exc:  # a property that raises
            raise UsageError(f"reading {spec!r} failed: {one_line(exc)}") from None
    return value


def agent_kind(obj: Any) -> str | None:
    """``"agent"``, ``"team"`` or ``"workflow"`` for an agno Agent/Team/Workflow, else None."""
    from agno.agent import Agent
    from agno.team import Team
    from agno.workflow import Workflow

    if isinstance(obj, Team):
        return "team"
    if isinstance(obj, Agent):
        return "agent"
    if isinstance(obj, Workflow):
        return "workflow"
    return None


def _candidates(module: Any) -> str:
    try:
        found = [name for name, value in vars(module).items()
                 if not name.startswith("_") and agent_kind(value) is not None]
    except Exception:
        return ""
    return f" (agno Agent/Team/Workflow objects in it: {', '.join(sorted(found)[:5])})" if found else ""


def load_agent(spec: str, bound_s: float | None = None) -> tuple[Any, str]:
    """The agno Agent, Team or Workflow ``spec`` names, and its kind; UsageError for anything else (an agno
    outside the supported range included)."""
    from agno_check.targets.agno_version import require_supported_agno

    require_supported_agno()
    obj = import_object(spec, bound_s)
    kind = agent_kind(obj)
    if kind is not None:
        return obj, kind
    type_name = f"{type(obj).__module__}.{type(obj).__qualname__}"
    hint = ""
    if type_name.startswith("agno.os"):
        hint = ": point at the Agent or Team you pass to AgentOS, or serve the app and give its URL"
    elif type_name.startswith(("fastapi.", "starlette.")):
        hint = ": serve the app and give its URL, or point at the agno Agent/Team inside it"
    elif callable(obj):
        hint = ": call it in your module and point at the Agent or Team it returns"
    raise UsageError(f"{spec!r} is a {type_name}, not an agno Agent, Team or Workflow{hint}")

"""The egress guard: while an in-process target is open, no connection leaves the allowed networks.

Why: a readiness run sends every probe (1 MiB inputs, injection prompts) through the user's agent, and the
agent's guardrails, hooks and tools carry their own clients: ``OpenAIModerationGuardrail`` calls the provider
with the user's real key whatever the model is, ``MCPTools(url=...)`` dials its server on every run. The README
promises nothing leaves the machine, so every attempt to reach a non-allowed address is refused, recorded
(host, port, what opened it) and reported by ``security.egress``.

How: a Python audit hook (``sys.addaudithook``) sees ``socket.connect``, ``socket.getaddrinfo``,
``socket.sendto`` and the ``gethostby*`` lookups of every thread and raises ``EgressRefused`` (a
``ConnectionRefusedError``, so clients fail the way they fail on a closed port). Audit hooks cannot be removed,
so the hook is installed once and does nothing unless a guard is active; ``asyncio``'s ``getaddrinfo`` is
wrapped while a guard is active, so a name looked up for a coroutine is judged (and attributed) in the
coroutine, not in the anonymous executor thread. What opened a connection is read from the stack: the first
frame that is neither the standard library nor a networking library (a guardrail, an MCP toolkit, a model, a
hook or tool of the user's module, agno's telemetry). C libraries that open their own sockets (libpq under
psycopg's synchronous connections) are not seen by Python's audit events.

The allowed networks are a parameter (``EgressGuard(allowed_networks=...)``, default loopback), so tests make
a second loopback address "outside" and never need a real outside address.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ipaddress
import socket
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: what never leaves the machine
LOOPBACK_NETWORKS: tuple[IPNetwork, ...] = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
#: the networks an in-process run may reach (the in-process target reads this when it opens)
DEFAULT_ALLOWED_NETWORKS: tuple[IPNetwork, ...] = LOOPBACK_NETWORKS
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
#: frames of these modules are plumbing, never "what opened it"
_PLUMBING = ("socket", "ssl", "asyncio", "concurrent", "threading", "selectors", "http.", "urllib", "email",
             "httpx", "httpcore", "httpx2", "httpcore2", "anyio", "h11", "h2", "sniffio", "openai", "requests",
             "urllib3", "aiohttp",
             "websockets", "psycopg", "sqlalchemy", "mcp", "fastmcp", "contextlib", "functools", "agno_check",
             "starlette", "uvicorn", "fastapi", "agno.utils", "tenacity", "backoff", "dns", "aiosqlite",
             "agno.agent._run", "agno.team._run", "typing", "inspect", "importlib", "runpy")
_INET = (socket.AF_INET, socket.AF_INET6)


class EgressRefused(ConnectionRefusedError):
    """A connection agno-check refused because it would have left the machine."""


@dataclass
class EgressAttempt:
    host: str
    port: int | None
    opened_by: str
    count: int = 1
    refused: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "opened_by": self.opened_by, "count": self.count}


def _as_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0].strip("[]"))
    except ValueError:
        return None


def _module_of(frame: Any) -> str:
    return str(frame.f_globals.get("__name__", "") or "")


def _plumbing(module: str) -> bool:
    return any(module == p.rstrip(".") or module.startswith(p if p.endswith(".") else p + ".") for p in _PLUMBING)


def _owner(frame: Any) -> Any:
    return frame.f_locals.get("self")


#: what opened the task a coroutine runs in (set when a guarded loop creates a task), for connections made in a
#: child task (anyio's happy eyeballs) whose own stack ends at the event loop
_TASK_OPENER: contextvars.ContextVar[str | None] = contextvars.ContextVar("agno_check_task_opener", default=None)


def opened_by(frame: Any, limit: int = 80) -> str:
    """What opened a connection: the first frame (innermost first) that is the agent's code or an agno
    component, named by its role when an outer frame says it (a hook, a tool)."""
    user: str | None = None
    while frame is not None and limit > 0:
        limit -= 1
        module = _module_of(frame)
        if module == "asyncio.events" and frame.f_code.co_name == "_run":  # a task's stack ends here
            break
        if not module or _plumbing(module):
            frame = frame.f_back
            continue
        owner = _owner(frame)
        owner_name = type(owner).__name__ if owner is not None else ""
        is_guardrail = owner is not None and any(c.__name__ == "BaseGuardrail" for c in type(owner).__mro__)
        if is_guardrail or module.startswith("agno.guardrails"):
            return f"guardrail {owner_name or module}"
        if module.startswith("agno.tools.mcp"):
            return f"MCP tools {owner_name or 'MCPTools'}"
        if module.startswith("agno.models"):
            return f"model {owner_name or module}"
        if module.startswith("agno.api") or "telemetry" in module:
            return "agno telemetry"
        if module.startswith(("agno.db", "agno.session")):
            return f"storage {owner_name or module}"
        if module.startswith(("agno.knowledge", "agno.vectordb")):
            return f"knowledge {owner_name or module}"
        if module.startswith(("agno.agent._hooks", "agno.team._hooks")):
            return f"hook {user}" if user else "an agno hook"
        if module.startswith(("agno.tools", "agno.agent._tools", "agno.team._tools")):
            return f"tool {user}" if user else f"tool {owner_name or module}"
        if module.startswith("agno."):
            if user:
                return user
            frame = frame.f_back
            continue
        if user is None:
            user = f"{module}.{frame.f_code.co_name}"
        frame = frame.f_back
    return user or _TASK_OPENER.get() or "unknown (a worker thread)"


class EgressGuard:
    """Refuses (or, ``refuse=False``, only records) connections outside ``allowed_networks`` and
    ``allowed_hosts`` while active (``with guard:``)."""

    def __init__(self, allowed_networks: Sequence[IPNetwork] = LOOPBACK_NETWORKS,
                 allowed_hosts: Iterable[str] = (), refuse: bool = True) -> None:
        self.allowed_networks = tuple(allowed_networks)
        self.allowed_hosts = {h.strip().lower().rstrip(".") for h in allowed_hosts if h.strip()}
        self.allowed_host_networks = tuple(n for n in (self._network(h) for h in self.allowed_hosts) if n)
        self.refuse = refuse
        self._allowed_ips: set[str] = set()
        self._attempts: dict[tuple[str, int | None, str], EgressAttempt] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        #: names judged in a coroutine (recorded there), whose lookup an executor thread now runs
        self._prejudged: dict[str, int] = {}

    @staticmethod
    def _network(host: str) -> IPNetwork | None:
        try:
            return ipaddress.ip_network(host, strict=False)
        except ValueError:
            return None

    def attempts(self) -> list[EgressAttempt]:
        with self._lock:
            return sorted(self._attempts.values(), key=lambda a: (-a.count, a.host, a.port or 0))

    def allowed(self, host: str) -> bool:
        """Whether ``host`` (a name or an address) may be reached."""
        name = host.strip().lower().rstrip(".")
        if not name:
            return True
        ip = _as_ip(name)
        if ip is None:
            if name in _LOCAL_NAMES or name.endswith(".localhost") or name in self.allowed_hosts:
                return True
            with contextlib.suppress(OSError):
                if name == socket.gethostname().lower():  # the machine's own name: its address is judged next
                    return True
            return False
        if getattr(ip, "ipv4_mapped", None) is not None:
            ip = ip.ipv4_mapped
        if ip.is_unspecified:  # 0.0.0.0 / :: : a local bind (or this machine), never another host
            return True
        return (any(ip in net for net in self.allowed_networks)
                or any(ip in net for net in self.allowed_host_networks) or str(ip) in self._allowed_ips)

    def judge(self, host: Any, port: Any, frame: Any, *, lookup: str = "") -> None:
        """Record and (unless only recording) refuse a connection or lookup that would leave the machine.
        ``lookup``: "coroutine" when asyncio's getaddrinfo judges it, "thread" for the audit event of the
        lookup itself (judged once: the coroutine's frames say who asked)."""
        if host is None:
            return
        host = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
        if lookup == "thread":
            with self._lock:
                if self._prejudged.get(host):
                    self._prejudged[host] -= 1
                    return
        if self.allowed(host):
            if host.strip().lower().rstrip(".") in self.allowed_hosts:
                self._learn(host)
            return
        try:
            port_number: int | None = int(port) if port not in (None, "") else None
        except (TypeError, ValueError):
            port_number = None
        who = opened_by(frame)
        key = (host, port_number, who)
        with self._lock:
            if key in self._attempts:
                self._attempts[key].count += 1
            else:
                self._attempts[key] = EgressAttempt(host, port_number, who, refused=self.refuse)
            if lookup == "coroutine" and not self.refuse:
                self._prejudged[host] = self._prejudged.get(host, 0) + 1
        if self.refuse:
            where = f"{host}:{port_number}" if port_number is not None else host
            raise EgressRefused(111, f"agno-check refused a connection to {where} opened by {who}: in-process runs "
                                     "stay on this machine (--allow-egress HOST lets one host through)")

    def _learn(self, host: str) -> None:
        """An --allow-egress name: its addresses are allowed too (looked up once, outside the guard)."""
        if getattr(self._local, "busy", False):
            return
        self._local.busy = True
        try:
            for info in socket.getaddrinfo(host, None):
                self._allowed_ips.add(str(info[4][0]).split("%", 1)[0])
        except OSError:
            pass
        finally:
            self._local.busy = False

    def busy(self) -> bool:
        return bool(getattr(self._local, "busy", False))

    def __enter__(self) -> EgressGuard:
        activate(self)
        return self

    def __exit__(self, *exc: object) -> None:
        deactivate(self)


_active: EgressGuard | None = None
_installed = False
_original_getaddrinfo: Any = None
_original_create_task: Any = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    guard = _active
    if guard is None or not event.startswith("socket.") or guard.busy():
        return
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in _INET and isinstance(address, tuple) and address:
            guard.judge(address[0], address[1] if len(address) > 1 else None, sys._getframe(1))
    elif event == "socket.getaddrinfo":
        guard.judge(args[0], args[1], sys._getframe(1), lookup="thread")
    elif event in ("socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        guard.judge(args[0], None, sys._getframe(1))


async def _guarded_getaddrinfo(self: Any, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    guard = _active
    if guard is not None:
        guard.judge(host, port, sys._getframe(0), lookup="coroutine")  # here the caller's coroutines are on the stack
    return await _original_getaddrinfo(self, host, port, *args, **kwargs)


def _guarded_create_task(self: Any, coro: Any, *args: Any, context: Any = None, **kwargs: Any) -> Any:
    context = context if context is not None else contextvars.copy_context()
    if _active is not None:
        who = opened_by(sys._getframe(1))
        if not who.startswith("unknown"):
            context.run(_TASK_OPENER.set, who)
    return _original_create_task(self, coro, *args, context=context, **kwargs)


def activate(guard: EgressGuard) -> None:
    global _active, _installed, _original_getaddrinfo, _original_create_task
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True
    if _active is not None and _active is not guard:
        raise RuntimeError("another egress guard is active")
    _active = guard
    if _original_getaddrinfo is None:
        _original_getaddrinfo = asyncio.base_events.BaseEventLoop.getaddrinfo
        asyncio.base_events.BaseEventLoop.getaddrinfo = _guarded_getaddrinfo  # type: ignore[method-assign]
        _original_create_task = asyncio.base_events.BaseEventLoop.create_task
        asyncio.base_events.BaseEventLoop.create_task = _guarded_create_task  # type: ignore[method-assign]


def deactivate(guard: EgressGuard) -> None:
    global _active, _original_getaddrinfo, _original_create_task
    if _active is guard:
        _active = None
    if _original_getaddrinfo is not None:
        asyncio.base_events.BaseEventLoop.getaddrinfo = _original_getaddrinfo  # type: ignore[method-assign]
        asyncio.base_events.BaseEventLoop.create_task = _original_create_task  # type: ignore[method-assign]
        _original_getaddrinfo = _original_create_task = None


@contextlib.contextmanager
def guarded(allowed_networks: Sequence[IPNetwork] | None = None, allowed_hosts: Iterable[str] = (),
            refuse: bool = True) -> Iterator[EgressGuard]:
    """``with guarded(...) as guard:``; ``allowed_networks`` defaults to ``DEFAULT_ALLOWED_NETWORKS`` (read
    now, so a test's policy applies)."""
    guard = EgressGuard(DEFAULT_ALLOWED_NETWORKS if allowed_networks is None else allowed_networks,
                        allowed_hosts, refuse)
    with guard:
        yield guard

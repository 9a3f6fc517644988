"""``SimControl``: drive a running ``agno-check sim-llm`` through its HTTP control API (``/_sim/...``).

Why a client of its own: ``reliability.upstream_faults`` needs a handle on the model upstream to inject faults.
In the demo and for in-process agents that handle is the ``SimServer`` agno-check started itself; with
``--sim-control URL`` it is a sim-llm the user's staging agent talks to, somewhere else. ``SimControl`` has the
same methods the check uses (``set_faults``, ``clear_faults``, ``stats``), so the check cannot tell them apart.

Calls are synchronous and short (a few seconds at most); a failure is a ``TargetError`` naming the sim, so the
check reports "could not reach the sim control API" as its own status, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from agno_check.errors import TargetError, TargetUnreachable, UsageError

CONTROL_TIMEOUT_S = 5.0


def _loopback(host: str) -> bool:
    from agno_check.targets.http import is_loopback

    return is_loopback(host)


class SimControl:
    """The control API of a simulated LLM at ``url`` (``http://host:8900``; a trailing ``/v1`` is accepted)."""

    def __init__(self, url: str) -> None:
        url = url.strip().rstrip("/")
        if url.endswith("/v1"):
            url = url[: -len("/v1")]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--sim-control {url!r}: expected the sim-llm's URL, e.g. http://127.0.0.1:8900")
        self.url = url
        self._trust_env = not _loopback(parts.hostname)

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    def set_faults(self, *rules: Any, seed: int | None = None, **rule: Any) -> dict[str, Any]:
        """Replace the fault profile, as ``SimServer.set_faults``: rule objects, dicts or CLI strings."""
        items: list[Any] = []
        for item in (*rules, rule) if rule else rules:
            if hasattr(item, "model_dump"):
                item = item.model_dump(exclude_none=True)
            items.append(dict(item) if isinstance(item, Mapping) else item)
        return self._call("POST", "/_sim/faults", {"rules": items, "seed": seed})

    def clear_faults(self) -> None:
        self._call("DELETE", "/_sim/faults")

    def faults(self) -> dict[str, Any]:
        """The fault profile in force (queued rules carry ``remaining``), as ``GET /_sim/faults``."""
        return self._call("GET", "/_sim/faults")

    def stats(self, recent: int = 200) -> dict[str, Any]:
        return self._call("GET", f"/_sim/stats?recent={recent}")

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        import httpx

        try:
            with httpx.Client(base_url=self.url, timeout=CONTROL_TIMEOUT_S, trust_env=self._trust_env) as client:
                response = client.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise TargetUnreachable(f"cannot reach the sim control API at {self.url}: "
                                    f"{exc.__class__.__name__}: {exc}") from None
        if response.status_code == 422:
            detail = (response.json() or {}).get("detail", response.text) if _is_json(response) else response.text
            raise ValueError(str(detail))
        if response.status_code != 200 or not _is_json(response):
            raise TargetError(f"{method} {self.url}{path} answered HTTP {response.status_code}: is {self.url} an "
                              "agno-check sim-llm?")
        return response.json()


def _is_json(response: Any) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def restorable_rules(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rules of a ``GET /_sim/faults`` answer as ``set_faults`` takes them: a queued rule keeps only the
    requests it still had to apply to; a used-up one is dropped."""
    rules = []
    for rule in view.get("rules") or []:
        rule = dict(rule)
        remaining = rule.pop("remaining", None)
        if rule.get("next") is not None:
            if not remaining:
                continue
            rule["next"] = remaining
        rules.append(rule)
    return rules


@contextlib.asynccontextmanager
async def faults_restored(sim: Any) -> AsyncIterator[None]:
    """Inject faults inside the block; afterwards the sim's fault profile is what it was before (a user's own
    profile on a shared sim-llm survives the check), or cleared when it had none."""
    before = await asyncio.to_thread(sim.faults) if hasattr(sim, "faults") else {}
    try:
        yield
    finally:
        rules = restorable_rules(before)
        with contextlib.suppress(Exception):  # best effort: the sim may be gone, and a finding is on its way
            if rules:
                await asyncio.to_thread(sim.set_faults, *rules, seed=before.get("seed"))
            else:
                await asyncio.to_thread(sim.clear_faults)

"""The simulated OpenAI-compatible model server: the model upstream of the demo, the tests and fault checks.

Modules: ``naive`` (what the model answers), ``profiles`` (latency and fault profiles and their CLI grammar),
``state`` (fault scheduling and stats), ``chat`` (the ``/v1/chat/completions`` endpoint, raw ASGI so it can
drop connections), ``server`` (``create_app`` and the ``SimServer`` helper).

``SimServer`` and ``create_app`` are imported lazily so that ``import agno_check.sim`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SimServer", "create_app", "LatencyProfile", "FaultProfile", "FaultRule"]


def __getattr__(name: str) -> Any:
    if name in ("SimServer", "create_app"):
        from agno_check.sim import server

        return getattr(server, name)
    if name in ("LatencyProfile", "FaultProfile", "FaultRule"):
        from agno_check.sim import profiles

        return getattr(profiles, name)
    raise AttributeError(name)

"""Sweeps: ``--users 1,10,50`` (closed model) or ``--rate 1,5,10`` (open model), one step per value.

Each step runs for the warm-up plus ``--duration`` and then stops gracefully (turns in flight finish), so every
turn belongs to exactly one step; the next step starts fresh users whose session ids carry the step
(``agno-check-load-s<step>-...``), so a server can count each step's requests itself. The report has a row per
step (``steps``, the same metrics as the top level) and its top level describes the last step, as GuideLLM's
and AIPerf's sweeps do. ``--find-max`` is the adaptive cousin (it needs an SLO); a sweep measures what it is told.
"""

from __future__ import annotations

import math
from typing import Any

from agno_check.load.plan import LoadPlan


def apply_step(plan: LoadPlan, user_classes: list[type], label: dict[str, Any], index: int, dispatchers: int,
               max_in_flight: int) -> int:
    """Set the plan (and this process's user classes) for step ``index``; the number of Locust users to run."""
    plan.step = index
    if "rate" in label:
        plan.rate_per_dispatcher = float(label["rate"]) / dispatchers
        plan.max_in_flight = max(1, math.ceil(max_in_flight / dispatchers))
    for cls in user_classes:
        if hasattr(cls, "step"):
            cls.step = index
            if "rate" in label:
                cls.rate_per_dispatcher, cls.max_in_flight = plan.rate_per_dispatcher, plan.max_in_flight
    return dispatchers if "rate" in label else int(label["users"])


def load_of(label: dict[str, Any]) -> float:
    """The x of a step in the report's charts: its users, or its arrival rate."""
    return float(label.get("users", label.get("rate", 0)))

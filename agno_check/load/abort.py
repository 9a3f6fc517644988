"""``--abort-on "error_rate>0.5"``: stop a run early when a condition holds (k6's ``abortOnFail``).

Evaluated every second once ``--abort-grace`` (default 10 s) is over, on the last ``window_s`` seconds of the
timeline (not the whole run: a target that dies after a good start must be caught in seconds, not after its
good minutes are outweighed). The conditions use the SLO grammar (``p95>5000``, ``error_rate>0.5``); a metric
with no samples in the window does not trigger. Stopping does not wait for turns in flight, writes the partial
report with the reason (``aborted``) and fails the gate (exit 1).
"""

from __future__ import annotations

from typing import Any

from agno_check.load.metrics import Aggregate
from agno_check.slo import Slo


def judge_abort(conditions: list[Slo], recent: list[tuple[float, Aggregate]], now: float, window_s: float,
                streamed: bool) -> dict[str, Any] | None:
    """The first condition that holds over the window ending ``now``, as ``{"expr", "observed", "window_s"}``."""
    inside = [(end, window) for end, window in recent if end > now - window_s]
    if not inside:
        return None
    merged = Aggregate()
    for _, window in inside:
        merged.merge(window)
    values = merged.slo_values(min(window_s, now), streamed)
    for condition in conditions:
        observed = values.get(condition.metric)
        if condition.holds(observed):
            return {"expr": condition.expr, "observed": observed, "window_s": window_s}
    return None

"""Exact percentiles over raw samples (no buckets), shared by readiness checks and load reports."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None for no samples."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def distribution(values: Sequence[float], quantiles: Sequence[int] = (50, 90, 95, 99)) -> dict[str, float] | None:
    """mean, pNN and max in milliseconds, rounded to 0.1 ms; None when there is nothing to describe."""
    if not values:
        return None
    result = {"mean": round(sum(values) / len(values), 1)}
    for q in quantiles:
        result[f"p{q}"] = round(percentile(values, q) or 0.0, 1)
    result["max"] = round(max(values), 1)
    return result

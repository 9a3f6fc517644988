"""``--baseline load.json --max-regression 20%``: compare this run with an earlier load report (k6/CI style).

Four numbers are compared: latency p95, TTFT p95, error rate and throughput (requests/s). A regression is a
change for the worse past the bound: latency or TTFT p95 up by more than ``max_regression`` percent,
throughput down by more than it, the error rate up by more than it *and* by at least 0.1 percentage point (an
error rate going from 0.00% to 0.01% is noise, not a regression; from 0 anything above 0.1% counts). A metric
missing on either side (a run that did not stream has no TTFT) is shown and not judged. The old report is read
before any traffic: an unreadable file is exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agno_check.errors import UsageError

ERROR_RATE_FLOOR = 0.001
#: (name, label, how to read it from a report, True when higher is worse)
COMPARED: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("p95", "latency p95 (ms)", ("latency_ms", "p95"), True),
    ("ttft_p95", "TTFT p95 (ms)", ("ttft_ms", "p95"), True),
    ("error_rate", "error rate", ("error_rate",), True),
    ("rps", "throughput (req/s)", ("rps",), False),
)


def read_baseline(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--baseline {path}: file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"--baseline {path}: not a readable JSON load report ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != "agno-check/load/v1":
        raise UsageError(f"--baseline {path}: not an agno-check load report (schema agno-check/load/v1)")
    return data


def _value(report: dict[str, Any], keys: tuple[str, ...]) -> float | None:
    value: Any = report
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compare(old: dict[str, Any], new: dict[str, Any], max_regression_pct: float, path: str) -> dict[str, Any]:
    """The report's ``baseline`` object: every compared metric with old, new, change in % and the verdict."""
    rows = []
    for name, label, keys, higher_is_worse in COMPARED:
        before, after = _value(old, keys), _value(new, keys)
        change = None
        if before is not None and after is not None and before != 0:
            change = round((after - before) / before * 100.0, 1)
        regressed = False
        if before is not None and after is not None:
            if name == "error_rate":
                regressed = after - before >= ERROR_RATE_FLOOR and (before == 0 or change > max_regression_pct)
            elif higher_is_worse:
                regressed = change is not None and change > max_regression_pct
            else:
                regressed = change is not None and -change > max_regression_pct
        rows.append({"metric": name, "label": label, "old": before, "new": after, "change_pct": change,
                     "regressed": regressed})
    return {"file": path, "max_regression_pct": max_regression_pct, "metrics": rows,
            "regressed": any(r["regressed"] for r in rows)}


def reasons(comparison: dict[str, Any]) -> list[str]:
    bound = comparison["max_regression_pct"]
    out = []
    for r in comparison["metrics"]:
        if r["regressed"]:
            change = "" if r["change_pct"] is None else f" ({r['change_pct']:+g}%)"
            out.append(f"baseline: {r['label']} {_fmt(r['old'])} -> {_fmt(r['new'])}{change}, past the "
                       f"{bound:g}% bound")
    return out


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def rows(comparison: dict[str, Any]) -> list[tuple[str, str, str, str, bool]]:
    """(label, old, new, change, regressed) for the renderers."""
    out = []
    for r in comparison["metrics"]:
        change = "—" if r["change_pct"] is None else f"{r['change_pct']:+.1f}%"
        out.append((r["label"], _fmt(r["old"]), _fmt(r["new"]), change, r["regressed"]))
    return out

"""Time grammar of the load options: ``--duration 90s|2m|1h30m``, ``--think-time 1-3s``, ``--stages 30s:10,60s:50``.

Pure standard library, so settings (readiness's ``--load-duration`` too) can validate with it at start-up.
Errors are ``ValueError`` with one readable sentence; the settings layer turns them into exit 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str | float | int, *, what: str = "duration") -> float:
    """Seconds from ``90``, ``90s``, ``1.5m``, ``1h30m``, ``500ms``; a bare number is seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text).strip().lower().replace(" ", "")
        try:
            value = float(raw)
        except ValueError:
            position, value = 0, 0.0
            for match in _PART.finditer(raw):
                if match.start() != position:
                    break
                value += float(match.group(1)) * _UNIT_S[match.group(2)]
                position = match.end()
            if position != len(raw) or not raw:
                raise ValueError(f"bad {what} {text!r}: expected e.g. 30s, 2m, 1h30m or seconds") from None
    if value < 0:
        raise ValueError(f"bad {what} {text!r}: must not be negative")
    return value


def parse_range(text: str, *, what: str = "think time") -> tuple[float, float]:
    """``2s`` -> (2, 2); ``1-3s`` or ``1s-3s`` -> (1, 3): seconds, the unit of the last part applies to both."""
    raw = str(text).strip().lower().replace(" ", "")
    low, sep, high = raw.partition("-")
    if not sep:
        value = parse_duration(raw, what=what)
        return value, value
    unit = re.search(r"(ms|s|m|h)$", high)
    if unit and not re.search(r"(ms|s|m|h)$", low):
        low += unit.group(1)
    first, second = parse_duration(low, what=what), parse_duration(high, what=what)
    if second < first:
        raise ValueError(f"bad {what} {text!r}: the range must go from low to high")
    return first, second


@dataclass(frozen=True)
class Stage:
    """Ramp linearly from the previous stage's users to ``users`` over ``duration_s``."""

    duration_s: float
    users: int


def parse_stages(text: str) -> list[Stage]:
    """``30s:10,60s:50,30s:0``: each stage ramps (linearly) to its user count over its duration."""
    stages: list[Stage] = []
    for part in [p.strip() for p in str(text).split(",") if p.strip()]:
        duration, sep, users = part.partition(":")
        if not sep:
            raise ValueError(f"bad stage {part!r}: expected DURATION:USERS, e.g. 30s:10")
        try:
            count = int(users)
        except ValueError:
            raise ValueError(f"bad stage {part!r}: the user count {users!r} is not a whole number") from None
        if count < 0:
            raise ValueError(f"bad stage {part!r}: the user count must not be negative")
        stages.append(Stage(parse_duration(duration, what=f"stage duration in {part!r}"), count))
    if not stages:
        raise ValueError("bad --stages: expected DURATION:USERS[,DURATION:USERS...], e.g. 30s:10,60s:50,30s:0")
    if sum(s.duration_s for s in stages) <= 0:
        raise ValueError("bad --stages: the stages last no time at all")
    return stages


def stage_users(stages: list[Stage], elapsed_s: float) -> int | None:
    """Users wanted ``elapsed_s`` into the run; None once every stage is over."""
    previous = 0
    start = 0.0
    for stage in stages:
        end = start + stage.duration_s
        if elapsed_s < end:
            if stage.duration_s <= 0:
                return stage.users
            fraction = (elapsed_s - start) / stage.duration_s
            return round(previous + (stage.users - previous) * fraction)
        previous, start = stage.users, end
    return None

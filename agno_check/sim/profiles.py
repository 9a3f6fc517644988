"""Latency and fault profiles of the simulated LLM, and the small string grammar the CLI uses for them.

Why profiles are data (pydantic models) and not code: the same profile travels through three doors — the
``sim-llm`` command's options, the control API's JSON (``/_sim/latency``, ``/_sim/faults``) and Python
callers (``SimServer.set_faults``) — and each door must validate it the same way. Every field that takes a
distribution or a token range also accepts the CLI string, so ``{"ttft": "uniform:100ms-300ms"}`` is as valid
in JSON as on the command line.

Grammar (also in ``agno-check sim-llm --help``)::

    DURATION  := NUMBER [ms|s|m]          bare numbers are seconds: 200ms, 0.2s, 1.5
    TTFT      := DURATION                 fixed
               | fixed:DURATION
               | uniform:DURATION-DURATION  (a unit on the upper bound alone applies to both: 100-300ms)
               | lognormal:median=DURATION[,sigma=NUMBER]   (sigma defaults to 0.5)
    TPS       := NUMBER | fixed:NUMBER | uniform:NUMBER-NUMBER | lognormal:median=NUMBER,sigma=NUMBER
    TOKENS    := N | N-M                  output length in tokens (words), fixed or uniform in [N, M]
    FAULT     := KIND[:PARAM[,PARAM...]]  KIND alone applies to every request
    KIND      := 429 | 500 | 503 | hang | reset | broken_stream
    PARAM     := RATE (0.2 or 20%) | rate=RATE | next=N | retry_after=DURATION | hang=DURATION | after=N
"""

from __future__ import annotations

import math
import random
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_TTFT_S = 60.0  # a TTFT above this is a typo (``--ttft 200`` meant 200ms), not a profile
MAX_HANG_S = 300.0  # nothing the simulator does lasts longer than this
MIN_TPS = 1.0  # a sampled rate below this is raised to it, so a stream always ends
MAX_TOKENS = 100_000

FaultKind = Literal["429", "500", "503", "hang", "reset", "broken_stream"]
FAULT_KINDS: tuple[str, ...] = ("429", "500", "503", "hang", "reset", "broken_stream")

_DURATION = re.compile(r"^\s*(?P<num>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>ms|s|m)?\s*$", re.I)
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}
_PARAMS = {"fixed": ("value",), "uniform": ("low", "high"), "lognormal": ("median", "sigma")}


class Distribution(BaseModel):
    """A random quantity >= 0: ``fixed`` (value), ``uniform`` (low, high), ``lognormal`` (median, sigma).

    Unit-free: seconds for a TTFT, tokens per second for a rate. Lognormal because real model latencies are
    right-skewed: most requests near the median, a long tail of slow ones.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["fixed", "uniform", "lognormal"] = "fixed"
    value: float | None = Field(default=None, ge=0)
    low: float | None = Field(default=None, ge=0)
    high: float | None = Field(default=None, ge=0)
    median: float | None = Field(default=None, gt=0)
    sigma: float | None = Field(default=None, ge=0, le=3)

    @model_validator(mode="after")
    def _params_match_kind(self) -> Distribution:
        needed = _PARAMS[self.kind]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} distribution needs {' and '.join(missing)}")
        extra = [n for names in _PARAMS.values() for n in names if n not in needed and getattr(self, n)]
        if extra:
            raise ValueError(f"a {self.kind} distribution takes no {', '.join(extra)}")
        if self.kind == "uniform" and self.low > self.high:  # type: ignore[operator]
            raise ValueError(f"uniform low {self.low} is above high {self.high}")
        return self

    def sample(self, rng: random.Random) -> float:
        """One draw from ``rng``."""
        if self.kind == "fixed":
            return float(self.value)  # type: ignore[arg-type]
        if self.kind == "uniform":
            return rng.uniform(self.low, self.high)  # type: ignore[arg-type]
        return rng.lognormvariate(math.log(self.median), self.sigma)  # type: ignore[arg-type]

    @property
    def typical(self) -> float:
        """What a profile limit is checked against: the fixed value, the uniform upper bound, the median."""
        typical = {"fixed": self.value, "uniform": self.high, "lognormal": self.median}[self.kind]
        return float(typical)  # type: ignore[arg-type]


class TokenRange(BaseModel):
    """How many tokens (words) a filler answer has: uniform in ``[min, max]``; equal bounds fix it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: int = Field(ge=1, le=MAX_TOKENS)
    max: int = Field(ge=1, le=MAX_TOKENS)

    @model_validator(mode="after")
    def _ordered(self) -> TokenRange:
        if self.min > self.max:
            raise ValueError(f"token range {self.min}-{self.max} is reversed")
        return self

    def as_tuple(self) -> tuple[int, int]:
        return self.min, self.max


class LatencyProfile(BaseModel):
    """How fast the simulated model answers: TTFT (s), then tokens at ``tps`` per second; answer length.

    ``seed``, when set, reseeds the latency random stream when the profile is applied.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttft: Distribution = Distribution(kind="fixed", value=0.2)
    tps: Distribution = Distribution(kind="fixed", value=50.0)
    output_tokens: TokenRange = TokenRange(min=30, max=30)
    seed: int | None = None

    @field_validator("ttft", mode="before")
    @classmethod
    def _ttft_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_distribution(value, duration=True)
        if isinstance(value, int | float):
            return Distribution(kind="fixed", value=value)
        return value

    @field_validator("tps", mode="before")
    @classmethod
    def _tps_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_distribution(value, duration=False)
        if isinstance(value, int | float):
            return Distribution(kind="fixed", value=value)
        return value

    @field_validator("output_tokens", mode="before")
    @classmethod
    def _tokens_from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_token_range(value)
        if isinstance(value, int):
            return TokenRange(min=value, max=value)
        return value

    @model_validator(mode="after")
    def _sane(self) -> LatencyProfile:
        if self.ttft.typical > MAX_TTFT_S:
            raise ValueError(
                f"a TTFT of {self.ttft.typical:g} s is over the {MAX_TTFT_S:g} s limit "
                "(bare numbers are seconds: write 200ms for milliseconds)"
            )
        if self.tps.typical <= 0:
            raise ValueError("tokens per second must be above 0")
        return self

    def sample_ttft(self, rng: random.Random) -> float:
        return min(max(self.ttft.sample(rng), 0.0), MAX_HANG_S)

    def sample_tps(self, rng: random.Random) -> float:
        return max(self.tps.sample(rng), MIN_TPS)


class FaultRule(BaseModel):
    """One fault: ``kind``, applied to a fraction (``rate``) of requests or to the ``next`` N requests.

    ``retry_after`` (s) is the 429's Retry-After; ``hang_s`` caps a hang so nothing waits forever;
    ``after_tokens`` is how many tokens a broken stream sends before the connection drops (default: half).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FaultKind
    rate: float | None = Field(default=None, gt=0, le=1)
    next: int | None = Field(default=None, ge=1)
    retry_after: float = Field(default=1.0, ge=0, le=3600)
    hang_s: float = Field(default=MAX_HANG_S, gt=0, le=MAX_HANG_S)
    after_tokens: int | None = Field(default=None, ge=0)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_alias(cls, value: Any) -> Any:
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return value.strip().lower().replace("-", "_")
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_rate(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("rate") is None and data.get("next") is None:
            return {**data, "rate": 1.0}
        return data

    @model_validator(mode="after")
    def _one_selector(self) -> FaultRule:
        if self.rate is not None and self.next is not None:
            raise ValueError("a fault takes a rate or next=N, not both")
        return self


class FaultProfile(BaseModel):
    """The faults in force. Queued rules (``next``) are served first, in order; rate rules share the rest.

    ``seed``, when set, reseeds the fault random stream when the profile is applied.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[FaultRule] = Field(default_factory=list)
    seed: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_shorthands(cls, data: Any) -> Any:
        """Accept a single rule object, a list of rules, or a list of CLI fault strings."""
        if isinstance(data, list):
            data = {"rules": data}
        elif isinstance(data, dict) and "kind" in data:
            data = {"rules": [data]}
        if isinstance(data, dict) and isinstance(data.get("rules"), list):
            data = {**data, "rules": [parse_fault(r) if isinstance(r, str) else r for r in data["rules"]]}
        return data

    @model_validator(mode="after")
    def _rates_fit(self) -> FaultProfile:
        total = sum(rule.rate or 0 for rule in self.rules)
        if total > 1 + 1e-9:
            raise ValueError(f"fault rates add up to {total:g}, more than 1")
        return self


# ---------------------------------------------------------------------------------------------- grammar


def parse_duration(text: str) -> float:
    """``"200ms"`` -> 0.2; ``"1.5"`` -> 1.5 (bare numbers are seconds); ``"2m"`` -> 120."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration; write e.g. 200ms, 0.2s or 1.5 (seconds)")
    unit = match.group("unit").lower() if match.group("unit") else None
    return float(match.group("num")) * _UNIT_S[unit]


def _parse_number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{text!r} must be a finite number >= 0")
    return number


def parse_distribution(text: str, *, duration: bool) -> Distribution:
    """Parse ``VALUE``, ``fixed:VALUE``, ``uniform:LOW-HIGH`` or ``lognormal:median=M,sigma=S``.

    With ``duration=True`` values are durations (converted to seconds), else plain numbers.
    """
    value_of = parse_duration if duration else _parse_number
    kind, _, spec = text.strip().partition(":")
    if not spec:
        kind, spec = "fixed", kind
    kind = kind.strip().lower()
    if kind == "fixed":
        return Distribution(kind="fixed", value=value_of(spec))
    if kind == "uniform":
        low, sep, high = spec.partition("-")
        if not sep:
            raise ValueError(f"uniform needs LOW-HIGH, e.g. uniform:100ms-300ms; got {spec!r}")
        if duration:
            low_match, high_match = _DURATION.match(low), _DURATION.match(high)
            if low_match and high_match and high_match.group("unit") and not low_match.group("unit"):
                low = low + high_match.group("unit")  # 100-300ms means 100ms-300ms
        return Distribution(kind="uniform", low=value_of(low), high=value_of(high))
    if kind == "lognormal":
        params: dict[str, str] = {}
        for part in spec.split(","):
            key, eq, value = part.partition("=")
            if not eq:
                raise ValueError(f"lognormal takes median=...,sigma=...; got {part!r}")
            params[key.strip().lower()] = value.strip()
        unknown = set(params) - {"median", "sigma"}
        if unknown or "median" not in params:
            raise ValueError("lognormal takes median=VALUE and optionally sigma=NUMBER (default 0.5)")
        median, sigma = value_of(params["median"]), _parse_number(params.get("sigma", "0.5"))
        return Distribution(kind="lognormal", median=median, sigma=sigma)
    raise ValueError(f"unknown distribution {kind!r}; use fixed, uniform or lognormal")


def parse_token_range(text: str) -> TokenRange:
    """``"40"`` -> exactly 40 tokens; ``"20-60"`` -> uniform in [20, 60]."""
    low, sep, high = text.strip().partition("-")
    try:
        lo = int(low)
        hi = int(high) if sep else lo
    except ValueError:
        raise ValueError(f"{text!r} is not a token count; write N or N-M, e.g. 40 or 20-60") from None
    return TokenRange(min=lo, max=hi)


def _parse_rate(text: str) -> float:
    text = text.strip()
    rate = _parse_number(text[:-1]) / 100 if text.endswith("%") else _parse_number(text)
    if not 0 < rate <= 1:
        raise ValueError(f"a fault rate must be in (0, 1] (or a percentage); got {text!r}")
    return rate


def parse_fault(text: str) -> FaultRule:
    """Parse a fault: ``429:0.2``, ``500:next=3``, ``429:20%,retry_after=2``, ``hang:next=1,hang=30s``."""
    kind, _, spec = text.strip().partition(":")
    kind = kind.strip().lower().replace("-", "_")
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; use one of {', '.join(FAULT_KINDS)}")
    fields: dict[str, Any] = {"kind": kind}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, eq, value = part.partition("=")
        key = key.strip().lower()
        if not eq:
            fields["rate"] = _parse_rate(part)
        elif key == "rate":
            fields["rate"] = _parse_rate(value)
        elif key == "next":
            if not value.strip().isdigit() or int(value) < 1:
                raise ValueError(f"next= takes a whole number >= 1; got {value!r}")
            fields["next"] = int(value)
        elif key in ("retry_after", "retry-after"):
            fields["retry_after"] = parse_duration(value)
        elif key in ("hang", "hang_s"):
            fields["hang_s"] = parse_duration(value)
        elif key in ("after", "after_tokens"):
            if not value.strip().isdigit():
                raise ValueError(f"after= takes a whole number of tokens; got {value!r}")
            fields["after_tokens"] = int(value)
        else:
            raise ValueError(f"unknown fault parameter {key!r}; use rate, next, retry_after, hang or after")
    return FaultRule(**fields)


def error_text(exc: Exception) -> str:
    """One readable line for a profile error: pydantic's messages without their boilerplate."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for error in errors():
            where = ".".join(str(p) for p in error.get("loc", ()))
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            given = error.get("input")
            if isinstance(given, str | int | float) and str(given) not in message:
                message += f" (got {given!r})"
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return str(exc)

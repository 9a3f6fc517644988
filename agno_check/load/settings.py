"""``LoadSettings``: everything `agno-check load` takes, layered like readiness (flags > env > config file).

Durations, ranges and stages are validated here (exit 2 with one line, before any traffic); combinations that
cannot work together (``--rate`` with ``--stages``) are refused by ``check_combinations``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from agno_check.errors import UsageError
from agno_check.load.timespec import parse_duration, parse_range, parse_stages
from agno_check.settings import CommaList, CommonSettings, split_commas


def parse_sweep(text: str, option: str, kind: type) -> list[Any]:
    """``1,10,50`` -> [1, 10, 50]: each step a positive number."""
    values: list[Any] = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        try:
            value = kind(part)
        except ValueError:
            raise ValueError(f"bad --{option} {text!r}: {part!r} is not a number") from None
        if value <= 0:
            raise ValueError(f"bad --{option} {text!r}: every step must be above 0")
        values.append(value)
    if len(values) < 2:
        raise ValueError(f"bad --{option} {text!r}: a sweep needs at least two steps, e.g. 1,10,50")
    return values


def _plain(parse: Any, value: str) -> Any:
    """Our own sentence as the error (pydantic would prefix a ValueError with "Value error, ")."""
    try:
        return parse(value)
    except ValueError as exc:
        raise PydanticCustomError("bad_value", str(exc)) from None


class LoadSettings(CommonSettings):
    """Target, protocol and output options come from CommonSettings; the load model and distribution here."""

    users: int = Field(10, ge=1, le=100_000)
    #: --users 1,10,50 / --rate 1,5,10: a sweep, one step per value (``users``/``rate`` hold the last step)
    sweep_users: list[int] | None = None
    sweep_rates: list[float] | None = None
    #: users started per second; "all" (or the default) starts every user in one batch at the start
    spawn_rate: float | Literal["all"] | None = None
    duration: float = Field(60.0, gt=0, le=7 * 86400)
    stream: bool = False
    prompts: str | None = None
    turns: int = Field(1, ge=1, le=1000)
    think_time: str | None = None
    rate: float | None = Field(None, gt=0, le=1_000_000)
    stages: str | None = None
    find_max: bool = False
    max_users: int = Field(1000, ge=1, le=100_000)
    step_duration: float = Field(10.0, gt=0, le=86400)
    stop_timeout: float = Field(10.0, ge=0, le=3600)
    workers: int = Field(1, ge=1, le=256)
    master: bool = False
    expect_workers: int | None = Field(None, ge=1, le=1000)
    worker: bool = False
    master_host: str | None = None
    master_port: int = Field(5557, ge=1, le=65535)
    master_bind_host: str = "*"
    scenario: str | None = None
    csv: str | None = None
    html: str | None = None
    #: workload (issue 14)
    output_tokens: int | None = Field(None, ge=1, le=1_000_000)
    input_tokens: int | None = Field(None, ge=1, le=200_000)
    prompt_seed: int = 0
    warmup: float = Field(0.0, ge=0, le=86400)
    goodput: str | None = None
    requests_out: str | None = None
    requests_out_content: bool = False
    abort_on: CommaList = Field(default_factory=list)
    abort_grace: float = Field(10.0, ge=0, le=86400)
    respect_retry_after: bool = False
    tokens_file: str | None = None
    baseline: str | None = None
    max_regression: float = Field(20.0, gt=0, le=10_000)

    @model_validator(mode="before")
    @classmethod
    def _sweeps(cls, data: Any) -> Any:
        """``--users 1,10,50`` and ``--rate 1,5,10`` are sweeps: the list is kept, the field holds the last step."""
        if not isinstance(data, dict):
            return data
        for key, target, kind in (("users", "sweep_users", int), ("rate", "sweep_rates", float)):
            value = data.get(key)
            if isinstance(value, list | tuple):  # a config file's users = [1, 10, 50]
                value = ",".join(str(v) for v in value) + ("," if len(value) == 1 else "")
            if isinstance(value, str) and "," in value:
                data[target] = _plain(lambda v, k=key, t=kind: parse_sweep(v, k, t), value)
                data[key] = data[target][-1]
        return data

    @field_validator("spawn_rate", mode="before")
    @classmethod
    def _spawn_rate(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() == "all":
            return "all"
        return value

    @field_validator("warmup", "abort_grace", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        return _plain(parse_duration, value) if isinstance(value, str) else value

    @field_validator("max_regression", mode="before")
    @classmethod
    def _percent(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().removesuffix("%")
            try:
                return float(text)
            except ValueError:
                raise PydanticCustomError("bad_value", f"expected a percentage such as 20%, got {value!r}") from None
        return value

    @field_validator("abort_on", mode="before")
    @classmethod
    def _split_abort(cls, value: Any) -> Any:
        return split_commas(value)

    def spawn_rate_for(self, users: int) -> float:
        """Users per second for Locust: a number as given, else every user in one batch."""
        return float(users) if self.spawn_rate in (None, "all") else float(self.spawn_rate)

    def start_up(self, users: int) -> str:
        """How users are started, in words, for the report."""
        rate = self.spawn_rate
        if rate in (None, "all"):
            return f"all {users} users at once (one batch at the start)"
        seconds = users / float(rate)
        return f"{float(rate):g} users/s ({users} users over {seconds:.1f} s)"

    @field_validator("duration", "step_duration", "stop_timeout", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return _plain(parse_duration, value) if isinstance(value, str) else value

    @field_validator("think_time")
    @classmethod
    def _think_time(cls, value: str | None) -> str | None:
        if value is not None:
            _plain(parse_range, value)
        return value

    @field_validator("stages")
    @classmethod
    def _stages(cls, value: str | None) -> str | None:
        if value is not None:
            _plain(parse_stages, value)
        return value

    def think_range(self) -> tuple[float, float] | None:
        return parse_range(self.think_time) if self.think_time else None

    def check_combinations(self) -> None:
        """Options that exclude each other; one line, exit 2."""
        models = [name for name, on in (("--rate", self.rate is not None), ("--stages", self.stages is not None),
                                        ("--find-max", self.find_max)) if on]
        if len(models) > 1:
            raise UsageError(f"{' and '.join(models)} choose different load models: give one of them")
        if self.find_max and not self.slo:
            raise UsageError("--find-max needs at least one --slo to know when the load no longer holds "
                             "(e.g. --slo p95<2000)")
        if self.worker and self.master:
            raise UsageError("--worker and --master exclude each other")
        if self.worker and not self.master_host:
            raise UsageError("--worker needs --master-host (the machine running `agno-check load --master`)")
        if self.master and self.workers > 1:
            raise UsageError("--master waits for remote workers (--expect-workers N); --workers N starts local "
                             "ones: give one of them")
        if self.expect_workers is not None and not self.master:
            raise UsageError("--expect-workers only makes sense with --master")
        if self.rate is not None and self.turns > 1:
            raise UsageError("--rate sends independent arrivals; --turns (multi-turn sessions) needs the closed "
                             "model (--users)")
        if self.stream and self.profile != "auto":
            from agno_check.targets.profiles import get_protocol, protocols

            if not get_protocol(self.profile).can_stream:
                streaming = [name for name, cls in protocols().items() if cls.can_stream]
                raise UsageError(f"--stream: the {self.profile} profile does not stream (use {', '.join(streaming)})")
        sweep = [name for name, on in (("--users 1,10,...", self.sweep_users), ("--rate 1,5,...", self.sweep_rates))
                 if on]
        if sweep and (self.stages or self.find_max or len(sweep) > 1):
            raise UsageError(f"{sweep[0]} is a sweep: it excludes --stages, --find-max and the other sweep")
        if self.sweep_users and self.rate:
            raise UsageError("--users 1,10,... sweeps the closed model; --rate sends arrivals: give one of them")
        if self.prompts and self.input_tokens:
            raise UsageError("--prompts and --input-tokens both say what users send: give one of them")
        if self.requests_out_content and not self.requests_out:
            raise UsageError("--requests-out-content needs --requests-out FILE")
        if self.tokens_file and (self.token is not None or any(
                h.split(":", 1)[0].strip().lower() == "authorization" for h in self.header)):
            raise UsageError("--tokens-file gives each user its own credential: it excludes --token and an "
                             "Authorization --header")

    def echo(self) -> dict[str, Any]:
        echoed = super().echo()
        for key in ("master_host", "master_port", "master_bind_host", "worker", "message", "requests_out_content"):
            echoed.pop(key, None)
        return echoed

"""``LoadSettings``: everything `agno-check load` takes, layered like readiness (flags > env > config file).

Durations, ranges and stages are validated here (exit 2 with one line, before any traffic); combinations that
cannot work together (``--rate`` with ``--stages``) are refused by ``check_combinations``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from agno_check.errors import UsageError
from agno_check.load.timespec import parse_duration, parse_range, parse_stages
from agno_check.settings import CommonSettings


def _plain(parse: Any, value: str) -> Any:
    """Our own sentence as the error (pydantic would prefix a ValueError with "Value error, ")."""
    try:
        return parse(value)
    except ValueError as exc:
        raise PydanticCustomError("bad_value", str(exc)) from None


class LoadSettings(CommonSettings):
    """Target, protocol and output options come from CommonSettings; the load model and distribution here."""

    users: int = Field(10, ge=1, le=100_000)
    spawn_rate: float | None = Field(None, gt=0, le=100_000)
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

    def echo(self) -> dict[str, Any]:
        echoed = super().echo()
        for key in ("master_host", "master_port", "master_bind_host", "worker", "message"):
            echoed.pop(key, None)
        return echoed

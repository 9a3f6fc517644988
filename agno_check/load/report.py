"""The load report (``agno-check/load/v1``): one pydantic model; the SLO verdicts and ``passed`` are decided here
once, and every renderer (rich, JSON, Markdown, JUnit, HTML) is a pure function of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from agno_check import __version__
from agno_check.load.metrics import Aggregate
from agno_check.report.model import known_profile
from agno_check.slo import Slo

#: what a load report's ``profile`` may say beside the registered protocols
LOAD_EXTRA_PROFILES = ("inprocess", "scenario")


class Tool(BaseModel):
    name: Literal["agno-check"] = "agno-check"
    version: str = __version__


class Dist(BaseModel):
    mean: float
    p50: float
    p90: float
    p95: float
    p99: float
    max: float


class ItlDist(BaseModel):
    mean: float
    p50: float
    p95: float


class ErrorKind(BaseModel):
    kind: str
    count: int = Field(ge=1)
    example: str = ""


class SloVerdict(BaseModel):
    expr: str
    observed: float | None
    passed: bool


class LoadReport(BaseModel):
    schema_: Literal["agno-check/load/v1"] = Field("agno-check/load/v1", alias="schema")
    tool: Tool = Field(default_factory=Tool)
    target: str
    #: a registered protocol's name, "inprocess" or "scenario" (``report_profiles``)
    profile: str
    stream: bool
    users: int = Field(ge=0)
    spawn_rate: float | None = None
    duration_s: float = Field(ge=0)
    workers: int = Field(1, ge=1)
    requests: int = Field(ge=0)
    failures: int = Field(ge=0)
    error_rate: float = Field(ge=0, le=1)
    rps: float = Field(ge=0)
    latency_ms: Dist | None
    ttft_ms: Dist | None
    itl_ms: ItlDist | None
    output_tokens_per_s: float | None = Field(ge=0)
    #: all output tokens of successful streamed turns (``usage`` when reported, else content chunks)
    output_tokens: int | None = None
    errors: list[ErrorKind]
    slo: list[SloVerdict]
    passed: bool
    timeline: list[dict[str, Any]]
    settings: dict[str, Any] = Field(default_factory=dict)
    started_at: datetime | None = None
    #: Ctrl-C stopped the run; everything above is what was measured before it (exit 130)
    interrupted: bool = False
    #: why the gate failed, in words
    reasons: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    #: --rate: arrivals started, and those that started late (every slot busy, or the generator behind)
    open_model: dict[str, Any] | None = None
    #: --find-max: the steps and the highest load that held
    find_max: dict[str, Any] | None = None

    model_config = {"populate_by_name": True}

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str) -> str:
        return known_profile(value, LOAD_EXTRA_PROFILES)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)

    @property
    def succeeded(self) -> int:
        return self.requests - self.failures


def verdicts(slos: list[Slo], values: dict[str, float | None]) -> list[SloVerdict]:
    return [SloVerdict(expr=s.expr, observed=values.get(s.metric), passed=s.holds(values.get(s.metric)))
            for s in slos]


def build_report(*, target: str, profile: str, streamed: bool, users: int, spawn_rate: float | None,
                 total: Aggregate, duration_s: float, workers: int, slos: list[Slo],
                 timeline: list[dict[str, Any]], settings: dict[str, Any], started_at: datetime | None,
                 interrupted: bool, notes: list[str], redact: Any = None,
                 find_max: dict[str, Any] | None = None, find_max_values: dict[str, float | None] | None = None,
                 open_model: dict[str, Any] | None = None) -> LoadReport:
    """``find_max_values``: with --find-max the SLOs are judged on the highest step that held (or the first step
    when none held), not on the whole stepped run."""
    values = total.slo_values(duration_s, streamed)
    latency = total.latency.dist()
    ttft = total.ttft.dist() if streamed else None
    itl = None
    if streamed and total.itl.n:
        itl = ItlDist(mean=round(total.itl.mean() or 0.0, 2), p50=round(total.itl.percentile(50) or 0.0, 2),
                      p95=round(total.itl.percentile(95) or 0.0, 2))
    scrub = redact or (lambda text: text)
    errors = [ErrorKind(kind=kind, count=count, example=scrub(example))
              for kind, (count, example) in sorted(total.errors.items(), key=lambda kv: -kv[1][0])]
    slo = verdicts(slos, find_max_values if find_max_values is not None else values)
    reasons = [f"{v.expr}: observed {'nothing (no samples)' if v.observed is None else f'{v.observed:g}'}"
               for v in slo if not v.passed]
    if find_max is not None and find_max.get("max_users") is None:
        reasons.append("find-max: not even the first step held the SLOs")
    elif total.requests - total.failures <= 0:
        reasons.append("no request succeeded" if total.requests else "no request was made")
    return LoadReport(
        target=target, profile=profile, stream=streamed, users=users, spawn_rate=spawn_rate,
        duration_s=round(duration_s, 3), workers=workers, requests=total.requests, failures=total.failures,
        error_rate=round(total.failures / total.requests, 6) if total.requests else 0.0,
        rps=round(total.requests / duration_s, 2) if duration_s > 0 else 0.0,
        latency_ms=Dist(**latency) if latency else None, ttft_ms=Dist(**ttft) if ttft else None, itl_ms=itl,
        output_tokens_per_s=values["tokens_per_s"],
        output_tokens=total.output_tokens if values["tokens_per_s"] is not None else None,
        errors=errors, slo=slo, passed=not reasons,
        timeline=timeline, settings=settings, started_at=started_at, interrupted=interrupted,
        reasons=reasons, notes=[scrub(n) for n in notes], find_max=find_max, open_model=open_model,
    )

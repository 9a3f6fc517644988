"""The load report (``agno-check/load/v1``): one pydantic model; the SLO verdicts and ``passed`` are decided here
once, and every renderer (rich, JSON, Markdown, JUnit, HTML) is a pure function of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agno_check import __version__
from agno_check.load.metrics import Aggregate
from agno_check.report.model import v1_profile
from agno_check.slo import Slo

#: the v1 contract's ``profile`` enum (load-v1.schema.json), fixed; the exact protocol is ``protocol``
LoadProfile = Literal["agentos", "openai", "json", "inprocess", "scenario"]
#: the ``protocol`` names a load report may carry beside the registered protocols, with their ``profile``
LOAD_EXTRA_PROTOCOLS = {"inprocess": "inprocess", "scenario": "scenario"}


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
    """Per request, (last token time - first token time) / (output tokens - 1); then over requests."""

    mean: float
    p50: float
    p95: float
    p90: float | None = None
    p99: float | None = None
    max: float | None = None


class Goodput(BaseModel):
    slo: list[str]
    good_requests: int = Field(ge=0)
    fraction: float | None
    per_s: float | None


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
    #: the v1 contract's family (``LoadProfile``); ``protocol`` says exactly what was spoken
    profile: LoadProfile
    #: a registered protocol's name, "inprocess" or "scenario"; optional in the schema, set by ``build_report``
    protocol: str | None = None
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
    #: issue 14 (report-schema.md "Additions")
    ttst_ms: Dist | None = None
    gap_ms: Dist | None = None
    goodput: Goodput | None = None
    warmup_s: float | None = None
    warmup_requests: int | None = None
    start_up: str | None = None
    probe: dict[str, Any] | None = None
    steps: list[dict[str, Any]] | None = None
    baseline: dict[str, Any] | None = None
    aborted: dict[str, Any] | None = None
    requests_out: dict[str, Any] | None = None

    model_config = {"populate_by_name": True}

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)

    @property
    def spoken(self) -> str:
        """What the renderers show: the exact protocol (``protocol``), or the v1 ``profile`` of a report read
        from a file that has none."""
        return self.protocol or self.profile

    @property
    def succeeded(self) -> int:
        return self.requests - self.failures


def verdicts(slos: list[Slo], values: dict[str, float | None]) -> list[SloVerdict]:
    return [SloVerdict(expr=s.expr, observed=values.get(s.metric), passed=s.holds(values.get(s.metric)))
            for s in slos]


def _itl(hist: Any) -> ItlDist | None:
    if not hist.n:
        return None
    return ItlDist(mean=round(hist.mean() or 0.0, 2), **{f"p{q}": round(hist.percentile(q) or 0.0, 2)
                                                           for q in (50, 90, 95, 99)}, max=round(hist.max, 2))


def metric_fields(total: Aggregate, duration_s: float, streamed: bool, goodput: list[str] | None,
                  scrub: Any = None) -> dict[str, Any]:
    """The metrics of one span (the run, or a sweep step), as the report's top-level fields."""
    scrub = scrub or (lambda text: text)
    values = total.slo_values(duration_s, streamed)
    latency = total.latency.dist()
    ttft = total.ttft.dist() if streamed else None
    ttst = total.ttst.dist() if streamed else None
    gaps = total.gaps.dist() if streamed else None
    errors = [ErrorKind(kind=kind, count=count, example=scrub(example))
              for kind, (count, example) in sorted(total.errors.items(), key=lambda kv: -kv[1][0])]
    return {
        "duration_s": round(duration_s, 3), "requests": total.requests, "failures": total.failures,
        "error_rate": round(total.failures / total.requests, 6) if total.requests else 0.0,
        "rps": round(total.requests / duration_s, 2) if duration_s > 0 else 0.0,
        "latency_ms": Dist(**latency) if latency else None, "ttft_ms": Dist(**ttft) if ttft else None,
        "ttst_ms": Dist(**ttst) if ttst else None, "gap_ms": Dist(**gaps) if gaps else None,
        "itl_ms": _itl(total.itl) if streamed else None,
        "output_tokens_per_s": values["tokens_per_s"],
        "output_tokens": total.output_tokens if values["tokens_per_s"] is not None else None,
        "goodput": Goodput(slo=goodput, good_requests=total.good, fraction=values["goodput"],
                           per_s=values["goodput_per_s"]) if goodput else None,
        "errors": errors,
    }


def step_dict(label: dict[str, Any], total: Aggregate, duration_s: float, streamed: bool,
              goodput: list[str] | None, slos: list[Slo], scrub: Any = None) -> dict[str, Any]:
    """One sweep step: its load (users or rate), the same metrics as the top level, and its SLO verdicts."""
    fields = metric_fields(total, duration_s, streamed, goodput, scrub)
    values = total.slo_values(duration_s, streamed)
    row = {**label, **{k: (v.model_dump() if isinstance(v, BaseModel) else
                           [e.model_dump() for e in v] if k == "errors" else v) for k, v in fields.items()}}
    row["slo"] = [v.model_dump() for v in verdicts(slos, values)]
    return row


def build_report(*, target: str, profile: str, streamed: bool, users: int, spawn_rate: float | None,
                 total: Aggregate, duration_s: float, workers: int, slos: list[Slo],
                 timeline: list[dict[str, Any]], settings: dict[str, Any], started_at: datetime | None,
                 interrupted: bool, notes: list[str], redact: Any = None,
                 find_max: dict[str, Any] | None = None, find_max_values: dict[str, float | None] | None = None,
                 open_model: dict[str, Any] | None = None, goodput: list[str] | None = None,
                 extra: dict[str, Any] | None = None, extra_reasons: list[str] | None = None) -> LoadReport:
    """``find_max_values``: with --find-max the SLOs are judged on the highest step that held (or the first step
    when none held), not on the whole stepped run. ``total``/``duration_s``: the measured span (after the
    warm-up; the last step of a sweep). ``extra``: the issue-14 fields (probe, steps, baseline, aborted...).
    ``profile``: the exact protocol name (the report's ``protocol``); the v1 ``profile`` is derived from it."""
    values = total.slo_values(duration_s, streamed)
    scrub = redact or (lambda text: text)
    fields = metric_fields(total, duration_s, streamed, goodput, scrub)
    slo = verdicts(slos, find_max_values if find_max_values is not None else values)
    reasons = [f"{v.expr}: observed {'nothing (no samples)' if v.observed is None else f'{v.observed:g}'}"
               for v in slo if not v.passed]
    if find_max is not None and find_max.get("max_users") is None:
        reasons.append("find-max: not even the first step held the SLOs")
    elif total.requests - total.failures <= 0:
        reasons.append("no request succeeded" if total.requests else "no request was made")
    reasons += extra_reasons or []
    return LoadReport(
        target=target, profile=v1_profile(profile, LOAD_EXTRA_PROTOCOLS), protocol=profile, stream=streamed,
        users=users, spawn_rate=spawn_rate, workers=workers,
        **fields, slo=slo, passed=not reasons,
        timeline=timeline, settings=settings, started_at=started_at, interrupted=interrupted,
        reasons=reasons, notes=[scrub(n) for n in notes], find_max=find_max, open_model=open_model,
        **(extra or {}),
    )

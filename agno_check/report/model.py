"""The readiness report (``agno-check/readiness/v1``): one pydantic model; score and gate are computed here once.

Every renderer is a pure function of this model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agno_check import __version__

Status = Literal["pass", "warn", "fail", "skip", "error"]
CREDIT = {"pass": 1.0, "warn": 0.5, "fail": 0.0, "error": 0.0}
SEVERITY_WEIGHT = {"critical": 10, "high": 5, "medium": 3, "low": 1}
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
CATEGORIES = ("configuration", "performance", "reliability", "security")


class Tool(BaseModel):
    name: Literal["agno-check"] = "agno-check"
    version: str = __version__


class CheckResult(BaseModel):
    id: str
    category: Literal["configuration", "performance", "reliability", "security"]
    title: str
    status: Status
    severity: Literal["critical", "high", "medium", "low"]
    duration_ms: float = Field(0.0, ge=0)
    detail: str
    evidence: dict[str, Any] | None = None
    remediation: str | None = None


class CategorySummary(BaseModel):
    score: float | None
    passed: int = 0
    warned: int = 0
    failed: int = 0
    skipped: int = 0
    errored: int = 0


class Gate(BaseModel):
    passed: bool
    fail_under: float | None = None
    fail_on: str | None = None
    reasons: list[str] = Field(default_factory=list)


def weighted_score(results: list[CheckResult]) -> float | None:
    """Weighted credit over counted (non-skipped) checks, 0-100; None when nothing was counted."""
    counted = [r for r in results if r.status != "skip"]
    total = sum(SEVERITY_WEIGHT[r.severity] for r in counted)
    if not total:
        return None
    credit = sum(SEVERITY_WEIGHT[r.severity] * CREDIT[r.status] for r in counted)
    return round(100.0 * credit / total, 1)


def summarise(results: list[CheckResult]) -> CategorySummary:
    counts = {s: sum(1 for r in results if r.status == s) for s in ("pass", "warn", "fail", "skip", "error")}
    return CategorySummary(score=weighted_score(results), passed=counts["pass"], warned=counts["warn"],
                           failed=counts["fail"], skipped=counts["skip"], errored=counts["error"])


def decide_gate(results: list[CheckResult], score: float | None, fail_under: float | None,
                fail_on: str | None) -> Gate:
    reasons: list[str] = []
    if score is None:
        reasons.append("no check was counted (every check skipped): nothing measured, nothing passed")
    elif fail_under is not None and score < fail_under:
        reasons.append(f"score {score:g} is below --fail-under {fail_under:g}")
    if fail_on and fail_on != "none":
        floor = SEVERITY_RANK[fail_on]
        bad = [r for r in results if r.status in ("fail", "error") and SEVERITY_RANK[r.severity] >= floor]
        for r in bad:
            reasons.append(f"{r.id} ({r.severity}) {'failed' if r.status == 'fail' else 'could not run'}")
    return Gate(passed=not reasons, fail_under=fail_under, fail_on=fail_on, reasons=reasons)


class ReadinessReport(BaseModel):
    schema_: Literal["agno-check/readiness/v1"] = Field("agno-check/readiness/v1", alias="schema")
    tool: Tool = Field(default_factory=Tool)
    target: str
    profile: Literal["agentos", "openai", "json", "inprocess"]
    started_at: datetime
    duration_ms: float = Field(ge=0)
    score: float = Field(ge=0, le=100)
    gate: Gate
    categories: dict[str, CategorySummary]
    checks: list[CheckResult]
    settings: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    #: Ctrl-C stopped the run; the checks above are what was measured before it (exit 130)
    interrupted: bool = False
    #: with ``interrupted``: the selected checks that had not finished (the schema's statuses have no
    #: "interrupted", so they are listed here rather than in ``checks``)
    interrupted_checks: list[str] = Field(default_factory=list)

    model_config = {"populate_by_name": True}

    @classmethod
    def build(cls, *, target: str, profile: str, started_at: datetime, duration_ms: float,
              results: list[CheckResult], fail_under: float | None, fail_on: str | None,
              settings: dict[str, Any] | None = None, notes: list[str] | None = None) -> ReadinessReport:
        score = weighted_score(results)
        categories = {c: summarise([r for r in results if r.category == c]) for c in CATEGORIES
                      if any(r.category == c for r in results)}
        return cls(target=target, profile=profile, started_at=started_at, duration_ms=round(duration_ms, 1),
                   score=score if score is not None else 0.0,
                   gate=decide_gate(results, score, fail_under, fail_on), categories=categories,
                   checks=results, settings=settings or {}, notes=notes or [])

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)

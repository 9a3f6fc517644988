"""The readiness report (``agno-check/readiness/v1``): one pydantic model; score and gate are computed here once.

Every renderer is a pure function of this model.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agno_check import __version__

Status = Literal["pass", "warn", "fail", "skip", "error"]
CREDIT = {"pass": 1.0, "warn": 0.5, "fail": 0.0, "error": 0.0}
SEVERITY_WEIGHT = {"critical": 10, "high": 5, "medium": 3, "low": 1}
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
CATEGORIES = ("configuration", "performance", "reliability", "security")
#: the v1 contract's ``profile`` enum (readiness-v1.schema.json), fixed: "v1 stays v1", so a newer protocol
#: reports its family here and its exact name in the optional ``protocol`` field
ReadinessProfile = Literal["agentos", "openai", "json", "inprocess"]
#: the ``protocol`` names a readiness report may carry beside the registered protocols, with their ``profile``:
#: an in-process agent, and a directory-only (``project``) run, which agno-check read in its own process with no
#: protocol at all (so ``inprocess``)
READINESS_EXTRA_PROTOCOLS = {"inprocess": "inprocess", "project": "inprocess"}


def v1_profile(protocol: str, extra: dict[str, str]) -> str:
    """The v1 ``profile`` of a protocol name: a registered protocol's ``report_profile``, else ``extra``'s."""
    from agno_check.targets.profiles import protocols

    registered = protocols()
    if protocol in registered:
        return registered[protocol].report_profile
    if protocol in extra:
        return extra[protocol]
    raise ValueError(f"protocol {protocol!r} is not one of {', '.join([*registered, *extra])}")


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
    #: a policy entry of the config file that changes how this check counts (``report/policy.py``)
    policy: Literal["ignore", "warn", "fail"] | None = None
    policy_reason: str | None = None
    policy_expires: date | None = None
    #: with ``--baseline``: a finding (fail/warn) already in the baseline is "known", any other "new"
    baseline: Literal["known", "new"] | None = None

    @property
    def counted_status(self) -> Status | None:
        """The status as the score and gate count it: None when ignored by policy; ``warn`` makes a fail count
        as a warn, ``fail`` makes a warn count as a fail."""
        if self.policy == "ignore":
            return None
        if self.policy == "warn" and self.status == "fail":
            return "warn"
        if self.policy == "fail" and self.status == "warn":
            return "fail"
        return self.status


class CategorySummary(BaseModel):
    score: float | None
    passed: int = 0
    warned: int = 0
    failed: int = 0
    skipped: int = 0
    errored: int = 0
    #: checks a policy entry says to ignore (not counted above)
    ignored: int = 0


class Gate(BaseModel):
    passed: bool
    fail_under: float | None = None
    fail_on: str | None = None
    reasons: list[str] = Field(default_factory=list)


def weighted_score(results: list[CheckResult]) -> float | None:
    """Weighted credit over counted (not skipped, not ignored) checks, 0-100; None when nothing was counted."""
    counted = [r for r in results if r.counted_status not in (None, "skip")]
    total = sum(SEVERITY_WEIGHT[r.severity] for r in counted)
    if not total:
        return None
    credit = sum(SEVERITY_WEIGHT[r.severity] * CREDIT[r.counted_status or "skip"] for r in counted)
    return round(100.0 * credit / total, 1)


def summarise(results: list[CheckResult]) -> CategorySummary:
    counted = [r.counted_status for r in results]
    counts = {s: counted.count(s) for s in ("pass", "warn", "fail", "skip", "error")}
    return CategorySummary(score=weighted_score(results), passed=counts["pass"], warned=counts["warn"],
                           failed=counts["fail"], skipped=counts["skip"], errored=counts["error"],
                           ignored=counted.count(None))


class RunFacts(BaseModel):
    """What happened to the run as a whole, beside the checks' statuses; the gate reads these, once."""

    #: the checks selected for the run (fewer results than this: the run stopped early)
    planned: int = 0
    #: Ctrl-C stopped the run
    interrupted: bool = False
    #: the whole run's bound, when a check was stopped (or not started) by it
    max_time_reached_s: float | None = None
    #: the checks an interruption left unfinished
    interrupted_checks: list[str] = Field(default_factory=list)


def decide_gate(results: list[CheckResult], score: float | None, fail_under: float | None,
                fail_on: str | None, facts: RunFacts | None = None) -> Gate:
    """The gate, from the checks and the run's facts: score and severity rules over what counts (policy
    applied, and with a baseline only ``new`` findings: known ones count neither for --fail-on nor in the
    score compared with --fail-under), and every fact of the run that fails it."""
    facts = facts or RunFacts()
    reasons: list[str] = []
    if facts.interrupted:
        reasons.append(f"interrupted after {len(results)} of {facts.planned or len(results)} checks")
    if facts.max_time_reached_s is not None:
        reasons.append(f"the run's bound (--max-time {facts.max_time_reached_s:g} s) was reached before every "
                       "check finished")
    with_baseline = any(r.baseline for r in results)
    gated = [r for r in results if r.baseline != "known"]
    gate_score = weighted_score(gated) if with_baseline else score
    if score is None:
        reasons.append("no check was counted (every check skipped): nothing measured, nothing passed")
    elif fail_under is not None and gate_score is not None and gate_score < fail_under:
        score = gate_score
        known = len(results) - len(gated)
        without = f" (without the {known} known finding(s) of the baseline)" if with_baseline else ""
        reasons.append(f"score {score:g}{without} is below --fail-under {fail_under:g}")
    floor = SEVERITY_RANK[fail_on] if fail_on and fail_on != "none" else None
    for r in gated:
        status = r.counted_status
        if status not in ("fail", "error"):
            continue
        if r.policy == "fail" or (floor is not None and SEVERITY_RANK[r.severity] >= floor):
            why = " (policy: fail)" if r.policy == "fail" and (floor is None or SEVERITY_RANK[r.severity] < floor) \
                else ""
            new = " (new since the baseline)" if r.baseline == "new" else ""
            reasons.append(f"{r.id} ({r.severity}) {'failed' if status == 'fail' else 'could not run'}{why}{new}")
    return Gate(passed=not reasons, fail_under=fail_under, fail_on=fail_on, reasons=reasons)


class BaselineFinding(BaseModel):
    """One finding as a baseline file records it (``report/baseline.py``): no timestamps, no secrets."""

    check: str
    status: Literal["fail", "warn"]
    location: str
    #: check + route or file (the same place, whatever was found there)
    identity: str
    #: identity + status + the normalised detail (the same finding)
    fingerprint: str


class BaselineSummary(BaseModel):
    """``--baseline FILE``: how many findings were known or new, and the baseline's findings now gone."""

    file: str
    known: int = 0
    new: int = 0
    fixed: list[BaselineFinding] = Field(default_factory=list)


class EgressEntry(BaseModel):
    """A connection an in-process run's code tried to open off the machine (refused unless allowed)."""

    host: str
    port: int | None = None
    opened_by: str
    count: int = Field(1, ge=1)


class ReadinessReport(BaseModel):
    schema_: Literal["agno-check/readiness/v1"] = Field("agno-check/readiness/v1", alias="schema")
    tool: Tool = Field(default_factory=Tool)
    target: str
    #: the v1 contract's family (``ReadinessProfile``); ``protocol`` says exactly what was spoken
    profile: ReadinessProfile
    #: a registered protocol's name, "inprocess" (a ``module:agent``) or "project" (a directory, whose
    #: ``profile`` is "inprocess"); optional in the schema, always set by ``build``
    protocol: str | None = None
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
    #: with ``--baseline FILE``: known/new counts and the findings fixed since
    baseline: BaselineSummary | None = None
    #: with ``interrupted``: the selected checks that had not finished (the schema's statuses have no
    #: "interrupted", so they are listed here rather than in ``checks``)
    interrupted_checks: list[str] = Field(default_factory=list)
    #: in-process runs: connections the agent's code tried off the machine (optional; absent for URL targets)
    egress: list[EgressEntry] | None = None

    model_config = {"populate_by_name": True}

    @classmethod
    def build(cls, *, target: str, profile: str, started_at: datetime, duration_ms: float,
              results: list[CheckResult], fail_under: float | None, fail_on: str | None,
              settings: dict[str, Any] | None = None, notes: list[str] | None = None,
              baseline: BaselineSummary | None = None, facts: RunFacts | None = None) -> ReadinessReport:
        """``profile``: the exact protocol name (``protocol``); the v1 ``profile`` is derived from it."""
        facts = facts or RunFacts(planned=len(results))
        score = weighted_score(results)
        categories = {c: summarise([r for r in results if r.category == c]) for c in CATEGORIES
                      if any(r.category == c for r in results)}
        return cls(target=target, profile=v1_profile(profile, READINESS_EXTRA_PROTOCOLS), protocol=profile,
                   started_at=started_at, duration_ms=round(duration_ms, 1),
                   score=score if score is not None else 0.0,
                   gate=decide_gate(results, score, fail_under, fail_on, facts), categories=categories,
                   checks=results, settings=settings or {}, notes=notes or [], baseline=baseline,
                   interrupted=facts.interrupted, interrupted_checks=facts.interrupted_checks)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2, exclude={"egress"} if self.egress is None else None)

    @property
    def spoken(self) -> str:
        """What the renderers show: the exact protocol (``protocol``), or the v1 ``profile`` of a report read
        from a file that has none."""
        return self.protocol or self.profile

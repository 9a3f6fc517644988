"""Run the readiness engine in-process (no subprocess) for tests that assert per-check verdicts."""

from __future__ import annotations

import asyncio
from typing import Any

from agno_check.readiness import run_readiness
from agno_check.report.model import ReadinessReport
from agno_check.settings import ReadinessSettings, load_settings


def readiness(target: str, sim: Any = None, **flags: Any) -> ReadinessReport:
    settings = load_settings(ReadinessSettings, {"target": target, **flags}, "readiness")
    return asyncio.run(run_readiness(settings, sim=sim))


def statuses(report: ReadinessReport) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


def result(report: ReadinessReport, check_id: str) -> Any:
    return next(c for c in report.checks if c.id == check_id)


def others_failing(report: ReadinessReport, *check_ids: str) -> dict[str, str]:
    """Checks other than ``check_ids`` that failed or errored."""
    return {c: s for c, s in statuses(report).items() if c not in check_ids and s in ("fail", "error")}


def assert_flaw_found(report: ReadinessReport, check_id: str, status: str, cause: str) -> None:
    """The planted flaw is found by its check, with the cause, evidence and a remediation, and by no other."""
    verdict = result(report, check_id)
    assert verdict.status == status, verdict
    assert cause in verdict.detail.lower(), verdict.detail
    assert verdict.remediation and verdict.evidence
    assert not others_failing(report, check_id)

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

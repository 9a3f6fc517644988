"""JSON (``agno-check/readiness/v1``): the report model as the schema defines it, a renderer like the others."""

from __future__ import annotations

from agno_check.report.model import ReadinessReport


def render_json(report: ReadinessReport) -> str:
    return report.to_json()

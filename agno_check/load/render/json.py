"""JSON (``agno-check/load/v1``): the load report as the schema defines it, a renderer like the others."""

from __future__ import annotations

from agno_check.load.report import LoadReport


def render_json(report: LoadReport) -> str:
    return report.to_json()

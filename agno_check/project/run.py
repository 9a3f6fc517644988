"""Readiness with deployment files: a directory TARGET (the deployment checks alone, no server, no preflight)
and ``--project DIR`` beside a URL or module target (the same checks join the run)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agno_check.errors import UsageError
from agno_check.project.model import Project

if TYPE_CHECKING:
    from agno_check.checks.context import CheckContext

#: the report's ``protocol`` for a directory target. Its v1 ``profile`` is "inprocess"
#: (``READINESS_EXTRA_PROTOCOLS``): agno-check read the files in its own process and spoke no protocol, and the
#: contract's enum is fixed, so "project" can only be said in the optional ``protocol`` field
PROFILE = "project"


@dataclass
class ProjectTarget:
    """What the progress display and the report name for a directory target (no HTTP surface)."""

    display: str
    kind: str = "project"
    profile_name: str = PROFILE
    notes: list[str] = field(default_factory=list)


def deployment_specs(specs: list[Any]) -> list[Any]:
    return [s for s in specs if "project" in s.targets]


def load_for(settings: Any, directory: str | None = None) -> Project | None:
    """The project of ``--project`` (or of a directory target), read before any traffic: a DIR with no
    deployment file is exit 2 here."""
    from agno_check.project.load import load_project

    directory = directory or settings.project
    if directory is None:
        if settings.compose_file:
            raise UsageError("--compose-file needs --project DIR (or a directory as TARGET)")
        return None
    return load_project(directory, settings.compose_file)


def attach(ctx: CheckContext, project: Project | None, notes: list[str]) -> None:
    """Give the checks the project (``ctx.project``), and the report the reader's notes (defaults used, files
    not judged)."""
    if project is not None:
        ctx.project = project
        notes.extend(project.notes)


async def run_directory(settings: Any, directory: str, specs: list[Any], chosen_note: str | None,
                        on_start: Callable[[Any, list[Any]], None] | None,
                        on_result: Callable[[Any], None] | None, progress: Any = None, *,
                        adoption: Any = None) -> Any:
    """The deployment checks of ``specs`` against a directory alone. ``adoption``: the policy and baseline
    (``report/adoption.py``), read before the run."""
    from agno_check.checks.context import CheckContext, ProgressHooks
    from agno_check.checks.runner import run_checks
    from agno_check.report.model import ReadinessReport, RunFacts
    from agno_check.targets.opening import redactor_for

    if settings.project and settings.project != directory:
        raise UsageError(f"TARGET {directory!r} is a directory already: drop --project {settings.project!r}, or "
                         "pass a URL or module:agent as TARGET beside --project")
    project = load_for(settings, directory)
    chosen = deployment_specs(specs)
    if not chosen:
        raise UsageError("a directory TARGET runs the deployment checks only, and --only/--skip left none")
    started_at, started = datetime.now(UTC), time.perf_counter()
    opened = ProjectTarget(display=directory, notes=[chosen_note] if chosen_note else [])
    ctx = CheckContext(settings=settings, target=None, redact=redactor_for(settings),  # type: ignore[arg-type]
                       target_kind="project", progress=progress or ProgressHooks())
    attach(ctx, project, opened.notes)
    if on_start:
        on_start(opened, chosen)
    results: list[Any] = []
    interrupted = False
    try:
        await run_checks(ctx, chosen, on_result, results)
    except asyncio.CancelledError:
        interrupted = True
    adopted_notes, baseline = adoption.apply(results) if adoption is not None else ([], None)
    notes = [ctx.redact(n) for n in opened.notes] + adopted_notes
    report = ReadinessReport.build(
        target=directory, profile=PROFILE, started_at=started_at, duration_ms=(time.perf_counter() - started) * 1000,
        results=results, fail_under=settings.fail_under, fail_on=settings.fail_on, settings=settings.echo(),
        notes=notes, baseline=baseline,
        facts=RunFacts(planned=len(chosen), interrupted=interrupted,
                       interrupted_checks=[s.id for s in chosen[len(results):]] if interrupted else []))
    return report

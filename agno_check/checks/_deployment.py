"""What the deployment-file checks share: the project read from ``--project DIR`` (or a DIR target), the
registration of a check that runs on every kind of target, and findings turned into an outcome.

Evidence convention (the SARIF and GitHub-annotation writers read it): ``file`` (relative to the project DIR)
and ``line`` (1-based) of the first finding, and ``findings: [{file, line, message}, ...]`` for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agno_check.checks.outcome import Outcome, SkipCheck, failed, passed, warned
from agno_check.checks.registry import CheckFunc, check

if TYPE_CHECKING:
    from agno_check.checks.context import CheckContext
    from agno_check.project.model import Finding, Project

#: the key of the parsed project in the check context's extras
PROJECT_KEY = "project"
NO_PROJECT = ("no --project DIR: deployment files (Dockerfile, compose, Kubernetes manifests) are judged with "
              "--project DIR, or with a directory as TARGET")


def deployment_check(*, id: str, severity: str, title: str) -> Callable[[CheckFunc], CheckFunc]:  # noqa: A002
    """Register a deployment-file check: it runs beside a URL or module target (with ``--project``) and alone
    for a directory target."""
    return check(id=id, severity=severity, title=title, targets=("http", "inprocess", "project"))


def project_of(ctx: CheckContext) -> Project:
    project = ctx.extras.get(PROJECT_KEY)
    if project is None:
        raise SkipCheck(NO_PROJECT)
    return project


def unreadable(project: Project) -> str:
    """A sentence naming the files that could not be parsed (judged by configuration.deployment_files)."""
    bad = [p.where() for p in project.problems]
    return f"; not read: {', '.join(bad)} (see configuration.deployment_files)" if bad else ""


def nothing_judged(project: Project, what: str) -> str:
    """Why a check had nothing to judge: the compose choice when it explains it, the unreadable files."""
    return (project.compose_choice if project.compose is None and project.compose_choice
            else f"no {what} to judge") + unreadable(project)


def judged_text(project: Project, rels: list[str]) -> str:
    """ "judged Dockerfile, compose.yaml (why that compose file); not judged: compose.dev.yaml (local development)",
    and the files that could not be read."""
    items = [f"{rel} ({project.compose_why})" if project.compose is not None and rel == project.compose.rel else rel
             for rel in dict.fromkeys(rels)]
    text = "judged " + ", ".join(items[:6]) + (f" and {len(items) - 6} more file(s)" if len(items) > 6 else "")
    dev = [c.rel for c in project.composes if c.dev_reason and c is not project.compose]
    compose_judged = project.compose is not None and project.compose.rel in rels
    text += f"; not judged: {', '.join(dev)} (local development)" if dev and compose_judged else ""
    return text + unreadable(project)


def summarise(findings: list[Finding], limit: int = 4) -> str:
    shown = "; ".join(f"{f.where()} {f.message}" for f in findings[:limit])
    more = f"; and {len(findings) - limit} more" if len(findings) > limit else ""
    return shown + more


def evidence_of(findings: list[Finding], **extra: Any) -> dict[str, Any]:
    first = findings[0]
    return {"file": first.file, "line": first.line, "findings": [f.as_dict() for f in findings], **extra}


def verdict(findings: list[Finding], *, bad: str, ok_detail: str, judged: str, remediation: str | None = None,
            warnings: list[Finding] | None = None, **extra: Any) -> Outcome:
    """``bad`` ("fail" or "warn") when there are findings; warn for ``warnings`` alone; else pass.
    ``judged`` (from ``judged_text``) says which files were looked at, so a pass is never silent about its
    evidence."""
    warnings = warnings or []
    if findings:
        everything = findings + warnings
        detail = f"{summarise(findings)} ({judged})"
        builder = failed if bad == "fail" else warned
        return builder(detail, remediation, **evidence_of(everything, **extra))
    if warnings:
        return warned(f"{summarise(warnings)} ({judged})", remediation, **evidence_of(warnings, **extra))
    return passed(f"{ok_detail} ({judged})", judged=judged, **extra)

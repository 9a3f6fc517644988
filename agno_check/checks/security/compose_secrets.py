"""security.compose_secrets: the deployment's credentials are not written into compose files or manifests."""

from __future__ import annotations

import fnmatch

from agno_check.checks._deployment import deployment_check, judged_text, nothing_judged, project_of, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.model import Finding
from agno_check.project.secrets import secret_value_kind


def _gitignored(patterns: list[str], rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(name, p.strip().lstrip("/").removeprefix("**/")) or fnmatch.fnmatch(rel, p.strip())
               for p in patterns if p.strip() and not p.startswith(("#", "!")))


@deployment_check(id="security.compose_secrets", severity="high",
                  title="No plain-text credentials in compose files or manifests")
async def compose_secrets(ctx: CheckContext) -> Outcome:
    """What it checks: the ``environment:`` of every service in the compose file the deployment uses, and the
    ``env:`` of every Kubernetes container, for credentials written as values: secret-named variables with a
    value (``POSTGRES_PASSWORD: pass``), DSNs with a password (``postgresql://app:pass@db/app``), provider key
    shapes, including ``${DB_PASS:-ai}`` whose default is what runs when the variable is unset (reported as a
    default credential). ``${VAR}`` without a default, ``secrets:`` and ``valueFrom.secretKeyRef`` pass; an
    ``env_file:`` that the repository's ``.gitignore`` does not keep out fails. Values are never reported.
    Equivalent: KICS "Passwords And Secrets - Generic Password", checkov CKV_SECRET_* and CKV_K8S_35, trivy's
    secret scanner.

    Why it matters: a compose file lives in the repository: its passwords are readable by everyone with the
    code, end up in CI logs, and are the same on every machine that copies it; tutorial defaults (``ai/ai``,
    ``postgres/postgres``) are the first thing an attacker tries on a published port.

    How to fix: Reference variables without defaults (``POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}``) from an
    env file kept out of git, or use compose ``secrets:`` with the ``*_FILE`` variables the images read
    (``POSTGRES_PASSWORD_FILE: /run/secrets/db_password``); on Kubernetes, ``valueFrom: {secretKeyRef: ...}``.
    Rotate any credential that was committed.
    """
    project = project_of(ctx)
    findings: list[Finding] = []
    judged: list[str] = []
    compose = project.compose
    if compose is not None:
        judged.append(compose.rel)
        gitignore = project.root / ".gitignore"
        ignored = gitignore.read_text(encoding="utf-8", errors="replace").splitlines() if gitignore.is_file() else None
        for service in compose.services:
            if service.dev_reason:
                continue
            for name, value, line in service.environment():
                kind = secret_value_kind(name, value)
                if kind:
                    subs = compose.defaulted(line)
                    origin = (f", by default: ${{{subs[0].variable}:-...}} when {subs[0].variable} is unset"
                              if subs else "")
                    findings.append(Finding(compose.rel, line, f"{service.name}: {name} is {kind}{origin}"))
            env_files = service.get("env_file")
            for entry in env_files if isinstance(env_files, list) else [env_files] if env_files else []:
                path = entry.get("path") if isinstance(entry, dict) else entry
                env_path = compose.path.parent / str(path)
                rel = project.relative(env_path)
                if ignored is not None and env_path.is_file() and not _gitignored(ignored, rel):
                    findings.append(Finding(compose.rel, service.line_of("env_file"),
                                            f"{service.name}: env_file {path} is not in .gitignore (kept in the repo)"))
    for workload in project.workloads:
        judged.append(workload.rel)
        for container in workload.containers:
            for name, value, line in container.environment():
                kind = secret_value_kind(name, value)
                if kind:
                    findings.append(Finding(workload.rel, line, f"{workload.label()}: {name} is {kind}"))
    if not judged:
        return skipped(nothing_judged(project, "compose file or Kubernetes workload"))
    return verdict(findings, bad="fail", ok_detail="credentials come from the environment or secrets",
                   judged=judged_text(project, judged))

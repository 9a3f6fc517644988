"""configuration.base_image_pinned: base and service images carry a version tag or a digest."""

from __future__ import annotations

from agno_check.checks._deployment import deployment_check, judged_text, project_of, unreadable, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.model import Finding


def tag_problem(image: str) -> str | None:
    """Why an image reference is not pinned ("no tag", "the latest tag"), or None."""
    if "@sha256:" in image or image == "scratch" or image.startswith("${"):
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "no tag (it means latest)"
    tag = last.rsplit(":", 1)[1]
    if tag.lower() in ("latest", ""):
        return "the latest tag"
    return None


@deployment_check(id="configuration.base_image_pinned", severity="low",
                  title="Images are pinned to a version tag or digest")
async def base_image_pinned(ctx: CheckContext) -> Outcome:
    """What it checks: every ``FROM`` of the deployed Dockerfiles (stages that start from an earlier stage are
    skipped), every ``image:`` of a compose service that does not build its own, and every Kubernetes container
    image, has a version tag (``python:3.12-slim``) or a digest (``@sha256:...``), not ``latest`` or no tag.
    Equivalent: hadolint DL3006 / DL3007, checkov CKV_DOCKER_7 and CKV_K8S_14, trivy DS001 and KSV013, KICS
    "Image Version Using 'latest'", kube-score ``container-image-tag``.

    Why it matters: ``latest`` moves: the same commit builds a different image next week (a new Python, a new
    PostgreSQL major that will not open the old data directory), and a rollback does not roll back.

    How to fix: Pin a version tag (``FROM python:3.12-slim``, ``image: postgres:16``), or a digest for
    reproducible builds (``FROM python:3.12-slim@sha256:...``), and update it on purpose (Dependabot and Renovate
    both bump Dockerfile and compose tags).
    """
    project = project_of(ctx)
    findings: list[Finding] = []
    judged: list[str] = []
    for dockerfile in project.deployed_dockerfiles:
        judged.append(dockerfile.rel)
        aliases = {s.alias for s in dockerfile.stages if s.alias}
        for stage in dockerfile.stages:
            if stage.image in aliases:
                continue
            why = tag_problem(stage.image)
            if why:
                findings.append(Finding(dockerfile.rel, stage.line, f"FROM {stage.image}: {why}"))
    if project.compose is not None:
        judged.append(project.compose.rel)
        for service in project.compose.services:
            if service.builds or not service.image or service.dev_reason:
                continue
            why = tag_problem(service.image)
            if why:
                findings.append(Finding(project.compose.rel, service.line_of("image"),
                                        f"{service.name}: image {service.image}: {why}"))
    for workload in project.workloads:
        judged.append(workload.rel)
        for container in workload.containers:
            image = str(container.get("image") or "")
            why = tag_problem(image) if image else "no image"
            if why:
                findings.append(Finding(workload.rel, container.line_of("image"),
                                        f"{workload.label()}: image {image}: {why}"))
    if not judged:
        return skipped("no Dockerfile, compose file or Kubernetes workload to judge" + unreadable(project))
    return verdict(findings, bad="fail", ok_detail="every image has a version tag or digest",
                   judged=judged_text(project, judged))

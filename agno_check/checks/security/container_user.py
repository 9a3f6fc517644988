"""security.container_user: the deployed image's final stage runs as a non-root USER."""

from __future__ import annotations

from agno_check.checks._deployment import deployment_check, judged_text, project_of, unreadable, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.model import Finding

ROOT_USERS = frozenset({"root", "0"})


def is_root(user: str) -> bool:
    return user.strip().split(":", 1)[0] in ROOT_USERS or not user.strip()


@deployment_check(id="security.container_user", severity="high", title="The container runs as a non-root user")
async def container_user(ctx: CheckContext) -> Outcome:
    """What it checks: the last ``USER`` of each deployed Dockerfile's final stage (ARG/ENV values substituted)
    is not root (no USER at all is root); a compose ``user:`` on the service that builds the image, and a
    Kubernetes ``securityContext.runAsUser``, override it. Equivalent: hadolint DL3002, checkov CKV_DOCKER_3 /
    CKV_DOCKER_8, trivy DS002, KICS "Missing User Instruction", kube-score ``container-security-context-user-group-id``,
    checkov CKV_K8S_40.

    Why it matters: an agent runs model-chosen tool calls and parses untrusted input; as root in its container,
    one bug in a tool or a dependency owns the whole container (and its mounted volumes and secrets).

    How to fix: Create a user and switch to it at the end of the final stage: ``RUN useradd --create-home
    --uid 10001 app`` then ``USER app`` (after the ``COPY``/``chown`` lines); on Kubernetes also set
    ``securityContext: {runAsNonRoot: true, runAsUser: 10001}``.
    """
    project = project_of(ctx)
    findings: list[Finding] = []
    unsure: list[Finding] = []
    judged: list[str] = []
    users: list[str] = []
    enforced = bool(project.workloads)  # every Kubernetes container is made non-root by its securityContext
    for workload in project.workloads:
        judged.append(workload.rel)
        pod_context = workload.pod_spec.get("securityContext") or {}
        for container in workload.containers:
            context = container.get("securityContext") or {}
            uid = context.get("runAsUser", pod_context.get("runAsUser"))
            non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
            if uid is not None and str(uid) == "0":
                enforced = False
                findings.append(Finding(workload.rel, container.line,
                                        f"{workload.label()}: container {container.name} sets runAsUser: 0 (root)"))
            elif non_root is True or (uid is not None and str(uid).isdigit() and int(uid) > 0):
                users.append(f"{workload.rel}: {container.name} runs as "
                             + (f"uid {uid}" if uid is not None else "non-root (runAsNonRoot)"))
            else:
                enforced = False
                if not project.deployed_dockerfiles:
                    unsure.append(Finding(workload.rel, container.line,
                                          f"{workload.label()}: container {container.name} sets no runAsNonRoot or "
                                          "runAsUser, and its image's USER is not in the project: could not confirm"))
    for dockerfile in project.deployed_dockerfiles:
        judged.append(dockerfile.rel)
        instruction = dockerfile.last("USER")
        user = instruction.value.strip() if instruction else ""
        where = (dockerfile.rel, instruction.line if instruction else dockerfile.final.line)
        services = [s for s in (project.compose.services if project.compose else [])
                    if s.builds == dockerfile.rel and not s.dev_reason]
        for service in services:
            if service.get("user") is not None:
                user = str(service.get("user"))
                where = (project.compose.rel, service.line_of("user"))  # type: ignore[union-attr]
        if not user and "nonroot" in dockerfile.base_image:
            users.append(f"{dockerfile.rel}: the base image {dockerfile.base_image} runs as nonroot")
            continue
        if not is_root(user):
            users.append(f"{where[0]}:{where[1]}: USER {user}")
        elif enforced and not services:
            users.append(f"{dockerfile.rel} sets no USER, but every Kubernetes container runs non-root")
        else:
            message = f"runs as {user}" if user else f"no USER in the final stage (FROM {dockerfile.base_image}): " \
                                                     "it runs as root"
            findings.append(Finding(where[0], where[1], message))
    if not judged:
        return skipped("no deployed Dockerfile or Kubernetes workload to judge" + unreadable(project))
    shown = users[:4] + ([f"and {len(users) - 4} more"] if len(users) > 4 else [])
    return verdict(findings, bad="fail", warnings=unsure, ok_detail="non-root: " + "; ".join(shown),
                   judged=judged_text(project, judged))

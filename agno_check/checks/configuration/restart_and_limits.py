"""configuration.restart_and_limits: restart policy, memory/CPU limits and healthy dependencies."""

from __future__ import annotations

from agno_check.checks._deployment import deployment_check, judged_text, nothing_judged, project_of, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.model import Finding
from agno_check.project.yamlines import LineDict


def _limits(service_data: LineDict) -> LineDict:
    deploy = service_data.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, LineDict) else None
    limits = resources.get("limits") if isinstance(resources, LineDict) else None
    return limits if isinstance(limits, LineDict) else LineDict()


@deployment_check(id="configuration.restart_and_limits", severity="medium",
                  title="Restart policy, resource limits and healthy dependencies")
async def restart_and_limits(ctx: CheckContext) -> Outcome:
    """What it checks: each service of the compose file the deployment uses has a restart policy (``restart:``
    or ``deploy.restart_policy``), a memory and a CPU limit (``deploy.resources.limits`` or ``mem_limit`` /
    ``cpus``), and waits for its dependencies with ``depends_on: {db: {condition: service_healthy}}``; each
    Kubernetes container has ``resources.limits`` for memory and CPU. One warning per missing item.
    Equivalent: KICS "Memory Not Limited", "Cpus Not Limited", "Healthcheck Not Set" (compose); checkov
    CKV_K8S_11 / CKV_K8S_13, trivy KSV011 / KSV018, kube-score ``container-resources``.

    Why it matters: without a restart policy a crashed agent stays down; without limits one runaway
    conversation (a huge context, a tool loop) takes the host's memory and the database with it; a plain
    ``depends_on`` starts the agent before PostgreSQL accepts connections, so its first requests fail.

    How to fix: Add ``restart: unless-stopped``, ``deploy: {resources: {limits: {cpus: "1.0", memory: 1G}}}``
    and ``depends_on: {db: {condition: service_healthy}}`` (with a ``healthcheck:`` on the db, e.g.
    ``pg_isready -U $$POSTGRES_USER``); on Kubernetes, ``resources: {limits: {cpu: "1", memory: 1Gi}}``.
    """
    project = project_of(ctx)
    warnings: list[Finding] = []
    judged: list[str] = []
    compose = project.compose
    if compose is not None:
        judged.append(compose.rel)
        for service in compose.services:
            if service.dev_reason:
                continue
            deploy = service.get("deploy") if isinstance(service.get("deploy"), LineDict) else LineDict()
            if "restart" not in service.data and "restart_policy" not in deploy:
                warnings.append(Finding(compose.rel, service.line, f"{service.name}: no restart policy"))
            limits = _limits(service.data)
            if "memory" not in limits and "mem_limit" not in service.data:
                warnings.append(Finding(compose.rel, service.line, f"{service.name}: no memory limit"))
            if "cpus" not in limits and "cpus" not in service.data:
                warnings.append(Finding(compose.rel, service.line, f"{service.name}: no CPU limit"))
            depends = service.get("depends_on")
            if isinstance(depends, list):
                for index, name in enumerate(depends):
                    warnings.append(Finding(compose.rel, depends.line_of(index),
                                            f"{service.name}: depends_on {name} without condition: service_healthy"))
            elif isinstance(depends, LineDict):
                for name, body in depends.items():
                    condition = body.get("condition") if isinstance(body, dict) else None
                    if condition != "service_healthy":
                        warnings.append(Finding(compose.rel, depends.line_of(name),
                                                f"{service.name}: depends_on {name} with condition "
                                                f"{condition or 'none'}, not service_healthy"))
    for workload in project.workloads:
        judged.append(workload.rel)
        for container in workload.containers:
            resources = container.get("resources") or {}
            limits = resources.get("limits") or {} if isinstance(resources, dict) else {}
            for item in ("memory", "cpu"):
                if item not in limits:
                    warnings.append(Finding(workload.rel, container.line,
                                            f"{workload.label()}: container {container.name} has no {item} limit"))
    if not judged:
        return skipped(nothing_judged(project, "compose file or Kubernetes workload"))
    return verdict(warnings, bad="warn", ok_detail="restart policy, memory and CPU limits, healthy dependencies",
                   judged=judged_text(project, judged))

"""configuration.replicas: more than one replica, and nothing that caps scaling."""

from __future__ import annotations

import re

from agno_check.checks._deployment import deployment_check, judged_text, nothing_judged, project_of, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.datastores import DATASTORE_IMAGES
from agno_check.project.model import Finding
from agno_check.project.yamlines import LineDict, as_int


def _replicas(data: LineDict) -> tuple[int | None, int | None]:
    """(replicas, line) of a compose service: ``deploy.replicas`` or ``scale`` (default 1, no line); None when
    the count is a variable set at deploy time."""
    deploy = data.get("deploy")
    if isinstance(deploy, LineDict) and "replicas" in deploy:
        return as_int(deploy["replicas"], 1), deploy.line_of("replicas")
    if "scale" in data:
        return as_int(data["scale"], 1), data.line_of("scale")
    return 1, None


@deployment_check(id="configuration.replicas", severity="medium",
                  title="More than one replica, and no fixed host port that caps scaling")
async def replicas(ctx: CheckContext) -> Outcome:
    """What it checks: the agent's services in the compose file the deployment uses (those that build an image,
    else those that are not datastores) run more than one replica (``deploy.replicas`` / ``scale``), and publish
    no fixed host port or host-port range that caps scaling (``8000-8002:8000`` with ``replicas: 3`` allows three
    and no more; ``8000:8000`` allows one); each Kubernetes Deployment/StatefulSet has ``replicas`` > 1.
    Warns, never fails. Equivalent: kube-score ``deployment-replicas`` (and its PodDisruptionBudget checks);
    none in hadolint, checkov or KICS for compose.

    Why it matters: one replica is one process: a deploy, a crash or one slow model call blocks every user;
    a host-port range welded to the replica count means that scaling up fails on port conflicts, and each
    replica is reached on its own port instead of through one balanced address.

    How to fix: Run two or more replicas behind one entry point: publish no host port on the agent (``expose:
    ["8000"]``) and put a reverse proxy or load balancer in front (Traefik, Caddy, nginx, the platform's), or on
    Kubernetes set ``replicas: 2`` or more (or a HorizontalPodAutoscaler) behind a Service.
    """
    project = project_of(ctx)
    warnings: list[Finding] = []
    judged: list[str] = []
    ok: list[str] = []
    compose = project.compose
    if compose is not None:
        services = [s for s in compose.services if not s.dev_reason]
        apps = [s for s in services if s.builds] or [s for s in services if not DATASTORE_IMAGES.search(s.image)]
        judged.append(compose.rel)
        for service in apps:
            count, line = _replicas(service.data)
            if count is None:
                warnings.append(Finding(compose.rel, line or service.line, f"{service.name}: the replica count is "
                                                                           "set at deploy time: could not confirm"))
                count = 1
            elif count <= 1:
                warnings.append(Finding(compose.rel, line or service.line, f"{service.name}: one replica"))
            else:
                ok.append(f"{service.name}: {count} replicas")
            for _, host, container, port_line in service.ports():
                if not host:
                    continue
                if "-" in host:
                    low, high = (int(p) for p in host.split("-", 1)) if re.fullmatch(r"\d+-\d+", host) else (0, 0)
                    warnings.append(Finding(compose.rel, port_line,
                                            f"{service.name}: the host-port range {host}:{container} caps scaling at "
                                            f"{high - low + 1} replica(s)" + (f" (replicas: {count})" if count > 1
                                                                               else "")))
                elif count > 1:
                    warnings.append(Finding(compose.rel, port_line,
                                            f"{service.name}: the fixed host port {host}:{container} allows one "
                                            f"replica, not {count}"))
    for workload in project.workloads:
        if workload.containers and all(DATASTORE_IMAGES.search(str(c.get("image") or "")) for c in workload.containers):
            continue  # a database's replica count is its own design, not the agent's scaling
        judged.append(workload.rel)
        spec = workload.spec
        count = as_int(spec.get("replicas"), 1) or 1
        scaler = next((a for a in project.autoscalers if a.target == workload.name), None)
        if scaler is not None:
            count = scaler.min_replicas
            if count > 1:
                ok.append(f"{workload.label()}: autoscaled from {count} ({scaler.rel}:{scaler.line})")
                continue
        if count <= 1:
            warnings.append(Finding(workload.rel, spec.line_of("replicas", workload.line),
                                    f"{workload.label()}: replicas {count}"))
        else:
            ok.append(f"{workload.label()}: {count} replicas")
    if not judged:
        return skipped(nothing_judged(project, "compose file or Kubernetes workload"))
    return verdict(warnings, bad="warn", ok_detail="; ".join(ok) or "no agent service",
                   judged=judged_text(project, judged))

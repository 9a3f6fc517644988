"""configuration.container_healthcheck: the deployed image (or its manifest) has a health check that can run."""

from __future__ import annotations

from agno_check.checks._deployment import deployment_check, judged_text, project_of, unreadable, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.healthcmd import from_compose, from_instruction, judge
from agno_check.project.image import exposed_port, image_contents
from agno_check.project.model import Finding


def fix_line(contents_programs: set[str], port: int, path: str) -> str:
    """A HEALTHCHECK that works with what the image has: curl when installed, else Python's standard library."""
    url = f"http://127.0.0.1:{port}{path}"
    if "curl" in contents_programs:
        return f"HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD curl -fsS {url} || exit 1"
    return ("HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD python -c "
            f"\"import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('{url}', timeout=4).status == 200 "
            "else 1)\"")


@deployment_check(id="configuration.container_healthcheck", severity="high",
                  title="The container has a health check that can run")
async def container_healthcheck(ctx: CheckContext) -> Outcome:
    """What it checks: the deployed image has a ``HEALTHCHECK`` (or its compose service a ``healthcheck:``, or
    each Kubernetes container a ``readinessProbe``), and that its command can run in the image: a ``python -c``
    check's imports are installed by the image's requirements (or by what those require), ``curl``/``wget`` are
    in the image, a script path exists. Equivalent: checkov CKV_DOCKER_2, trivy DS026, KICS "Healthcheck
    Instruction Missing", kube-score ``container-probes``, checkov CKV_K8S_9; none of them asks whether the
    command can run.

    Why it matters: without a health check the orchestrator routes traffic to a container whose agent cannot
    answer; with one that cannot run (the seed's ``python -c "import requests; ..."`` in an image without
    ``requests``) the container is reported unhealthy forever, restarted in a loop or never marked ready.

    How to fix: Add a HEALTHCHECK that uses what the image installs, e.g. ``HEALTHCHECK CMD python -c "import
    urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',
    timeout=4).status == 200 else 1)"`` (standard library only), or ``curl -fsS http://127.0.0.1:8000/health ||
    exit 1`` when curl is installed; on Kubernetes, a ``readinessProbe`` with ``httpGet: {path: /health}``.
    """
    project = project_of(ctx)
    health_path = ctx.settings.health_path or "/health"
    findings: list[Finding] = []
    unsure: list[Finding] = []
    judged: list[str] = []
    sound: list[str] = []
    fix: str | None = None
    has_k8s = bool(project.workloads)
    for dockerfile in project.deployed_dockerfiles:
        contents = image_contents(project, dockerfile)
        port = exposed_port(dockerfile)
        services = [s for s in (project.compose.services if project.compose else []) if s.builds == dockerfile.rel
                    and not s.dev_reason]
        checks = []
        for service in services:
            if "healthcheck" in service.data:
                body = service.get("healthcheck") or {}
                test = from_compose(body.get("test")) if not body.get("disable") else from_compose(["NONE"])
                checks.append((test, project.compose.rel, service.line_of("healthcheck")))  # type: ignore[union-attr]
        instruction = dockerfile.last("HEALTHCHECK")
        if not checks and instruction is not None:
            checks.append((from_instruction(instruction.value), dockerfile.rel, instruction.line))
        judged.append(dockerfile.rel)
        if not checks or all(c[0].form == "none" for c in checks):
            if not has_k8s or services:  # Kubernetes probes cover an image compose does not run
                findings.append(Finding(dockerfile.rel, dockerfile.final.line,
                                        "no HEALTHCHECK in the final stage" + (
                                            f" nor a healthcheck: on {', '.join(s.name for s in services)}"
                                            if services else "")))
                fix = fix or fix_line(contents.programs, port, health_path)
            continue
        for command, file, line in checks:
            if command.form == "none":
                continue
            status, why = judge(command, contents, project)
            if status == "broken":
                findings.append(Finding(file, line, f"the health check cannot work: {why}"))
                fix = fix or fix_line(contents.programs, port, health_path)
            elif status == "unknown":
                unsure.append(Finding(file, line, f"the health check may not run: {why}"))
            else:
                sound.append(f"{file}:{line}: {why}")
    for workload in project.workloads:
        judged.append(workload.rel)
        for container in workload.containers:
            if "readinessProbe" not in container.data:
                findings.append(Finding(workload.rel, container.line,
                                        f"{workload.label()}: container {container.name} has no readinessProbe"))
            else:
                sound.append(f"{workload.rel}:{container.line_of('readinessProbe')}: readinessProbe on "
                             f"{container.name}")
    if not judged:
        return skipped("no deployed Dockerfile or Kubernetes workload to judge" + unreadable(project))
    remediation = f"Add to {project.deployed_dockerfiles[0].rel}: {fix}" if fix and project.deployed_dockerfiles \
        else None
    return verdict(findings, bad="fail", warnings=unsure, remediation=remediation,
                   ok_detail="a health check that can run: " + "; ".join(sound), judged=judged_text(project, judged))

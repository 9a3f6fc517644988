"""configuration.dev_settings_in_deploy: no development switch in what is deployed."""

from __future__ import annotations

import re

from agno_check.checks._deployment import deployment_check, judged_text, nothing_judged, project_of, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.load import python_sources
from agno_check.project.model import Finding
from agno_check.project.secrets import mask

TRUE = frozenset({"true", "1", "yes", "on"})
DEBUG_ENV = ("AGNO_DEBUG", "DEBUG", "FLASK_DEBUG", "UVICORN_RELOAD")
STAGE_ENV = ("RUNTIME_ENV", "APP_ENV", "ENVIRONMENT")
DEV_STAGES = frozenset({"dev", "development", "local", "debug"})
RELOAD = re.compile(r"(^|\s)--reload(\s|=|$)|(^|\s)--debug(\s|$)")
CODE = (re.compile(r"\bdebug_mode\s*=\s*True\b"), re.compile(r"\.serve\([^)]*\breload\s*=\s*True"))


def env_finding(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().strip("'\"")
    if name.upper() in DEBUG_ENV and text.lower() in TRUE:
        return f"{name}={text}"
    if name.upper() in STAGE_ENV and text.lower() in DEV_STAGES:
        extra = " (agno's templates skip their authorization outside production)" if name.upper() == "RUNTIME_ENV" \
            else ""
        return f"{name}={text}{extra}"
    return None


@deployment_check(id="configuration.dev_settings_in_deploy", severity="high",
                  title="No development settings in what is deployed")
async def dev_settings_in_deploy(ctx: CheckContext) -> Outcome:
    """What it checks: the deployed compose services, Dockerfiles, entrypoint scripts, Kubernetes containers and
    the project's Python code for development switches: ``uvicorn --reload`` (or ``--debug``), ``AGNO_DEBUG=True``
    / ``DEBUG=true``, ``RUNTIME_ENV=dev``, ``debug_mode=True`` on an agent, ``serve(reload=True)``. Compose files
    meant for local development (their name or ``profiles:``) are not judged. Equivalent: none in hadolint,
    checkov, trivy, KICS or kube-score (they do not know agno's switches); close to bandit B201 (Flask debug).

    Why it matters: ``--reload`` runs a file watcher and a single worker that restarts on any change;
    ``AGNO_DEBUG`` / ``debug_mode`` log every prompt, tool call and model answer (user data, keys passed to
    tools); agno's own templates turn their authorization off when ``RUNTIME_ENV`` is ``dev``.

    How to fix: Start with ``uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers 2`` (no ``--reload``), drop
    ``AGNO_DEBUG`` and ``debug_mode=True``, and set ``RUNTIME_ENV=prd`` in the deployed file; keep the
    development values in ``compose.dev.yaml`` or a ``profiles: [dev]`` service.
    """
    project = project_of(ctx)
    findings: list[Finding] = []
    judged: list[str] = []
    compose = project.compose
    if compose is not None:
        judged.append(compose.rel)
        for service in compose.services:
            if service.dev_reason:
                continue
            for key in ("command", "entrypoint"):
                switch = RELOAD.search(service.command_text(key))
                if switch:
                    findings.append(Finding(compose.rel, service.line_of(key),
                                            f"{service.name}: {key} runs with {switch.group(0).strip()}"))
            for name, value, line in service.environment():
                said = env_finding(name, value)
                if said:
                    findings.append(Finding(compose.rel, line, f"{service.name}: {said}"))
    for dockerfile in project.deployed_dockerfiles:
        judged.append(dockerfile.rel)
        for name, (value, line) in dockerfile.final_envs().items():
            said = env_finding(name, value)
            if said:
                findings.append(Finding(dockerfile.rel, line, f"ENV {said}"))
        for instruction in dockerfile.start_command():
            if RELOAD.search(instruction.value.replace('"', " ").replace(",", " ")):
                findings.append(Finding(dockerfile.rel, instruction.line, f"{instruction.name} runs with --reload"))
    for script in project.scripts:
        judged.append(script.rel)
        for number, text in enumerate(script.lines, start=1):
            if not text.lstrip().startswith("#") and RELOAD.search(text):
                findings.append(Finding(script.rel, number,
                                        f"starts the server with --reload: {mask(text.strip())[:80]}"))
    for workload in project.workloads:
        judged.append(workload.rel)
        for container in workload.containers:
            if RELOAD.search(container.argv()):
                findings.append(Finding(workload.rel, container.line, f"{workload.label()}: {container.name} runs "
                                                                      "with --reload"))
            for name, value, line in container.environment():
                said = env_finding(name, value)
                if said:
                    findings.append(Finding(workload.rel, line, f"{workload.label()}: {said}"))
    for rel, lines in python_sources(project):
        for number, text in enumerate(lines, start=1):
            if not text.lstrip().startswith("#") and any(p.search(text) for p in CODE):
                findings.append(Finding(rel, number, mask(text.strip())[:80]))
    if not judged:
        return skipped(nothing_judged(project, "deployed file"))
    return verdict(findings, bad="fail", ok_detail="no --reload, debug flag or dev runtime",
                   judged=judged_text(project, judged))

"""configuration.deployment_files: every deployment file of the project parses."""

from __future__ import annotations

from agno_check.checks._deployment import deployment_check, evidence_of, project_of, summarise
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, passed


@deployment_check(id="configuration.deployment_files", severity="high",
                  title="Deployment files are readable (Dockerfile, compose, manifests)")
async def deployment_files(ctx: CheckContext) -> Outcome:
    """What it checks: every Dockerfile, compose file, Kubernetes manifest, requirements file and pyproject.toml
    found under the project DIR parses (``dockerfile-parse``, PyYAML, ``packaging``, ``tomllib``), and says
    which compose file is judged as the deployment. Equivalent: hadolint's and kube-score's parse errors,
    checkov's "Failed to parse" messages.

    Why it matters: a file that does not parse is a deployment that fails at ``docker build`` or ``kubectl
    apply``, and every other deployment check is blind to it. It is ``error``, not ``pass``, so the gate stops.

    How to fix: Fix the syntax at the line named (``docker compose config`` and ``kubectl apply --dry-run=client
    -f FILE`` show the same error), or move files that are not deployment files out of the project DIR.
    """
    project = project_of(ctx)
    if project.problems:
        return errored(f"could not read {len(project.problems)} file(s): {summarise(project.problems)}",
                       **evidence_of(project.problems))
    choice = f"; {project.compose_choice}" if project.compose_choice else ""
    return passed(f"read {project.summary()}{choice}", files=sorted(
        {d.rel for d in project.dockerfiles} | {c.rel for c in project.composes} | {w.rel for w in project.workloads}
        | {r.rel for r in project.requirements} | {s.rel for s in project.scripts}))

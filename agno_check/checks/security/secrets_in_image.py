"""security.secrets_in_image: no credential is baked into the deployed image."""

from __future__ import annotations

import fnmatch

from agno_check.checks._deployment import deployment_check, judged_text, project_of, unreadable, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.dockerfile import words
from agno_check.project.model import Finding
from agno_check.project.secrets import secret_value_kind

SECRET_FILES = (".env", ".env.*", "*.pem", "*.key", "id_rsa", "id_ed25519", ".npmrc", ".pypirc", "credentials.json")


def _ignored(patterns: list[str], name: str) -> bool:
    return any(fnmatch.fnmatch(name, p.strip().lstrip("/").removeprefix("**/")) for p in patterns
               if p.strip() and not p.startswith("#") and not p.startswith("!"))


@deployment_check(id="security.secrets_in_image", severity="critical", title="No secret baked into the image")
async def secrets_in_image(ctx: CheckContext) -> Outcome:
    """What it checks: the final stage of each deployed Dockerfile has no secret-looking ``ENV``/``ARG`` with a
    value (``*_KEY``, ``*_TOKEN``, ``*_SECRET``, ``*PASSWORD``, DSNs with a password, provider key shapes), and no
    ``COPY``/``ADD`` that puts a ``.env`` file or a private key into the image (``COPY . .`` with a ``.env`` beside
    it and no ``.dockerignore`` entry for it). Values are never reported, only names and lines. Equivalent: Docker's
    build check ``SecretsUsedInArgOrEnv``, KICS "Passwords And Secrets", trivy's secret scanner on the image.

    Why it matters: every layer of an image is readable by whoever can pull it (``docker history``, ``docker
    save``): a key in ``ENV`` or a copied ``.env`` is published with every push to a registry.

    How to fix: Remove the value from the Dockerfile and pass it at run time (compose ``secrets:``, a Kubernetes
    Secret, the platform's secret store); for a build-time secret use ``RUN --mount=type=secret,id=NAME``; add
    ``.env`` and key files to ``.dockerignore``; rotate any key that was pushed.
    """
    project = project_of(ctx)
    findings: list[Finding] = []
    judged = []
    for dockerfile in project.deployed_dockerfiles:
        judged.append(dockerfile.rel)
        final = dockerfile.final
        for name, (value, line) in {**final.args, **dockerfile.final_envs()}.items():
            kind = secret_value_kind(name, value)
            if kind:
                findings.append(Finding(dockerfile.rel, line, f"{name} is {kind} in the image"))
        context = dockerfile.path.parent
        ignore_file = context / ".dockerignore"
        patterns = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines() \
            if ignore_file.is_file() else []
        present = [p.name for p in context.iterdir() if p.is_file() and any(
            fnmatch.fnmatch(p.name, pattern) for pattern in SECRET_FILES) and not p.name.endswith(".example")]
        for instruction in [i for stage in dockerfile.lineage() for i in stage.all("COPY") + stage.all("ADD")]:
            sources = [w for w in words(instruction.value) if not w.startswith("--")][:-1]
            for source in sources:
                base = source.rstrip("/").rsplit("/", 1)[-1]
                if any(fnmatch.fnmatch(base, p) for p in SECRET_FILES):
                    findings.append(Finding(dockerfile.rel, instruction.line, f"copies {source} into the image"))
                elif source in (".", "./", "*") and present:
                    for name in present:
                        if not _ignored(patterns, name):
                            findings.append(Finding(dockerfile.rel, instruction.line,
                                                    f"{instruction.name} {source} copies {name} into the image "
                                                    "(not in .dockerignore)"))
    if not judged:
        return skipped("no deployed Dockerfile to judge" + unreadable(project))
    return verdict(findings, bad="fail", ok_detail="no secret-looking ENV/ARG value or copied key file",
                   judged=judged_text(project, judged))

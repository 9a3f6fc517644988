"""Find and read a project's deployment files; choose the compose file a deployment uses.

Walks DIR (hidden folders, virtualenvs, ``node_modules`` and test fixtures are not deployment files) and parses
each file once. A file that cannot be parsed becomes one problem (file, the parser's line, why), never an
exception; a DIR with no deployment file at all is a usage error (exit 2).
"""

from __future__ import annotations

import os
from pathlib import Path

from agno_check.errors import UsageError
from agno_check.project.compose import COMPOSE_NAME, PROD_WORDS, ComposeError, name_words, parse_compose
from agno_check.project.dockerfile import DockerfileError, parse_dockerfile, words
from agno_check.project.k8s import ManifestError, parse_manifests
from agno_check.project.model import Finding, Project
from agno_check.project.requirements import parse_pyproject, parse_requirements_txt
from agno_check.project.scripts import in_project, read_script, script_words
from agno_check.project.secrets import shown_value

#: not what is deployed: dependencies, build output, tests and their fixtures, examples and docs
SKIP_DIRS = frozenset({"node_modules", "venv", "env", "__pycache__", "site-packages", "dist", "build", "tests",
                       "test", "fixtures", "testdata", "examples", "example", "samples", "cookbook", "docs",
                       "notebooks"})
MAX_DEPTH = 4
#: deployment files are small; a bigger file is data, not configuration (and would slow the walk)
MAX_BYTES = 2_000_000
CANONICAL_COMPOSE = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS and depth < MAX_DEPTH)
        found.extend(Path(folder) / f for f in sorted(files))
    return found


def is_dockerfile(name: str) -> bool:
    return name.startswith("Dockerfile") or name.lower().endswith((".dockerfile", ".containerfile")) \
        or name.startswith("Containerfile")


def load_project(directory: str, compose_file: str | None = None) -> Project:
    root = Path(directory)
    if not root.is_dir():
        raise UsageError(f"--project {directory!r}: not a directory")
    project = Project(root=root)
    for path in _walk(root):
        rel = project.relative(path)
        name = path.name
        wanted = is_dockerfile(name) or name.endswith((".yaml", ".yml", ".txt", ".toml"))
        try:
            too_big = wanted and path.stat().st_size > MAX_BYTES
        except OSError:
            continue
        if too_big:
            project.notes.append(f"{rel}: not read (larger than {MAX_BYTES // 1_000_000} MB)")
            continue
        if is_dockerfile(name):
            try:
                project.dockerfiles.append(parse_dockerfile(path, rel))
            except DockerfileError as exc:
                project.problems.append(Finding(rel, exc.line, f"{rel}:{exc.line}: {exc}"))
        elif COMPOSE_NAME.match(name):
            try:
                project.composes.append(parse_compose(path, rel, root))
            except ComposeError as exc:
                project.problems.append(Finding(rel, exc.line, f"{rel}:{exc.line}: {exc}"))
        elif name.endswith((".yaml", ".yml")):
            try:
                project.workloads.extend(parse_manifests(path, rel, project.autoscalers))
            except ManifestError as exc:
                project.problems.append(Finding(rel, exc.line, f"{rel}:{exc.line}: {exc}"))
        elif name.startswith("requirements") and name.endswith(".txt"):
            project.requirements.append(parse_requirements_txt(path, rel, project.problems))
        elif name == "pyproject.toml" and path.parent == root:
            parsed = parse_pyproject(path, rel, project.problems)
            if parsed is not None:
                project.requirements.append(parsed)
    if not (project.dockerfiles or project.composes or project.workloads or project.problems):
        raise UsageError(f"{directory}: no deployment files (no Dockerfile, compose file or Kubernetes "
                         "Deployment/StatefulSet manifest)")
    _choose_compose(project, compose_file)
    _find_scripts(project)
    return project


def _choose_compose(project: Project, compose_file: str | None) -> None:
    """``--compose-file`` when given; else the one production file (by name), else the canonical name; a
    compose file meant for local development is reported as such and not judged."""
    composes = project.composes
    for compose in composes:
        if compose.dev_reason:
            project.notes.append(f"{compose.rel}: a local-development compose file ({compose.dev_reason}); "
                                 "not judged as the deployment (--compose-file to choose it)")
    if compose_file:
        wanted = Path(compose_file)
        path = wanted if wanted.is_absolute() else project.root / wanted
        if not path.is_file():
            path = Path(compose_file)
        if not path.is_file():
            raise UsageError(f"--compose-file {compose_file!r}: no such file (relative to the project "
                             f"{project.root})")
        rel = project.relative(path)
        chosen = next((c for c in composes if c.rel == rel), None)
        if chosen is None:
            try:
                chosen = parse_compose(path, rel, project.root)
            except ComposeError as exc:
                project.problems.append(Finding(rel, exc.line, f"{rel}:{exc.line}: {exc}"))
                project.compose_choice = f"--compose-file {rel} could not be parsed"
                return
            composes.append(chosen)
        project.compose, project.compose_why = chosen, "--compose-file"
        project.compose_choice = f"judged {rel} (--compose-file)"
        return
    deployable = [c for c in composes if not c.dev_reason]
    by_name = [c for c in deployable if name_words(c.path.name) & PROD_WORDS]
    canonical = sorted((c for c in deployable if c.path.name in CANONICAL_COMPOSE),
                       key=lambda c: (len(c.path.relative_to(project.root).parts),
                                      CANONICAL_COMPOSE.index(c.path.name)))
    pick = (by_name or canonical or deployable or [None])[0]
    if pick is None:
        if composes:
            project.compose_choice = ("no compose file judged: only local-development ones "
                                      f"({', '.join(c.rel for c in composes)}); --compose-file to judge one")
        return
    why = "its name says production" if pick in by_name else "the default compose file"
    others = [c.rel for c in deployable if c is not pick]
    project.compose, project.compose_why = pick, why
    project.compose_choice = f"judged {pick.rel} ({why})" + (
        f"; also found {', '.join(others)} (--compose-file to choose)" if others else "")
    if pick.substitutions:
        shown = [f"{sub.variable}={shown_value(sub.variable, sub.value)} (line {sub.line})"
                 for sub in pick.substitutions]
        project.notes.append(f"{pick.rel}: {len(shown)} ${{VAR:-default}} resolved to their defaults, as with the "
                             f"variables unset: {', '.join(shown)}")


def _find_scripts(project: Project) -> None:
    """The scripts the deployed images and services start with, read as text."""
    named: list[tuple[str, str]] = []
    for dockerfile in project.deployed_dockerfiles:
        for instruction in dockerfile.start_command():
            for word in script_words(words(instruction.value)):
                named.append((word, f"{dockerfile.rel}:{instruction.line}"))
    if project.compose is not None:
        for service in project.compose.services:
            for key in ("entrypoint", "command"):
                text = service.command_text(key)
                for word in script_words(words(text)) if text else []:
                    named.append((word, f"{project.compose.rel}:{service.line_of(key)}"))
    for workload in project.workloads:
        for container in workload.containers:
            for word in script_words(container.argv().split()):
                named.append((word, f"{workload.rel}:{container.line}"))
    seen: set[str] = set()
    for word, named_by in named:
        path = in_project(project.root, word)
        if path is None:
            continue
        rel = project.relative(path)
        if rel in seen:
            continue
        seen.add(rel)
        script = read_script(path, rel, named_by)
        if script is not None:
            project.scripts.append(script)


def python_sources(project: Project) -> list[tuple[str, list[str]]]:
    """(relative path, lines) of the project's own Python files (the walk's exclusions apply), cached."""
    cached = getattr(project, "_python_sources", None)
    if cached is None:
        cached = []
        for path in _walk(project.root):
            if path.suffix == ".py":
                try:
                    cached.append((project.relative(path), path.read_text(encoding="utf-8").splitlines()))
                except (OSError, UnicodeDecodeError):
                    continue
        project._python_sources = cached  # type: ignore[attr-defined]
    return cached

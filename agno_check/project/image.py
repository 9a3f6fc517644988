"""What an image will contain, read from its Dockerfile: Python distributions, system programs, its port.

Python: the requirements files the Dockerfile installs (``pip install -r``, ``uv pip sync``, ``pip install .``
for pyproject.toml) and the names given to ``pip install``; with no install line found, the project's top-level
requirements. System programs: ``apt-get install`` / ``apk add`` lines, and what the official base images are
known to ship (the full ``python:3.x`` image has curl and wget; ``-slim`` has neither; alpine has busybox wget).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name

from agno_check.project.dockerfile import Dockerfile, words
from agno_check.project.model import Project
from agno_check.project.requirements import Requirements, parse_requirements_txt
from agno_check.project.scripts import in_project

_PIP = re.compile(r"\b(?:pip3?|uv pip|python3? -m pip)\s+(?:install|sync)\b(?P<args>[^&;|]*)")
_UV_SYNC = re.compile(r"\b(uv sync|poetry install|pdm install|pip3? install\s+(-e\s+)?\.(\s|$|\[))")
_SYSTEM_INSTALL = re.compile(r"\b(?:apt-get|apt|apk|dnf|yum|microdnf)\s+(?:-\S+\s+)*(?:install|add)\b(?P<args>[^&;|]*)")


@dataclass
class ImageContents:
    packages: set[str] = field(default_factory=set)
    #: extras asked for per package (``fastapi[standard]``)
    extras: dict[str, set[str]] = field(default_factory=dict)
    #: the requirements files counted (relative paths), for the detail
    sources: list[str] = field(default_factory=list)
    #: a lock file was installed: ``packages`` is the whole environment
    complete: bool = False
    programs: set[str] = field(default_factory=set)
    #: programs the base image is known not to ship
    absent: set[str] = field(default_factory=set)
    base_known: bool = False
    #: requirements files the Dockerfile installs that are not in the project (what they hold is unknown)
    unresolved: list[str] = field(default_factory=list)
    #: the final stage's base image
    base: str = ""


def _requirements_file(project: Project, target: str, relative_to: Path | None = None) -> Requirements | None:
    """A requirements file by the name an install line (or a ``-r`` include) gives it, parsed if need be."""
    base = target.rsplit("/", 1)[-1]
    if relative_to is not None and (relative_to / target).is_file():
        path: Path | None = relative_to / target
    else:
        known = [r for r in project.requirements if r.rel.rsplit("/", 1)[-1] == base]
        if known:
            return known[0]
        path = in_project(project.root, target)
    if path is None:
        return None
    rel = project.relative(path)
    known = [r for r in project.requirements if r.rel == rel]
    return known[0] if known else parse_requirements_txt(path, rel, [])


def _with_includes(project: Project, first: Requirements, unresolved: list[str]) -> list[Requirements]:
    found, todo, seen = [], [first], set()
    while todo:
        current = todo.pop()
        if current.rel in seen:
            continue
        seen.add(current.rel)
        found.append(current)
        for include in current.includes:
            included = _requirements_file(project, include, current.path.parent)
            if included is None:
                unresolved.append(include)
            else:
                todo.append(included)
    return found


def _requirements_named(project: Project, argv: list[str], unresolved: list[str]) -> list[Requirements]:
    named = []
    for index, word in enumerate(argv):
        target = None
        if word in ("-r", "--requirement", "-c") and index + 1 < len(argv):
            target = argv[index + 1]
        elif word.startswith("--requirement="):
            target = word.split("=", 1)[1]
        elif word.endswith(".txt") and "requirements" in word:
            target = word
        if target:
            found = _requirements_file(project, target)
            if found is None:
                unresolved.append(target)
            else:
                named.extend(_with_includes(project, found, unresolved))
    return named


def image_contents(project: Project, dockerfile: Dockerfile) -> ImageContents:
    contents = ImageContents()
    chosen: list[Requirements] = []
    for run in dockerfile.runs():
        for match in _PIP.finditer(run.value):
            argv = words(match.group("args"))
            chosen.extend(_requirements_named(project, argv, contents.unresolved))
            for word in argv:
                if not word.startswith("-") and not word.endswith(".txt") and word not in (".",) \
                        and re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[.*\])?([=<>!~].*)?$", word):
                    name = canonicalize_name(re.split(r"[\[=<>!~]", word, maxsplit=1)[0])
                    contents.packages.add(name)
                    if "[" in word:
                        contents.extras.setdefault(name, set()).update(
                            e.strip() for e in word.split("[", 1)[1].split("]", 1)[0].split(","))
        if _UV_SYNC.search(run.value):
            chosen.extend(r for r in project.requirements if r.rel == "pyproject.toml")
        for match in _SYSTEM_INSTALL.finditer(run.value):
            contents.programs.update(w.split("=", 1)[0] for w in words(match.group("args")) if not w.startswith("-"))
    if not chosen and not contents.packages:
        chosen = [r for r in project.requirements if "/" not in r.rel]
    seen: set[str] = set()
    for requirements in chosen:
        if requirements.rel in seen:
            continue
        seen.add(requirements.rel)
        contents.sources.append(requirements.rel)
        contents.packages.update(e.name for e in requirements.entries)
        for entry in requirements.entries:
            if entry.extras:
                contents.extras.setdefault(entry.name, set()).update(entry.extras)
        contents.complete = contents.complete or requirements.complete
    base = dockerfile.base_image.lower()
    contents.base = dockerfile.base_image
    name, _, tag = base.rpartition(":") if ":" in base.rsplit("/", 1)[-1] else (base, "", "")
    official_python = name in ("python", "library/python", "docker.io/library/python")
    if official_python or name in ("debian", "ubuntu", "alpine") or "distroless" in name:
        contents.base_known = True
        if "distroless" in name:
            contents.absent.update({"curl", "wget", "sh", "bash"})
        elif "alpine" in tag or name == "alpine":
            contents.programs.add("wget")
            contents.absent.add("curl")
        elif "slim" in tag or name in ("debian", "ubuntu"):
            contents.absent.update({"curl", "wget"})
        elif official_python:
            contents.programs.update({"curl", "wget"})
    contents.absent -= contents.programs
    return contents


def exposed_port(dockerfile: Dockerfile) -> int:
    expose = dockerfile.last("EXPOSE")
    if expose:
        first = words(expose.value)[0].split("/", 1)[0] if words(expose.value) else ""
        if first.isdigit():
            return int(first)
    for instruction in dockerfile.start_command():
        match = re.search(r"--port[ =](\d+)", instruction.value)
        if match:
            return int(match.group(1))
    return 8000

"""The scripts a container runs at start (``ENTRYPOINT ["/app/scripts/entrypoint.sh"]``), found in the project.

A path inside the image is mapped back to the project by its trailing components (``/app/scripts/x.sh`` ->
``scripts/x.sh``), as ``COPY . /app`` would have put it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCRIPT_SUFFIXES = (".sh", ".bash")


@dataclass
class Script:
    path: Path
    rel: str
    lines: list[str]
    #: which file named it, and where ("Dockerfile:14")
    named_by: str


def in_project(root: Path, container_path: str) -> Path | None:
    """The project file a path inside the image most likely came from, or None."""
    parts = [p for p in container_path.strip().strip("'\"").split("/") if p not in ("", ".")]
    for start in range(len(parts)):
        candidate = root.joinpath(*parts[start:])
        if candidate.is_file():
            return candidate
    return None


def script_words(command: list[str]) -> list[str]:
    """The words of a start command that name a script (``*.sh``, or ``bash x`` / ``sh x``)."""
    named = [w for w in command if w.endswith(SCRIPT_SUFFIXES)]
    for shell, arg in zip(command, command[1:], strict=False):
        if shell.rsplit("/", 1)[-1] in ("sh", "bash") and not arg.startswith("-") and arg not in named:
            named.append(arg)
    return named


def read_script(path: Path, rel: str, named_by: str) -> Script | None:
    try:
        return Script(path, rel, path.read_text(encoding="utf-8").splitlines(), named_by)
    except (OSError, UnicodeDecodeError):
        return None

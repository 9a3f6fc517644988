"""What the deployment checks work on: findings with a file and line, and the files read from a project DIR."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agno_check.project.compose import ComposeFile
    from agno_check.project.dockerfile import Dockerfile
    from agno_check.project.k8s import Autoscaler, Workload
    from agno_check.project.requirements import Requirements
    from agno_check.project.scripts import Script


@dataclass(frozen=True)
class Finding:
    """One place in one file: ``file`` is relative to the project DIR, ``line`` 1-based."""

    file: str
    line: int
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass
class Project:
    """Every deployment file found under ``root``, parsed; ``problems`` are files that could not be read."""

    root: Path
    dockerfiles: list[Dockerfile] = field(default_factory=list)
    composes: list[ComposeFile] = field(default_factory=list)
    #: the compose file a deployment uses (``--compose-file``, else the production one), or None
    compose: ComposeFile | None = None
    #: why ``compose`` was chosen, or why none was ("only docker-compose.dev.yml, a local-development file")
    compose_choice: str = ""
    #: in a few words, why ``compose`` is the one judged ("--compose-file", "the default name")
    compose_why: str = ""
    workloads: list[Workload] = field(default_factory=list)
    autoscalers: list[Autoscaler] = field(default_factory=list)
    requirements: list[Requirements] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    #: what the reader decided on the way (``${DB_PASS:-ai}`` resolved to its default, files not judged)
    notes: list[str] = field(default_factory=list)

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def deployed_dockerfiles(self) -> list[Dockerfile]:
        """The Dockerfiles that build what is deployed: those the judged compose file builds, else every
        Dockerfile that is not named for development (``Dockerfile.dev``)."""
        if self.compose is not None:
            built = {df.rel for df in self.dockerfiles if any(s.builds == df.rel for s in self.compose.services)}
            if built:
                return [df for df in self.dockerfiles if df.rel in built]
        return [df for df in self.dockerfiles if df.dev_reason is None]

    def summary(self) -> str:
        parts = [f"{len(self.dockerfiles)} Dockerfile(s)", f"{len(self.composes)} compose file(s)",
                 f"{len(self.workloads)} Kubernetes workload(s)", f"{len(self.requirements)} requirements file(s)",
                 f"{len(self.scripts)} entrypoint script(s)"]
        return ", ".join(parts)

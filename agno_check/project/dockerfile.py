"""Dockerfiles, read with ``dockerfile-parse``: stages, their instructions with 1-based lines, ARG/ENV resolved.

Nothing is built: what the image will hold (its USER, HEALTHCHECK, installed packages, entrypoint) is read
from the instructions, with ``${VAR}`` / ``$VAR`` / ``${VAR:-default}`` substituted from the stage's ARG and
ENV values as the builder would with no ``--build-arg``.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

#: every instruction the Dockerfile reference defines; anything else is a malformed line
INSTRUCTIONS = frozenset({"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
                          "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
                          "COMMENT"})
_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}"
                  r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_DEV_NAME = re.compile(r"(^|[._-])(dev|develop|development|local|debug|test)([._-]|$)", re.I)


def substitute(text: str, values: dict[str, str]) -> str:
    """Shell-style variable substitution as Dockerfiles do it (unknown variables become empty)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("plain")
        value = values.get(name)
        op, word = match.group("op"), match.group("word") or ""
        if op in (":-", "-"):
            return value if value or (op == "-" and value is not None) else word
        if op in (":+", "+"):
            return word if value else ""
        return value or ""

    return _VAR.sub(replace, text)


@dataclass
class Instruction:
    name: str
    #: the instruction's text as written (continuations joined)
    raw: str
    #: the same with ARG/ENV values substituted
    value: str
    line: int


@dataclass
class Stage:
    image: str
    alias: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)
    #: ENV and ARG of this stage: name -> (value, line)
    envs: dict[str, tuple[str, int]] = field(default_factory=dict)
    args: dict[str, tuple[str, int]] = field(default_factory=dict)

    def last(self, name: str) -> Instruction | None:
        found = [i for i in self.instructions if i.name == name]
        return found[-1] if found else None

    def all(self, name: str) -> list[Instruction]:
        return [i for i in self.instructions if i.name == name]


@dataclass
class Dockerfile:
    path: Path
    rel: str
    stages: list[Stage]
    #: set when the file's own name says it is for development (``Dockerfile.dev``)
    dev_reason: str | None = None

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def lineage(self, stage: Stage | None = None) -> list[Stage]:
        """A stage and the earlier stages it builds on (``FROM base``), nearest first."""
        chain = [stage or self.final]
        while True:
            parent = next((s for s in self.stages[: self.stages.index(chain[-1])] if s.alias == chain[-1].image), None)
            if parent is None or parent in chain:
                return chain
            chain.append(parent)

    @property
    def base_image(self) -> str:
        """The image the final stage really starts from (through ``FROM base`` aliases)."""
        return self.lineage()[-1].image

    def last(self, name: str) -> Instruction | None:
        """The instruction of the final image (``USER``, ``HEALTHCHECK``, ``CMD``...), inherited through aliases."""
        for stage in self.lineage():
            found = stage.last(name)
            if found is not None:
                return found
        return None

    def final_envs(self) -> dict[str, tuple[str, int]]:
        """ENV of the final image, inherited through aliases (ARG does not cross stages)."""
        merged: dict[str, tuple[str, int]] = {}
        for stage in reversed(self.lineage()):
            merged.update(stage.envs)
        return merged

    def runs(self) -> list[Instruction]:
        return [i for stage in self.stages for i in stage.all("RUN")]

    def start_command(self) -> list[Instruction]:
        """ENTRYPOINT and CMD of the final image (what the container runs at start)."""
        return [i for i in (self.last("ENTRYPOINT"), self.last("CMD")) if i is not None]


class DockerfileError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def words(value: str) -> list[str]:
    """An instruction's arguments: the JSON (exec) form, or shell words; unparseable text splits on spaces."""
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            if isinstance(parsed, list):
                return [str(p) for p in parsed]
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


def _key_values(value: str) -> list[tuple[str, str]]:
    """ENV/ARG arguments: ``K=V K2="V 2"``, the legacy ``ENV K V``, or a bare ``ARG K``."""
    parts = shlex.split(value, posix=True)
    if not parts:
        return []
    if "=" not in parts[0]:
        return [(parts[0], " ".join(parts[1:]))]
    pairs = []
    for part in parts:
        key, _, val = part.partition("=")
        pairs.append((key, val))
    return pairs


_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


def fold_heredocs(text: str) -> str:
    """BuildKit heredocs (``RUN <<EOF`` ... ``EOF``), which dockerfile-parse does not know, folded into their
    instruction's line; the body's lines become blank, so every later line keeps its number."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        markers = _HEREDOC.findall(line) if re.match(r"^\s*(RUN|COPY|ADD)\b", line, re.I) else []
        cursor = index + 1
        for marker in markers:
            body = []
            while cursor < len(lines) and lines[cursor].strip() != marker:
                body.append(lines[cursor].strip())
                lines[cursor] = ""
                cursor += 1
            if cursor < len(lines):
                lines[cursor] = ""
                cursor += 1
            lines[index] = lines[index].rstrip("\\ ") + " ; " + " ; ".join(b for b in body if b)
        index = cursor if markers else index + 1
    return "\n".join(lines)


def parse_dockerfile(path: Path, rel: str) -> Dockerfile:
    """Parse one Dockerfile; a malformed or unreadable one is a DockerfileError with its 1-based line."""
    from dockerfile_parse import DockerfileParser

    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except OSError as exc:
        raise DockerfileError(f"cannot read it: {exc.strerror or exc}", 1) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DockerfileError("not a text file (not UTF-8)", line) from None
    structure = DockerfileParser(fileobj=io.BytesIO(fold_heredocs(data.decode("utf-8")).encode("utf-8"))).structure
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    for item in structure:
        name, raw, line = item["instruction"], item["value"] or "", item["startline"] + 1
        if name == "COMMENT":
            continue
        if name not in INSTRUCTIONS:
            raise DockerfileError(f"unknown instruction {name!r}", line)
        if name == "FROM":
            parts = words(substitute(raw, global_args))
            parts = [p for p in parts if not p.startswith("--platform")]
            if not parts:
                raise DockerfileError("FROM without an image", line)
            alias = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
            stages.append(Stage(image=parts[0], alias=alias, line=line))
            continue
        if not stages:
            if name == "ARG":  # ARG before the first FROM: usable in FROM lines
                try:
                    global_args.update(_key_values(raw))
                except ValueError as exc:
                    raise DockerfileError(f"cannot parse ARG: {exc}", line) from None
                continue
            raise DockerfileError(f"{name} before the first FROM", line)
        stage = stages[-1]
        values = {k: v for k, (v, _) in stage.args.items()} | {k: v for k, (v, _) in stage.envs.items()}
        if name in ("ENV", "ARG"):
            try:
                pairs = _key_values(raw)
            except ValueError as exc:
                raise DockerfileError(f"cannot parse {name}: {exc}", line) from None
            for key, val in pairs:
                if name == "ARG":
                    default = val if val or key not in global_args else global_args[key]
                    stage.args[key] = (substitute(default, values), line)
                else:
                    stage.envs[key] = (substitute(val, values), line)
        stage.instructions.append(Instruction(name, raw, substitute(raw, values), line))
    if not stages:
        raise DockerfileError("no FROM instruction", 1)
    dev = _DEV_NAME.search(path.name.replace("Dockerfile", "").replace("dockerfile", ""))
    return Dockerfile(path, rel, stages, f"its name ({path.name}) says so" if dev else None)

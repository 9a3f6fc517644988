"""Compose files (``compose.y*ml``, ``docker-compose*.y*ml``) read with PyYAML, with line numbers.

Variables are interpolated as ``docker compose`` would with an empty environment: ``${VAR:-default}`` and
``${VAR-default}`` become their default (each such substitution is recorded, so a report can say that
``POSTGRES_PASSWORD`` is ``ai`` *by default*), ``$$`` is a literal ``$``, and a variable without a default stays
``${VAR}``: a value the deployment's environment supplies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agno_check.project.yamlines import LineDict, LineList, load_documents

_INTERPOLATION = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<word>[^}]*))?\}"
                            r"|\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)")
DEV_WORDS = frozenset({"dev", "develop", "development", "local", "debug", "override", "test"})
PROD_WORDS = frozenset({"prod", "production", "deploy", "release", "stack", "live"})
COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$", re.I)


def name_words(filename: str) -> set[str]:
    return {w.lower() for w in re.split(r"[._-]+", filename) if w}


@dataclass
class Substitution:
    line: int
    expression: str
    value: str
    variable: str


@dataclass
class Service:
    name: str
    line: int
    data: LineDict
    #: the Dockerfile (relative to the project DIR) this service builds, when it builds one
    builds: str | None = None
    #: set when the service's ``profiles:`` mark it as a development-only service
    dev_reason: str | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def line_of(self, key: str) -> int:
        return self.data.line_of(key, self.line)

    @property
    def image(self) -> str:
        return str(self.data.get("image") or "")

    def environment(self) -> list[tuple[str, str | None, int]]:
        """(name, value or None when taken from the host, line) for the dict and the list form."""
        env = self.data.get("environment")
        items: list[tuple[str, str | None, int]] = []
        if isinstance(env, LineDict):
            for key, value in env.items():
                items.append((str(key), None if value is None else _scalar(value), env.line_of(key)))
        elif isinstance(env, LineList):
            for index, entry in enumerate(env):
                key, sep, value = str(entry).partition("=")
                items.append((key.strip(), value if sep else None, env.line_of(index)))
        return items

    def ports(self) -> list[tuple[str, str | None, str, int]]:
        """Published ports as (host_ip or None, host part or "" for an ephemeral port, container part, line)."""
        ports = self.data.get("ports")
        found: list[tuple[str, str | None, str, int]] = []
        if not isinstance(ports, LineList):
            return found
        for index, entry in enumerate(ports):
            line = ports.line_of(index)
            if isinstance(entry, LineDict):
                published = entry.get("published")
                found.append((entry.get("host_ip"), "" if published is None else str(published),
                              str(entry.get("target", "")), line))
                continue
            text = str(entry).split("/", 1)[0]
            host_ip = None
            if text.startswith("["):  # [::1]:5432:5432
                host_ip, _, text = text[1:].partition("]:")
            parts = text.split(":")
            if len(parts) == 3:
                host_ip, host, container = parts
            elif len(parts) == 2:
                host, container = parts
            else:
                host, container = "", parts[0]
            found.append((host_ip, host, container, line))
        return found

    def command_text(self, key: str = "command") -> str:
        value = self.data.get(key)
        if isinstance(value, list):
            return " ".join(str(v) for v in value)
        return "" if value is None else str(value)


@dataclass
class ComposeFile:
    path: Path
    rel: str
    data: LineDict
    services: list[Service] = field(default_factory=list)
    substitutions: list[Substitution] = field(default_factory=list)
    #: set when the file is for local development (its name, or every service's ``profiles:``)
    dev_reason: str | None = None

    def defaulted(self, line: int) -> list[Substitution]:
        """The ``${VAR:-default}`` substitutions made on a line."""
        return [s for s in self.substitutions if s.line == line]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ComposeError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _interpolate(value: Any, line: int, subs: list[Substitution]) -> Any:
    """Resolve variables in every string of ``value`` (recursively), recording each default used."""
    if isinstance(value, str):
        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            name = match.group("name") or match.group("plain")
            op, word = match.group("op"), match.group("word") or ""
            if op in (":-", "-"):
                subs.append(Substitution(line, match.group(0), word, name))
                return word
            if op in (":+", "+"):
                return ""
            return "${" + name + "}"  # from the deployment's environment (required with :? / ?)

        return _INTERPOLATION.sub(replace, value)
    if isinstance(value, LineDict):
        out = LineDict()
        out.line, out.key_lines = value.line, dict(value.key_lines)
        for key, item in value.items():
            out[key] = _interpolate(item, value.line_of(key), subs)
        return out
    if isinstance(value, LineList):
        out_list = LineList(_interpolate(item, value.line_of(i), subs) for i, item in enumerate(value))
        out_list.line, out_list.item_lines = value.line, list(value.item_lines)
        return out_list
    return value


def _dockerfile_of(service_data: LineDict, compose_dir: Path, root: Path) -> str | None:
    build = service_data.get("build")
    if build is None:
        return None
    if isinstance(build, LineDict):
        context = str(build.get("context") or ".")
        dockerfile = str(build.get("dockerfile") or "Dockerfile")
    else:
        context, dockerfile = str(build), "Dockerfile"
    path = (compose_dir / context / dockerfile).resolve()
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def parse_compose(path: Path, rel: str, root: Path) -> ComposeFile:
    """Parse one compose file; invalid YAML or a file that is not a compose mapping is a ComposeError."""
    from agno_check.project.yamlines import YamlError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ComposeError(f"cannot read it: {exc.strerror or exc}", 1) from None
    except UnicodeDecodeError:
        raise ComposeError("not a text file (not UTF-8)", 1) from None
    try:
        documents = load_documents(text)
    except YamlError as exc:
        raise ComposeError(str(exc), exc.line) from None
    raw = documents[0] if documents else LineDict()
    if not isinstance(raw, LineDict):
        raise ComposeError("not a compose file: the top level is not a mapping", 1)
    subs: list[Substitution] = []
    data = _interpolate(raw, raw.line, subs)
    services_node = data.get("services") or LineDict()
    if not isinstance(services_node, LineDict):
        raise ComposeError("'services' is not a mapping", data.line_of("services"))
    compose = ComposeFile(path, rel, data, substitutions=subs)
    for name, body in services_node.items():
        if not isinstance(body, LineDict):
            raise ComposeError(f"service {name!r} is not a mapping", services_node.line_of(name))
        service = Service(str(name), services_node.line_of(name), body, builds=_dockerfile_of(body, path.parent, root))
        profiles = body.get("profiles") or []
        dev_profiles = [str(p) for p in profiles if str(p).lower() in DEV_WORDS] if isinstance(profiles, list) else []
        if dev_profiles:
            service.dev_reason = f"its profiles: {', '.join(dev_profiles)} (line {body.line_of('profiles')})"
        compose.services.append(service)
    dev_words = sorted(name_words(path.name) & DEV_WORDS)
    if dev_words:
        compose.dev_reason = f"its name says so: {dev_words[0]}"
    elif compose.services and all(s.dev_reason for s in compose.services):
        compose.dev_reason = "every service has a development profile"
    return compose

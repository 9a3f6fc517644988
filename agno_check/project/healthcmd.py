"""Can a health-check command run in its image? Read, never run: its program, and for ``python -c`` its imports.

``python -c "import requests; ..."`` needs ``requests`` installed; ``curl -f ...`` needs curl; a script path
needs the file. "Cannot run" is said only with evidence (the module is installed by nothing the image
installs; the base image is known to lack curl); otherwise "could not confirm".
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass

from agno_check.project.dockerfile import words
from agno_check.project.image import ImageContents
from agno_check.project.model import Project
from agno_check.project.requirements import distribution_of, installed_closure, is_stdlib
from agno_check.project.scripts import in_project

PYTHONS = re.compile(r"^(?:/usr/(?:local/)?bin/)?python(?:3(?:\.\d+)?)?$")
SHELL_BUILTINS = frozenset({"exit", "test", "[", "true", "false", "echo", "kill", "sh", "bash", "cat"})


@dataclass
class HealthCommand:
    #: "none" (no check, or NONE / disable) or "shell" / "exec"
    form: str
    argv: list[str]
    text: str


def from_instruction(value: str) -> HealthCommand:
    """A Dockerfile ``HEALTHCHECK [--options] CMD ...`` / ``HEALTHCHECK NONE``."""
    text = value.strip()
    if text.upper() == "NONE":
        return HealthCommand("none", [], text)
    rest = re.sub(r"^(--[a-z-]+=\S+\s+)*", "", text)
    rest = re.sub(r"^CMD\s+", "", rest, flags=re.I)
    if rest.startswith("["):
        return HealthCommand("exec", words(rest), rest)
    return HealthCommand("shell", _shell_words(rest), rest)


def from_compose(test: object) -> HealthCommand:
    if isinstance(test, list) and test:
        head = str(test[0]).upper()
        if head == "NONE":
            return HealthCommand("none", [], "NONE")
        if head == "CMD-SHELL":
            text = " ".join(str(t) for t in test[1:])
            return HealthCommand("shell", _shell_words(text), text)
        argv = [str(t) for t in (test[1:] if head == "CMD" else test)]
        return HealthCommand("exec", argv, " ".join(argv))
    text = str(test or "")
    return HealthCommand("shell", _shell_words(text), text)


def _shell_words(text: str) -> list[str]:
    """The first simple command of a shell line (``curl -f x || exit 1`` -> ``curl -f x``)."""
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars="|&;")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return text.split()
    first: list[str] = []
    for token in tokens:
        if token and set(token) <= set("|&;"):
            break
        first.append(token)
    return first


def python_code(argv: list[str]) -> str | None:
    if len(argv) >= 3 and PYTHONS.match(argv[0]) and argv[1] == "-c":
        return argv[2]
    return None


def imports_of(code: str) -> list[str]:
    tree = ast.parse(code)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


def judge(command: HealthCommand, contents: ImageContents, project: Project) -> tuple[str, str]:
    """("ok" | "broken" | "unknown", why) for a command in an image with ``contents``."""
    argv = command.argv
    if not argv:
        return "broken", "the health check has no command"
    program = argv[0]
    code = python_code(argv)
    if code is not None:
        try:
            modules = imports_of(code)
        except SyntaxError as exc:
            return "broken", f"its python -c code is not valid Python ({exc.msg})"
        missing, unknown = [], []
        closure, not_here = installed_closure(contents.packages, contents.extras)
        for module in modules:
            if is_stdlib(module):
                continue
            dist = distribution_of(module)
            if dist in contents.packages:
                continue
            if dist in closure and not contents.complete:
                continue
            if contents.complete or not not_here:
                missing.append((module, dist))
            else:
                unknown.append(module)
        sources = ", ".join(contents.sources) or "no requirements file"
        if missing and contents.unresolved:
            unknown.extend(m for m, _ in missing)
            missing = []
            sources += f" (and {', '.join(contents.unresolved)}, which could not be read)"
        elif missing and not contents.base_known:
            unknown.extend(m for m, _ in missing)
            missing = []
            sources += f"; the base image {contents.base} may ship it"
        if missing:
            module, dist = missing[0]
            return "broken", (f"it imports {module}, which the image does not install ({dist} is not in "
                              f"{sources}" + ("" if contents.complete else
                                              ", nor required by what those install, as installed here") + ")")
        if unknown:
            return "unknown", (f"it imports {', '.join(unknown)}: not in {sources}, and could not confirm whether "
                               "another package installs it")
        return "ok", f"its imports ({', '.join(modules) or 'none'}) are installed ({sources})"
    name = program.rsplit("/", 1)[-1]
    if name in ("curl", "wget"):
        if name in contents.programs:
            return "ok", f"{name} is in the image"
        if name in contents.absent:
            return "broken", (f"{name} is not in the image (its base image {contents.base} lacks it and no RUN "
                              "installs it)")
        return "unknown", f"could not confirm that {name} is in the image"
    if PYTHONS.match(program):
        rest = [a for a in argv[1:] if not a.startswith("-") or a == "-m"]
        if rest[:1] == ["-m"] and len(rest) > 1:
            module = rest[1]
            if is_stdlib(module) or distribution_of(module) in contents.packages or \
                    in_project(project.root, module.replace(".", "/") + ".py") or \
                    (project.root / module.split(".", 1)[0]).is_dir():
                return "ok", f"python -m {module} can be found"
            return "unknown", f"could not confirm that python -m {module} is in the image"
        if rest:
            program = rest[0]
        else:
            return "unknown", "could not tell what the python command runs"
    if "/" in program or program.endswith((".sh", ".py")):
        if in_project(project.root, program) is None:
            return "broken", f"{program} does not exist in the project, so not in the image"
        return "ok", f"{program} is in the project"
    if name in SHELL_BUILTINS:
        return "ok", f"{name} is a shell command"
    return "unknown", f"could not confirm that {name} is in the image"

"""TARGET parsing: a URL, ``host:port``, an in-process ``module.path:attr`` / ``file.py:attr``, or a project
directory (its deployment files only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from agno_check.errors import UsageError

_HOST_PORT = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):(\d{1,5})$")
_OBJECT_SPEC = re.compile(r"^([\w./\\-]+\.py|[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*):([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)$")


@dataclass(frozen=True)
class TargetSpec:
    kind: str  # "http", "inprocess" or "project"
    value: str  # the URL, the object spec, or the directory
    guessed: str | None = None  # said to the user when the kind was a guess


def parse_target(text: str) -> TargetSpec:
    text = text.strip()
    if not text:
        raise UsageError("no target given: pass a URL (http://127.0.0.1:8000) or module:agent")
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        if not parts.hostname:
            raise UsageError(f"bad URL {text!r}: no host")
        try:
            parts.port  # noqa: B018 - validates the port
        except ValueError:
            raise UsageError(f"bad URL {text!r}: the port is not a number from 0 to 65535") from None
        return TargetSpec("http", text.rstrip("/"))
    if Path(text).is_dir():
        return TargetSpec("project", text, guessed=f"treating {text!r} as a project directory: its deployment files "
                                                   "(Dockerfile, compose, Kubernetes manifests) are read, no server "
                                                   "is contacted")
    if "://" in text:
        raise UsageError(f"bad URL {text!r}: only http:// and https:// targets are supported")
    match = _HOST_PORT.match(text)
    if match and int(match.group(2)) <= 65535:
        url = f"http://{text}"
        return TargetSpec("http", url, guessed=f"treating {text!r} as {url}")
    if _OBJECT_SPEC.match(text):
        return TargetSpec("inprocess", text)
    raise UsageError(
        f"cannot tell what {text!r} is: expected http(s)://host[:port], host:port, "
        "package.module:agent, path/to/file.py:agent or a project directory"
    )

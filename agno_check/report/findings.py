"""Findings: the fail and warn results of a report, each with where it was found and a stable identity.

SARIF, the baseline file and GitHub annotations all need the same three things of a finding: where (a route of
the target, or a deployment file and line), what (the detail), and a fingerprint that stays the same across runs
of the same target. Where comes from the evidence convention of the checks:

- deployment-file findings carry ``evidence["file"]`` (relative path) and ``evidence["line"]`` (1-based), or a
  list ``evidence["findings"] = [{"file", "line", "message"}, ...]`` (one finding each);
- URL findings carry ``evidence["request"]`` ("POST /agents/x/runs (no token)") or ``evidence["path"]``.

A fingerprint never holds the detail itself (it is a hash), and the detail is normalised first: numbers, hex and
UUID-like ids are replaced, so ``p95 2310 ms`` and ``p95 2290 ms``, or two random session ids, are the same
finding. Secrets never reach a fingerprint in the clear: the detail is already redacted, and it is hashed.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from agno_check.report.model import CheckResult, ReadinessReport

FINDING_STATUSES = ("fail", "warn")
_REQUEST_LINE = re.compile(r"^(?P<method>[A-Z]{3,7}) (?P<path>/\S*)")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_HEXISH = re.compile(r"\b(?=[0-9a-zA-Z_-]*\d)[0-9a-fA-F_-]{8,}\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Finding:
    check_id: str
    status: str
    message: str
    #: a route of the target ("/agents/helpdesk/runs"), None for a file finding or when the check names none
    route: str | None = None
    method: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def location(self) -> str:
        """Where, as a person reads it: ``Dockerfile:12``, ``POST /agents/x/runs``, or ``(the target)``."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        if self.route:
            return f"{self.method} {self.route}" if self.method else self.route
        return "(the target)"

    @property
    def identity(self) -> str:
        """What stays the same across runs: check, file or route, and (for files) the normalised message."""
        where = self.file or (f"{self.method or ''} {self.route}".strip() if self.route else "")
        what = normalise(self.message) if self.file else ""
        return digest(self.check_id, where, what)

    @property
    def fingerprint(self) -> str:
        """The identity plus the status and the normalised detail: a warn that turned into a fail, or a
        different flaw found by the same check at the same place, is a different finding."""
        return digest(self.identity, self.status, normalise(self.message))


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def normalise(text: str) -> str:
    """The detail without what changes between runs of the same target (numbers, ids)."""
    text = _UUID.sub("<id>", text)
    text = _HEXISH.sub("<id>", text)
    text = _NUMBER.sub("#", text)
    return " ".join(text.split())


def normalise_route(path: str) -> str:
    """A route path without query string and with id-like segments replaced (``/sessions/<id>/runs``)."""
    path = urlsplit(path).path or "/"
    segments = ["<id>" if _UUID.fullmatch(s) or _HEXISH.fullmatch(s) or s.isdigit() else s
                for s in path.split("/")]
    return "/".join(segments) or "/"


def route_of(evidence: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(method, route) from ``evidence["request"]`` ("POST /x (no token)") or ``evidence["path"]``."""
    if not evidence:
        return None, None
    request = evidence.get("request")
    if isinstance(request, str):
        match = _REQUEST_LINE.match(request.strip())
        if match:
            return match["method"], normalise_route(match["path"])
    path = evidence.get("path")
    if isinstance(path, str) and path.startswith("/"):
        return None, normalise_route(path)
    return None, None


def _line(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def findings_of(result: CheckResult) -> list[Finding]:
    """The findings of one result: none for pass/skip/error, one per listed file finding, else one."""
    if result.status not in FINDING_STATUSES:
        return []
    evidence = result.evidence or {}
    listed = evidence.get("findings")
    if isinstance(listed, list):
        found = [Finding(result.id, result.status, str(item.get("message") or result.detail),
                         file=str(item["file"]), line=_line(item.get("line")))
                 for item in listed if isinstance(item, dict) and item.get("file")]
        if found:
            return found
    if isinstance(evidence.get("file"), str) and evidence["file"]:
        return [Finding(result.id, result.status, result.detail, file=evidence["file"],
                        line=_line(evidence.get("line")))]
    method, route = route_of(evidence)
    return [Finding(result.id, result.status, result.detail, route=route, method=method)]


def repository_path(report: ReadinessReport, file: str) -> str:
    """A deployment file's path as GitHub wants it (relative to the checkout, where the job runs): the project
    directory (the target, or ``--project``) joined in front of the file's path inside it, when that directory
    is relative or lies under the working directory."""
    base = report.target if report.protocol == "project" else report.settings.get("project")
    if not isinstance(base, str) or not base:
        return file
    if os.path.isabs(base):
        relative = os.path.relpath(base)
        if relative.startswith(".."):
            return file
        base = relative
    joined = posixpath.normpath(posixpath.join(base.replace(os.sep, "/"), file))
    return joined.removeprefix("./")

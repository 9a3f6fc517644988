"""What a check returns: a status, one line of detail, evidence as data, and an optional remediation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from agno_check.errors import CheckSignal

Status = Literal["pass", "warn", "fail", "skip", "error"]


@dataclass
class Outcome:
    status: Status
    detail: str
    evidence: dict[str, Any] = field(default_factory=dict)
    #: a remediation more specific than the check's "How to fix" section
    remediation: str | None = None


def passed(detail: str, **evidence: Any) -> Outcome:
    return Outcome("pass", detail, evidence)


def warned(detail: str, remediation: str | None = None, **evidence: Any) -> Outcome:
    return Outcome("warn", detail, evidence, remediation)


def failed(detail: str, remediation: str | None = None, **evidence: Any) -> Outcome:
    return Outcome("fail", detail, evidence, remediation)


def skipped(detail: str, **evidence: Any) -> Outcome:
    return Outcome("skip", detail, evidence)


def errored(detail: str, **evidence: Any) -> Outcome:
    return Outcome("error", detail, evidence)


class SkipCheck(CheckSignal):
    """Raised from a helper to skip the calling check with a reason (a precondition that does not hold)."""


class CheckErrored(CheckSignal):
    """Raised from a helper when the check cannot ask its question (e.g. no valid turn to compare with)."""

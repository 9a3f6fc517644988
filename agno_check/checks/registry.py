"""The check catalogue: every check is one async function registered with ``@check``.

The id is the index (as ruff's rule codes are): ``security.jwt_alg_none`` lives in
``agno_check/checks/security/jwt_alg_none.py``. A check's docstring has three fixed sections, ``What it
checks:``, ``Why it matters:`` and ``How to fix:``; the report's remediation and ``agno-check checks --explain``
come from them, so the text lives in one place.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from agno_check.errors import UsageError
from agno_check.report.model import CATEGORIES, SEVERITY_WEIGHT

if TYPE_CHECKING:
    from agno_check.checks.context import CheckContext
    from agno_check.checks.outcome import Outcome

#: read-only probes first, measurements next, bursts last (so one check's burst does not poison another's numbers);
#: "final" checks judge what every other check's runs left behind (in-process logs, egress)
PHASES = ("probe", "measure", "burst", "final")
Phase = Literal["probe", "measure", "burst", "final"]
TargetKind = Literal["http", "inprocess", "project"]
#: why a check of the serving app is skipped for an in-process agent
DEPLOYMENT = ("in-process, the app is agno-check's own AgentOS wrapper, not your deployment: check this on the "
              "deployed URL")
CheckFunc = Callable[["CheckContext"], Awaitable["Outcome"]]
_ID = re.compile(r"^(configuration|performance|reliability|security)\.[a-z0-9_]+$")
_SECTIONS = ("What it checks:", "Why it matters:", "How to fix:")


@dataclass(frozen=True)
class CheckSpec:
    id: str
    severity: str
    title: str
    func: CheckFunc = field(repr=False, compare=False)
    phase: Phase = "probe"
    intrusive: bool = False
    #: which kinds of target the check applies to; "inprocess" targets also expose an HTTP surface
    targets: tuple[TargetKind, ...] = ("http", "inprocess")
    #: the reason a check does not apply to an in-process target (deployment concerns)
    inprocess_skip: str | None = None

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    def section(self, name: str) -> str:
        """One docstring section ("What it checks", "Why it matters", "How to fix"), unwrapped."""
        doc = self.func.__doc__ or ""
        header = f"{name}:"
        if header not in doc:
            return ""
        text = doc.split(header, 1)[1]
        for other in _SECTIONS:
            text = text.split(other, 1)[0]
        return " ".join(text.split())

    @property
    def remediation(self) -> str:
        return self.section("How to fix")


REGISTRY: dict[str, CheckSpec] = {}


def check(
    *,
    id: str,  # noqa: A002 - the catalogue's own word
    severity: str,
    title: str,
    phase: Phase = "probe",
    intrusive: bool = False,
    targets: tuple[TargetKind, ...] | None = None,
    inprocess_skip: str | None = None,
) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check. Ids are permanent: a duplicate or malformed id is refused at import time.

    ``inprocess_skip`` (the reason a deployment concern does not apply to an agent object) implies
    ``targets=("http",)``; without either, a check runs on both kinds of target."""
    if targets is None:
        targets = ("http",) if inprocess_skip else ("http", "inprocess")
    if not _ID.match(id):
        raise ValueError(f"malformed check id {id!r}")
    if severity not in SEVERITY_WEIGHT:
        raise ValueError(f"{id}: unknown severity {severity!r}")
    if phase not in PHASES:
        raise ValueError(f"{id}: unknown phase {phase!r}")

    def register(func: CheckFunc) -> CheckFunc:
        if id in REGISTRY:
            raise ValueError(f"duplicate check id {id!r}")
        REGISTRY[id] = CheckSpec(id=id, severity=severity, title=title, func=func, phase=phase,
                                 intrusive=intrusive, targets=targets, inprocess_skip=inprocess_skip)
        return func

    return register


def load_catalogue() -> dict[str, CheckSpec]:
    """Import every check module under ``agno_check/checks/<category>/`` (each registers itself)."""
    if not getattr(load_catalogue, "_loaded", False):
        for category in CATEGORIES:
            package = importlib.import_module(f"agno_check.checks.{category}")
            for module in pkgutil.iter_modules(package.__path__):
                if not module.name.startswith("_"):
                    importlib.import_module(f"{package.__name__}.{module.name}")
        load_catalogue._loaded = True  # type: ignore[attr-defined]
    return dict(sorted(REGISTRY.items(), key=lambda item: (CATEGORIES.index(item[1].category), item[0])))


def select(catalogue: dict[str, CheckSpec], only: list[str], skip: list[str]) -> list[CheckSpec]:
    """Filter by ids or categories; an unknown name is a usage error (exit 2), never silently ignored."""
    for name in [*only, *skip]:
        if name not in catalogue and name not in CATEGORIES:
            raise UsageError(f"unknown check id or category {name!r} (list them with `agno-check checks`)")

    def matches(spec: CheckSpec, names: list[str]) -> bool:
        return spec.id in names or spec.category in names

    chosen = [s for s in catalogue.values() if (not only or matches(s, only)) and not matches(s, skip)]
    return sorted(chosen, key=lambda s: PHASES.index(s.phase))  # stable: keeps catalogue order within a phase

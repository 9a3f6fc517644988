"""Per-check policy from the config file: a team accepts a finding for a while, with a reason, until a date.

    [tool.agno-check.readiness.policy]          # or [readiness.policy] in agno-check.toml
    "security.headers" = {level = "warn", reason = "headers set at the CDN", expires = "2027-03-01"}

Levels: ``ignore`` (not counted in score or gate, shown as ignored), ``warn`` (a fail counts as a warn),
``fail`` (a warn counts as a fail, and a fail of this check fails the gate whatever ``--fail-on`` says). A
``reason`` is required: the report shows it beside the check, so the next reader knows why. After ``expires``
(a date; the entry still applies on that day) the entry stops applying and the run says so in one line. A key
is a check id or a category (as ``--skip`` takes them); an id's entry wins over its category's. An unknown key
is exit 2 before any traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agno_check.errors import UsageError
from agno_check.report.model import CATEGORIES, CheckResult

LEVELS = ("ignore", "warn", "fail")


class PolicyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal["ignore", "warn", "fail"]
    reason: str = Field(min_length=1)
    expires: date | None = None


def parse_policy(raw: Any) -> dict[str, PolicyEntry]:
    """Validate the ``policy`` table; a bad entry is one sentence naming the key and what is wrong."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("policy must be a table of check id = {level, reason, expires}")
    entries: dict[str, PolicyEntry] = {}
    for key, value in raw.items():
        if isinstance(value, PolicyEntry):
            entries[str(key)] = value
            continue
        if not isinstance(value, dict):
            raise ValueError(f"policy {key!r}: expected {{level = \"warn\", reason = \"...\"}}, got {value!r}")
        if not str(value.get("reason") or "").strip():
            raise ValueError(f"policy {key!r}: a reason is required (why this check counts differently)")
        try:
            entries[str(key)] = PolicyEntry(**value)
        except ValidationError as exc:
            error = exc.errors()[0]
            field_name = ".".join(str(p) for p in error["loc"]) or "entry"
            if field_name == "level":
                raise ValueError(f"policy {key!r}: level must be one of {', '.join(LEVELS)}") from None
            raise ValueError(f"policy {key!r}: {field_name}: {error['msg']}") from None
    return entries


@dataclass
class ActivePolicy:
    """The entries that apply today, and one line per entry that has expired."""

    entries: dict[str, PolicyEntry] = field(default_factory=dict)
    expired: list[str] = field(default_factory=list)

    def entry_for(self, check_id: str) -> PolicyEntry | None:
        return self.entries.get(check_id) or self.entries.get(check_id.split(".", 1)[0])

    def apply(self, result: CheckResult) -> None:
        """Mark ``result`` with the entry that applies to it (the score and gate read the mark)."""
        entry = self.entry_for(result.id)
        if entry is not None:
            result.policy, result.policy_reason, result.policy_expires = entry.level, entry.reason, entry.expires


def active_policy(entries: dict[str, PolicyEntry], known_ids: set[str], today: date | None = None) -> ActivePolicy:
    """Check every key against the catalogue (exit 2 on an unknown one) and drop the expired entries."""
    for key in entries:
        if key not in known_ids and key not in CATEGORIES:
            raise UsageError(f"policy: unknown check id or category {key!r} (list them with `agno-check checks`)")
    today = today or datetime.now(UTC).date()
    active = ActivePolicy()
    for key, entry in entries.items():
        if entry.expires is not None and entry.expires < today:
            active.expired.append(f"policy for {key} ({entry.level}: {entry.reason}) expired on "
                                  f"{entry.expires.isoformat()}; it no longer applies")
        else:
            active.entries[key] = entry
    return active

"""Gradual adoption, read before the run and applied to its results: the config file's per-check policy and the
known-issues baseline. Every kind of target (a URL, an agent object, a project directory) goes through here, so
a policy or a baseline can never be silently skipped by one of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agno_check.report.baseline import BaselineFile, baseline_note, mark_baseline, read_baseline
from agno_check.report.model import BaselineSummary, CheckResult
from agno_check.report.policy import ActivePolicy, active_policy


@dataclass
class Adoption:
    policy: ActivePolicy = field(default_factory=ActivePolicy)
    baseline: BaselineFile | None = None
    baseline_path: str | None = None

    @classmethod
    def prepare(cls, settings: Any, check_ids: set[str]) -> Adoption:
        """Check the policy's ids and read the baseline: both exit 2 before any traffic."""
        path = getattr(settings, "baseline", None)
        return cls(policy=active_policy(getattr(settings, "policy", {}) or {}, check_ids),
                   baseline=read_baseline(path) if path else None, baseline_path=path)

    def apply(self, results: list[CheckResult]) -> tuple[list[str], BaselineSummary | None]:
        """Mark the results (policy, then known/new); the notes to add and the baseline summary."""
        for result in results:
            self.policy.apply(result)
        notes = list(self.policy.expired)
        summary = None
        if self.baseline is not None and self.baseline_path:
            summary = mark_baseline(results, self.baseline, self.baseline_path)
            notes.append(baseline_note(summary))
        return notes, summary

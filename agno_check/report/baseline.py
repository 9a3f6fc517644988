"""The known-issues baseline: ``--write-baseline FILE`` records today's findings, ``--baseline FILE`` marks each
finding of a later run ``known`` or ``new`` and lists those that disappeared as fixed.

The file is reviewable JSON, sorted, with no timestamps and no random ids, so writing it twice against the same
target gives the same bytes and a change to it reads well in a pull request. A finding is a fail or a warn (an
``error`` is not a finding: it means agno-check could not measure, and it always counts for the gate). Its
fingerprint is a hash of the check id, the route or file, the status and the normalised detail
(``report/findings.py``); no detail, evidence or secret is stored in the clear.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from agno_check.errors import UsageError
from agno_check.report.findings import findings_of
from agno_check.report.model import BaselineFinding, BaselineSummary, CheckResult, ReadinessReport

SCHEMA = "agno-check/baseline/v1"
#: statuses whose check measured something: a baseline finding of such a check that is gone is fixed
MEASURED = ("pass", "warn", "fail")


class BaselineEntry(BaselineFinding):
    title: str = ""
    severity: str = ""


class BaselineFile(BaseModel):
    schema_: str = Field(SCHEMA, alias="schema")
    tool: str = "agno-check"
    target: str = ""
    findings: list[BaselineEntry] = Field(default_factory=list)

    model_config = {"populate_by_name": True}


def entries_of(results: list[CheckResult]) -> list[BaselineEntry]:
    entries = {}
    for result in results:
        for finding in findings_of(result):
            entries[finding.fingerprint] = BaselineEntry(
                check=result.id, status=finding.status, location=finding.location, identity=finding.identity,
                fingerprint=finding.fingerprint, title=result.title, severity=result.severity)
    return sorted(entries.values(), key=lambda e: (e.check, e.location, e.fingerprint))


def render_baseline(report: ReadinessReport) -> str:
    """The baseline file of ``report``'s findings (stable: the same findings give the same bytes)."""
    document = BaselineFile(target=report.target, findings=entries_of(report.checks))
    return json.dumps(document.model_dump(by_alias=True, mode="json"), indent=2, sort_keys=False) + "\n"


def read_baseline(path: str) -> BaselineFile:
    """Read and check a baseline file; an unreadable or malformed one is exit 2 before any traffic."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--baseline {path}: file not found (write one with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--baseline {path}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--baseline {path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise UsageError(f"--baseline {path}: not an agno-check baseline (expected \"schema\": \"{SCHEMA}\"; "
                         "a load report is compared by `agno-check load --baseline`)")
    try:
        return BaselineFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise UsageError(f"--baseline {path}: {where}: {error['msg']}") from None


def mark_baseline(results: list[CheckResult], baseline: BaselineFile, path: str) -> BaselineSummary:
    """Mark each finding known/new (in place) and collect the baseline's findings that are gone."""
    known_prints = {e.fingerprint for e in baseline.findings}
    summary = BaselineSummary(file=path)
    present: set[str] = set()
    for result in results:
        findings = findings_of(result)
        if not findings:
            continue
        present.update(f.identity for f in findings)
        present.update(f.fingerprint for f in findings)
        if all(f.fingerprint in known_prints for f in findings):
            result.baseline = "known"
            summary.known += 1
        else:
            result.baseline = "new"
            summary.new += 1
    measured = {r.id for r in results if r.status in MEASURED}
    summary.fixed = [BaselineFinding(**e.model_dump(include=set(BaselineFinding.model_fields)))
                     for e in baseline.findings
                     if e.check in measured and e.fingerprint not in present and e.identity not in present]
    return summary


def baseline_note(summary: BaselineSummary) -> str:
    names = ", ".join(f"{f.check} at {f.location}" for f in summary.fixed[:5])
    more = f" and {len(summary.fixed) - 5} more" if len(summary.fixed) > 5 else ""
    fixed = f", {len(summary.fixed)} fixed since ({names}{more})" if summary.fixed else ""
    return (f"baseline {summary.file}: {summary.known} known finding(s) not counted by the gate, "
            f"{summary.new} new{fixed}")

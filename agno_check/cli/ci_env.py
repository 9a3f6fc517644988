"""What a report does inside a CI job: the job summary and annotations (GitHub Actions), both commands alike.

- ``GITHUB_STEP_SUMMARY`` set: the Markdown report is appended to that file, kept under GitHub's 1 MiB cap per
  step (what the step already wrote counts; a longer report is cut with a line saying so).
- ``GITHUB_ACTIONS=true``: annotations (``report/github.py``) on stderr, which the runner reads as it reads
  stdout, so that ``--format json`` on stdout stays the document alone.

A summary file that cannot be written is one warning line, not a failed run: the gate decides the exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

SUMMARY_CAP_BYTES = 1024 * 1024
_CUT = "\n\n_(agno-check: the report was cut here to stay under GitHub's 1 MiB job summary limit)_\n"


def fit_summary(text: str, already: int, cap: int = SUMMARY_CAP_BYTES) -> str:
    """``text`` cut (on a line boundary) so that ``already`` + its size stays under ``cap`` bytes."""
    data = ("\n" + text if already else text).encode("utf-8")
    room = cap - already - 1
    if len(data) <= room:
        return data.decode("utf-8")
    keep = max(0, room - len(_CUT.encode("utf-8")))
    cut = data[:keep].decode("utf-8", errors="ignore")
    cut = cut[: cut.rfind("\n")] if "\n" in cut else ""
    return cut + _CUT if keep else ""


def append_summary(path: str, markdown: str) -> None:
    try:
        already = os.path.getsize(path) if os.path.exists(path) else 0
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(fit_summary(markdown, already))
    except OSError as exc:
        sys.stderr.write(f"agno-check: warning: cannot append to GITHUB_STEP_SUMMARY {path}: "
                         f"{exc.strerror or exc}\n")


def publish(report: Any, markdown: Callable[[Any], str], annotations: Callable[[Any], list[str]]) -> None:
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        append_summary(summary, markdown(report))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        lines = annotations(report)
        if lines:
            sys.stderr.write("\n".join(lines) + "\n")
            sys.stderr.flush()

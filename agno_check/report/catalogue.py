"""The check catalogue as ``agno-check checks`` prints it (rich, json, markdown) and the README's table.

Renderers of the registry, like the report renderers are of a report: the README's table is
``render_markdown(load_catalogue())``, and a test keeps the README equal to it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agno_check.checks.registry import CheckSpec

FORMATS = ("rich", "json", "markdown")


def rows(catalogue: dict[str, CheckSpec]) -> list[dict[str, Any]]:
    return [{"id": s.id, "category": s.category, "severity": s.severity, "title": s.title,
             "intrusive": s.intrusive, "phase": s.phase} for s in catalogue.values()]


def render_json(catalogue: dict[str, CheckSpec]) -> str:
    return json.dumps({"checks": rows(catalogue)}, indent=2)


def render_markdown(catalogue: dict[str, CheckSpec]) -> str:
    lines = ["| id | severity | title |", "|---|---|---|"]
    lines += [f"| `{row['id']}` | {row['severity']} | {row['title']}{' (intrusive)' if row['intrusive'] else ''} |"
              for row in rows(catalogue)]
    return "\n".join(lines)


def render_terminal(catalogue: dict[str, CheckSpec], console: Any) -> None:
    from rich.table import Table

    listed = rows(catalogue)
    table = Table(title=f"{len(listed)} readiness checks")
    for column in ("id", "severity", "title"):
        table.add_column(column)
    for row in listed:
        table.add_row(row["id"], row["severity"], row["title"] + (" (intrusive)" if row["intrusive"] else ""))
    console.print(table)


def explain(spec: CheckSpec) -> str:
    """``agno-check checks --explain ID``: the check's three docstring sections."""
    head = f"{spec.id} ({spec.severity}{', intrusive' if spec.intrusive else ''}): {spec.title}\n"
    return head + "".join(f"\n{name}: {spec.section(name)}\n" for name in ("What it checks", "Why it matters",
                                                                          "How to fix"))

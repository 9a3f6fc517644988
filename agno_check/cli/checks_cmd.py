"""``agno-check checks``: the catalogue (id, category, severity, title), or one check explained."""

from __future__ import annotations

from typing import Annotated

import typer


def checks(
    format: Annotated[str, typer.Option("--format", help="rich, json or markdown.")] = "rich",
    explain: Annotated[str | None, typer.Option("--explain", metavar="ID",
                                                help="Print what one check does, why, and how to fix it.")] = None,
) -> None:
    """List the readiness checks, or explain one."""
    import json

    from agno_check.checks.registry import load_catalogue
    from agno_check.errors import UsageError

    catalogue = load_catalogue()
    if explain:
        spec = catalogue.get(explain)
        if spec is None:
            raise UsageError(f"unknown check id {explain!r} (list them with `agno-check checks`)")
        typer.echo(f"{spec.id} ({spec.severity}{', intrusive' if spec.intrusive else ''}): {spec.title}\n")
        for section in ("What it checks", "Why it matters", "How to fix"):
            typer.echo(f"{section}: {spec.section(section)}\n")
        return
    rows = [{"id": s.id, "category": s.category, "severity": s.severity, "title": s.title,
             "intrusive": s.intrusive, "phase": s.phase} for s in catalogue.values()]
    if format == "json":
        typer.echo(json.dumps({"checks": rows}, indent=2))
    elif format == "markdown":
        typer.echo("| id | severity | title |\n|---|---|---|")
        for row in rows:
            typer.echo(f"| `{row['id']}` | {row['severity']} | {row['title']} |")
    elif format == "rich":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{len(rows)} readiness checks")
        for column in ("id", "severity", "title"):
            table.add_column(column)
        for row in rows:
            table.add_row(row["id"], row["severity"], row["title"] + (" (intrusive)" if row["intrusive"] else ""))
        Console().print(table)
    else:
        raise UsageError(f"unknown --format {format!r}: expected rich, json or markdown")

"""``agno-check checks``: the catalogue (id, category, severity, title), or one check explained."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def checks(
    format: Annotated[str, typer.Option("--format", help="rich, json or markdown.")] = "rich",
    explain: Annotated[str | None, typer.Option("--explain", metavar="ID",
                                                help="Print what one check does, why, and how to fix it.")] = None,
) -> None:
    """List the readiness checks, or explain one."""
    from agno_check.checks.registry import load_catalogue
    from agno_check.errors import UsageError
    from agno_check.report import catalogue as render

    catalogue = load_catalogue()
    if explain:
        spec = catalogue.get(explain)
        if spec is None:
            raise UsageError(f"unknown check id {explain!r} (list them with `agno-check checks`)")
        typer.echo(render.explain(spec))
        return
    if format == "rich":
        from agno_check.cli.output import console_for

        render.render_terminal(catalogue, console_for(sys.stdout))
    elif format in ("json", "markdown"):
        typer.echo({"json": render.render_json, "markdown": render.render_markdown}[format](catalogue))
    else:
        raise UsageError(f"unknown --format {format!r}: expected {', '.join(render.FORMATS)}")

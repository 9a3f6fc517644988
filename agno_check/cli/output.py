"""Where reports go: the chosen format to stdout or ``--output``, extra JUnit/Markdown files, progress to stderr.

With ``--format json|junit|markdown`` and no ``--output``, stdout carries that document alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agno_check.errors import UsageError


def write_file(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def console_for(stream: Any, stderr: bool = False) -> Any:
    """A rich console; a CI log (not a terminal, no COLUMNS) gets 140 columns instead of rich's 80."""
    import os

    from rich.console import Console

    wide = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(stderr=stderr, width=140 if wide else None)


def emit(report: Any, settings: Any, renderers: dict[str, Callable[[Any], str]],
         terminal: Callable[[Any, Any], None], summary: Callable[[Any, Any, str], None] | None = None) -> None:
    """Render ``report`` in the chosen format and in every extra file asked for. ``summary(report, console,
    path)``: what stderr gets when the report went to ``--output`` in another format (default: ``terminal``)."""
    from rich.console import Console

    fmt = settings.format or "rich"
    if fmt != "rich" and fmt not in renderers:
        raise UsageError(f"--format {fmt} is not available for this command (choose from rich, "
                         f"{', '.join(renderers)})")
    if fmt == "rich":
        if settings.output:
            with open(settings.output, "w", encoding="utf-8") as handle:
                terminal(report, Console(file=handle, width=140, no_color=True))
        if not settings.quiet or not settings.output:
            terminal(report, console_for(sys.stdout))
    else:
        text = renderers[fmt](report)
        if settings.output:
            write_file(settings.output, text)
            if not settings.quiet:
                console = console_for(sys.stderr, stderr=True)
                if summary:
                    summary(report, console, settings.output)
                else:
                    terminal(report, console)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
    for extra_format in ("junit", "markdown"):
        path = getattr(settings, extra_format, None)
        if path and extra_format in renderers:
            write_file(path, renderers[extra_format](report))

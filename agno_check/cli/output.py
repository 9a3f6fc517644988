"""Where reports go: the chosen format to stdout or ``--output``, extra JUnit/Markdown files, progress to stderr.

With ``--format json|junit|markdown`` and no ``--output``, stdout carries that document alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agno_check.errors import UsageError

#: the settings field of each extra output file -> the renderer that writes it
EXTRA_OUTPUTS = {"junit": "junit", "markdown": "markdown", "sarif": "sarif", "html": "html",
                 "write_baseline": "baseline"}


def _flag(field: str) -> str:
    return f"--{field.replace('_', '-')}"


def ensure_writable(flag: str, path: str) -> None:
    """Open ``path`` for appending (and remove it again if it did not exist): the one honest test that the
    report can be written there, done before the first request so a bad path is exit 2, not a lost run."""
    import os

    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{flag} {path}: is a directory, not a file")
    existed = target.exists()
    try:
        with open(target, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot write it ({exc.strerror or exc})") from None
    if not existed:
        os.unlink(target)


def check_outputs(settings: Any, formats: list[str], extra: dict[str, str] | None = None) -> None:
    """``--format`` and every output path, before any traffic (exit 2 with one line): the format is one of
    ``formats``, no two outputs name the same file, and each file can be written."""
    fmt = settings.format or "rich"
    if fmt != "rich" and fmt not in formats:
        raise UsageError(f"--format {fmt} is not available for this command (choose from rich, {', '.join(formats)})")
    outputs = {"output": settings.output} if settings.output else {}
    for field in {**EXTRA_OUTPUTS, **(extra or {})}:
        if getattr(settings, field, None):
            outputs[field] = getattr(settings, field)
    seen: dict[Path, str] = {}
    for field, path in outputs.items():
        resolved = Path(path).expanduser().resolve()
        if resolved in seen:
            raise UsageError(f"{_flag(field)} and {_flag(seen[resolved])} name the same file {path}")
        seen[resolved] = field
        ensure_writable(_flag(field), path)


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
    for field, renderer in EXTRA_OUTPUTS.items():
        path = getattr(settings, field, None)
        if path and renderer in renderers:
            write_file(path, renderers[renderer](report))

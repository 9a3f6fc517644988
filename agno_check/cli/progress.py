"""Progress on stderr while checks run (only when stderr is a terminal), so stdout stays the report's."""

from __future__ import annotations

import sys
from typing import Any


class ReadinessProgress:
    def __init__(self, enabled: bool, notes_in_report: bool = False) -> None:
        self.notes_in_report = notes_in_report
        self.quiet = not enabled
        self.enabled = enabled and sys.stderr.isatty()
        self._console: Any = None
        self._total = 0
        self._done = 0

    def start(self, opened: Any, specs: list[Any]) -> None:
        from rich.console import Console

        from agno_check.targets.seal import TerminalStream, terminal_stream

        # the terminal, even while an in-process run sends fd 1/2 to its log file
        self._console = Console(file=TerminalStream())
        self._total = len(specs)
        for note in [] if self.quiet or self.notes_in_report else opened.notes:
            # notes (what was chosen, and why) are worth a line even when stderr is not a terminal
            terminal_stream().write(f"agno-check: {note}\n")
        if self.enabled:
            self._console.print(f"[dim]running {self._total} checks against {opened.display}…[/dim]")

    def result(self, result: Any) -> None:
        self._done += 1
        if self.enabled and self._console is not None:
            self._console.print(f"[dim]{self._done:>2}/{self._total} {result.id}: {result.status}[/dim]")

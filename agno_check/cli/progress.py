"""Progress on stderr while the checks run, so stdout stays the report's.

Three ways, chosen once: on a terminal, a live line (the check running now, done/total, elapsed, a countdown
while a 429 is waited out) with each finished check printed above it as it lands, like pytest's dots and k6's
progress line; in a CI log (stderr not a terminal), one plain line per finished check, readable in any log
viewer; with ``--quiet``, nothing.
"""

from __future__ import annotations

import math
import time
from typing import Any

from rich.progress import ProgressColumn
from rich.text import Text

from agno_check.checks.context import ProgressHooks

#: one mark per status, the same in the live lines and the report
MARK = {"pass": "✓", "warn": "!", "fail": "✗", "error": "E", "skip": "-"}
STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim", "error": "magenta"}
#: a plain line's detail is cut here, so one check stays one line of a 140-column log
PLAIN_DETAIL_CHARS = 90


def duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


class ReadinessProgress(ProgressHooks):
    """The CLI's progress display; ``start``/``result`` are run_readiness's callbacks, ``check_started`` and
    ``waiting`` its hooks (the runner and the context call them)."""

    def __init__(self, enabled: bool, notes_in_report: bool = False, stream: Any = None) -> None:
        if stream is None:  # the terminal, even while an in-process run sends fd 1/2 to its log file
            from agno_check.targets.seal import TerminalStream

            stream = TerminalStream()
        self.stream = stream
        self.notes_in_report = notes_in_report
        self.quiet = not enabled
        self.live = enabled and self.stream.isatty()
        self._console: Any = None
        self._progress: Any = None
        self._task: Any = None
        self._total = 0
        self._done = 0
        self._started = time.monotonic()
        self.current: str | None = None
        self._wait_until = 0.0
        self._wait_reason = ""

    # ------------------------------------------------------------------ run_readiness's callbacks

    def start(self, opened: Any, specs: list[Any]) -> None:
        self._total = len(specs)
        self._started = time.monotonic()
        if self.quiet:
            return
        for note in [] if self.notes_in_report else opened.notes:
            # notes (what was chosen, and why) are worth a line even when stderr is not a terminal
            self.stream.write(f"agno-check: {note}\n")
        if not self.live:
            self.stream.write(f"agno-check: running {self._total} checks against {opened.display}\n")
            self.stream.flush()
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

        self._console = Console(file=self.stream)
        self._console.print(Text(f"running {self._total} checks against {opened.display}", style="dim"))
        self._progress = Progress(SpinnerColumn(), BarColumn(bar_width=24), MofNCompleteColumn(),
                                  TimeElapsedColumn(), _NowColumn(self), console=self._console, transient=True,
                                  # sys.stdout/sys.stderr stay where they are: an in-process run sends them
                                  # (agno's printed tracebacks) to its log file, not above the live line
                                  redirect_stdout=False, redirect_stderr=False)
        self._task = self._progress.add_task("checks", total=self._total)
        self._progress.start()

    def result(self, result: Any) -> None:
        self._done += 1
        self.current = None
        self._wait_until = 0.0
        if self.quiet:
            return
        if self.live:
            line = Text.assemble((f"{MARK[result.status]} ", STYLE[result.status]), result.id,
                                 (f"  {result.status}", STYLE[result.status]),
                                 (f"  {duration(result.duration_ms)}", "dim"))
            if result.status in ("fail", "error", "warn"):
                line.append(f"  {_one_line(result.detail, PLAIN_DETAIL_CHARS)}", style="dim")
            self._progress.console.print(line, no_wrap=True, overflow="ellipsis")
            self._progress.update(self._task, completed=self._done)
            return
        line = (f"[{self._done:>{len(str(self._total))}}/{self._total} {self._elapsed():>6}] "
                f"{result.status:<5} {result.id} ({duration(result.duration_ms)})")
        if result.status in ("fail", "error", "warn"):
            line += f": {_one_line(result.detail, PLAIN_DETAIL_CHARS)}"
        self.stream.write(line + "\n")
        self.stream.flush()

    # ------------------------------------------------------------------ the runner's hooks

    def check_started(self, check_id: str) -> None:
        self.current = check_id
        self._wait_until = 0.0

    def waiting(self, seconds: float, reason: str) -> None:
        if self.quiet or seconds <= 0:
            return
        self._wait_until = time.monotonic() + seconds
        self._wait_reason = reason
        if not self.live:
            self.stream.write(f"agno-check: {self.current or 'between checks'}: waiting {seconds:.1f} s: "
                              f"{reason}\n")
            self.stream.flush()

    def stop(self) -> None:
        """End the live line (also after Ctrl-C), so the report prints on a clean terminal."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    # ------------------------------------------------------------------ what the live line shows

    def now_text(self) -> str:
        text = self.current or ""
        left = self._wait_until - time.monotonic()
        if left > 0:
            text += f"  waiting {math.ceil(left)} s: {self._wait_reason}"
        return text

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self._started:.1f} s"


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _NowColumn(ProgressColumn):
    """The check running now, and a countdown while the run waits out a 429 (computed at each refresh)."""

    def __init__(self, progress: ReadinessProgress) -> None:
        super().__init__()
        self._owner = progress

    def render(self, task: Any) -> Text:
        text = self._owner.now_text()
        style = "yellow" if "waiting" in text else "cyan"
        return Text(text, style=style, no_wrap=True, overflow="ellipsis")

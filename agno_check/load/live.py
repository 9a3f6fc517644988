"""What a running load test shows: a rich panel on stderr refreshed each second when stderr is a terminal,
plain periodic lines when it is not (CI logs), nothing with ``--quiet``. Driven by the engine's own one-second
greenlet (no refresh thread: a CPU-bound thread would stall every simulated user under gevent)."""

from __future__ import annotations

import sys
import time
from typing import Any

PLAIN_EVERY_S = 5.0


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


class LiveView:
    def __init__(self, quiet: bool, title: str) -> None:
        self.quiet = quiet
        self.title = title
        self.tty = sys.stderr.isatty()
        self._live: Any = None
        self._last_plain = 0.0

    def start(self) -> None:
        if self.quiet or not self.tty:
            return
        from rich.console import Console
        from rich.live import Live

        self._live = Live(self._render(None), console=Console(stderr=True), auto_refresh=False,
                          redirect_stdout=False, redirect_stderr=False, transient=False)
        self._live.start()

    def message(self, text: str) -> None:
        if self.quiet:
            return
        if self._live is not None:
            self._live.console.print(f"[dim]{text}[/dim]")
        else:
            sys.stderr.write(f"agno-check: {text}\n")
            sys.stderr.flush()

    def update(self, snap: dict[str, Any]) -> None:
        if self.quiet:
            return
        if self._live is not None:
            self._live.update(self._render(snap), refresh=True)
            return
        now = time.monotonic()
        if now - self._last_plain >= PLAIN_EVERY_S:
            self._last_plain = now
            sys.stderr.write(f"agno-check: {self._line(snap)}\n")
            sys.stderr.flush()

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    @staticmethod
    def _clock(snap: dict[str, Any]) -> str:
        elapsed = snap["elapsed_s"]
        planned = snap.get("planned_s")
        return f"{elapsed:5.0f} s / {planned:.0f} s" if planned else f"{elapsed:5.0f} s"

    def _line(self, snap: dict[str, Any]) -> str:
        text = (f"{self._clock(snap)}  users {snap['users']}  {snap['rps']:,.1f} req/s  "
                f"p50 {_ms(snap['p50'])}  p95 {_ms(snap['p95'])}")
        if snap.get("ttft_p95") is not None:
            text += f"  TTFT p95 {_ms(snap['ttft_p95'])}"
        return text + f"  requests {snap['requests']:,}  failures {snap['failures']:,}"

    def _render(self, snap: dict[str, Any] | None) -> Any:
        from rich.panel import Panel
        from rich.table import Table

        table = Table.grid(padding=(0, 3))
        for _ in range(4):
            table.add_column()
        if snap is None:
            table.add_row("starting…", "", "", "")
        else:
            remaining = (snap["planned_s"] - snap["elapsed_s"]) if snap.get("planned_s") else None
            table.add_row("elapsed", f"{snap['elapsed_s']:.0f} s", "remaining",
                          "stopping…" if snap.get("stopping") else
                          ("—" if remaining is None else f"{max(0.0, remaining):.0f} s"))
            table.add_row("users", str(snap["users"]), "requests/s", f"{snap['rps']:,.1f}")
            table.add_row("p50", _ms(snap["p50"]), "p95", _ms(snap["p95"]))
            if snap.get("ttft_p95") is not None:
                table.add_row("TTFT p95", _ms(snap["ttft_p95"]), "", "")
            rate = snap["failures"] / snap["requests"] if snap["requests"] else 0.0
            table.add_row("requests", f"{snap['requests']:,}", "failures", f"{snap['failures']:,} ({rate:.1%})")
            for kind, count in snap.get("errors") or []:
                table.add_row("", "", f"  {kind}", f"{count:,}")
            if snap.get("workers") is not None:
                table.add_row("workers", str(snap["workers"]), "", "")
        return Panel(table, title=self.title, title_align="left")

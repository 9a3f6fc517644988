"""Typer options shared by `readiness` and `demo`: declared once, so their flags and help never drift apart.

Only typer at module level: ``--help`` must stay fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

Opt = typer.Option
COMMON = "Target and protocol"
GATE = "Report and gate"
CHECKS = "Checks"

TimeoutOption = Annotated[float | None, Opt(help="Seconds per request [default: 30].", rich_help_panel=COMMON)]
MessageOption = Annotated[str | None, Opt(help="The message sent in ordinary runs.", rich_help_panel=COMMON)]
MaxTimeOption = Annotated[float | None, Opt(help="Seconds for the whole run [default: 300].", rich_help_panel=CHECKS)]
SamplesOption = Annotated[
    int | None, Opt(help="Sequential runs for latency/TTFT [default: 10].", rich_help_panel=CHECKS)
]
ConcurrencyOption = Annotated[
    int | None, Opt(help="Concurrent runs for performance.concurrency [default: 10].", rich_help_panel=CHECKS)
]
SloOption = Annotated[
    list[str] | None, Opt(help="SLO, e.g. p95<5000 or ttft_p95<2000 (repeatable).", rich_help_panel=CHECKS)
]
OnlyOption = Annotated[
    list[str] | None, Opt(help="Run only these check ids or categories (repeatable).", rich_help_panel=CHECKS)
]
SkipOption = Annotated[
    list[str] | None, Opt(help="Skip these check ids or categories (repeatable).", rich_help_panel=CHECKS)
]
PassiveOption = Annotated[
    bool, Opt("--passive", help="Skip intrusive checks (bursts, 1 MiB inputs, injections).", rich_help_panel=CHECKS)
]
BurstRequestsOption = Annotated[int | None, Opt(help="Requests in a burst [default: 60].", rich_help_panel=CHECKS)]
BurstSecondsOption = Annotated[float | None, Opt(help="Seconds a burst may take [default: 5].", rich_help_panel=CHECKS)]
FailUnderOption = Annotated[float | None, Opt(help="Fail the gate below this score (0-100).", rich_help_panel=GATE)]
FailOnOption = Annotated[
    str | None,
    Opt(
        help="Fail the gate on a failed check of this severity or worse: "
        "critical, high, medium, low, none [default: critical].",
        rich_help_panel=GATE,
    ),
]
FormatOption = Annotated[str | None, Opt(help="rich, json, junit, markdown, sarif or html.", rich_help_panel=GATE)]
OutputOption = Annotated[str | None, Opt("--output", "-o", help="Write the report to this file.", rich_help_panel=GATE)]
JunitOption = Annotated[str | None, Opt(help="Also write JUnit XML to this file.", rich_help_panel=GATE)]
MarkdownOption = Annotated[str | None, Opt(help="Also write Markdown to this file.", rich_help_panel=GATE)]
SarifOption = Annotated[
    str | None, Opt(help="Also write SARIF 2.1.0 (GitHub code scanning) to this file.", rich_help_panel=GATE)
]
HtmlOption = Annotated[str | None, Opt(help="Also write a self-contained HTML report to this file.",
                                       rich_help_panel=GATE)]
BaselineOption = Annotated[
    str | None, Opt(help="Known-issues baseline (from --write-baseline): the gate counts only new findings.",
                    rich_help_panel=GATE)
]
WriteBaselineOption = Annotated[
    str | None, Opt(help="Write this run's findings as a baseline file (reviewable JSON).", rich_help_panel=GATE)
]
QuietOption = Annotated[bool, Opt("--quiet", "-q", help="No progress on stderr; with --output, nothing but errors.",
                                   rich_help_panel=GATE)]
VerboseOption = Annotated[bool, Opt("--verbose", "-v", help="Also show the full table of every check.",
                                    rich_help_panel=GATE)]
DebugOption = Annotated[
    bool, Opt("--debug", help="Tracebacks for internal errors, and agno's own logs.", rich_help_panel=GATE)
]

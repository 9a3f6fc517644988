"""The issue-14 options of `agno-check load`, checked before any traffic and handed to the plan.

Everything here can be refused with one line and exit 2 before the probe turn: goodput bounds, abort
conditions, an SLO on goodput without ``--goodput``, an unreadable ``--tokens-file`` or ``--baseline``, an
unwritable ``--requests-out``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agno_check.errors import UsageError
from agno_check.load import goodput as goodput_rules
from agno_check.load.baseline import read_baseline
from agno_check.load.metrics import Aggregate
from agno_check.load.plan import LoadPlan
from agno_check.load.requests_out import RequestsOut
from agno_check.load.settings import LoadSettings
from agno_check.slo import Slo, parse_slos

MAX_TOKENS = 100_000
RATE_LIMITED = "rate limited (429)"


@dataclass
class RunOptions:
    goodput: list[goodput_rules.Bound] = field(default_factory=list)
    abort: list[Slo] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    baseline: dict[str, Any] | None = None
    requests_out: RequestsOut | None = None

    @property
    def goodput_exprs(self) -> list[str] | None:
        return [b.expr for b in self.goodput] or None


def read_tokens(path: str) -> list[str]:
    """One credential per non-empty line (``#`` comments allowed); never echoed, not even in an error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--tokens-file {path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--tokens-file {path}: cannot read it ({type(exc).__name__})") from None
    tokens = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not tokens:
        raise UsageError(f"--tokens-file {path}: no credentials in the file (one per line)")
    if len(tokens) > MAX_TOKENS:
        raise UsageError(f"--tokens-file {path}: more than {MAX_TOKENS} credentials")
    for number, token in enumerate(tokens, start=1):
        if any(c.isspace() for c in token) or not token.isprintable():
            raise UsageError(f"--tokens-file {path}: line {number} holds spaces or control characters (one "
                             "bearer token per line)")
    return tokens


def check_options(settings: LoadSettings, slos: list[Slo]) -> RunOptions:
    options = RunOptions()
    if settings.goodput:
        options.goodput = goodput_rules.parse_goodput(settings.goodput)
    elif any(s.metric.startswith("goodput") for s in slos):
        raise UsageError("an SLO on goodput needs --goodput BOUNDS (e.g. --goodput \"ttft<500,latency<2000\")")
    if settings.abort_on:
        options.abort = parse_slos(settings.abort_on)
    if settings.tokens_file:
        options.tokens = read_tokens(settings.tokens_file)
    if settings.baseline:
        options.baseline = read_baseline(settings.baseline)
    if settings.requests_out:
        options.requests_out = RequestsOut(settings.requests_out)
    return options


def apply_options(plan: LoadPlan, settings: LoadSettings, options: RunOptions) -> None:
    plan.output_tokens = settings.output_tokens
    plan.warmup_s = settings.warmup
    plan.goodput = goodput_rules.to_wire(options.goodput)
    plan.requests_out = bool(settings.requests_out)
    plan.requests_out_content = settings.requests_out_content
    plan.respect_retry_after = settings.respect_retry_after
    plan.tokens = list(options.tokens)


def rate_limiter_note(total: Aggregate) -> list[str]:
    """When most failures are 429s, the run measured the rate limiter, not the agent."""
    limited = total.errors.get(RATE_LIMITED, [0])[0]
    if total.failures and limited * 2 > total.failures:
        return [f"{limited:,} of {total.failures:,} failures were 429s: this run measured the rate limiter more "
                "than the agent; give each simulated user its own credential (--tokens-file, one per line) to "
                "load the agent as separate tenants, or lower the load"]
    return []

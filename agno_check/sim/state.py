"""The simulator's mutable state: profiles in force, the fault schedule, random streams and stats.

Why one object with three random streams: latency draws, fault draws and answer content must not disturb
each other. Content comes from ``sha256(seed, messages)`` (see ``naive``), so it is the same whatever else
happened;
latency and fault draws each come from their own seeded ``random.Random``, so a run that sends the same
requests in the same order sees the same delays and the same faults.

All methods run on the server's event loop thread, except ``closing``, a ``threading.Event`` that
``SimServer.stop()`` sets from another thread so that hangs and slow streams give up at shutdown.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from agno_check.sim.profiles import FaultProfile, FaultRule, LatencyProfile
from agno_check.sim.tools import ToolPolicy

RECENT_RECORDS = 200
#: records kept per run (since start-up or the last reset); a run longer than this drops its oldest, and
#: ``stats()`` says how many were dropped
MAX_RECORDS = 100_000
#: stored Responses API conversations (for ``previous_response_id``); the oldest are forgotten first
MAX_CONVERSATIONS = 10_000

# Outcomes a chat-completion request can end with (keys of ``stats()["by_outcome"]``).
OUTCOMES = (
    "ok", "429", "500", "503", "hang", "reset", "broken_stream", "client_disconnected", "bad_request", "shutdown"
)


@dataclass
class RequestRecord:
    """What one ``/v1/chat/completions`` or ``/v1/responses`` request sent and what the simulator did with it.

    ``first_chunk_s``/``last_chunk_s``: seconds after ``received_at`` when the first and the last body chunk
    actually left (measured, not planned: compare with ``ttft_s``)."""

    id: str
    received_at: float
    stream: bool
    model: str | None
    messages: list[Any]
    params: dict[str, Any]
    has_auth: bool
    fault: str | None = None
    outcome: str = "in_flight"
    status: int | None = None
    answer_kind: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    ttft_s: float | None = None
    tps: float | None = None
    duration_s: float | None = None
    api: str = "chat.completions"  # or "responses"
    tool_call: str | None = None  # the tool the naive model called, if it called one
    first_chunk_s: float | None = None
    last_chunk_s: float | None = None

    def sent(self) -> None:
        """A body chunk just left: stamp the first and the latest."""
        elapsed = round(time.time() - self.received_at, 6)
        if self.first_chunk_s is None:
            self.first_chunk_s = elapsed
        self.last_chunk_s = elapsed

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Queued:
    rule: FaultRule
    remaining: int


@dataclass
class SimState:
    """Profiles, fault schedule, random streams and counters of one simulator app."""

    initial_latency: LatencyProfile
    initial_faults: FaultProfile
    seed: int
    initial_tools: ToolPolicy = field(default_factory=ToolPolicy)
    closing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.started_at = time.time()
        self._serial = 0
        self.reset()

    # ---------------------------------------------------------------- profiles

    def reset(self) -> None:
        """Back to start-up: the initial profiles, freshly seeded random streams, empty stats."""
        self.latency_rng = random.Random(f"latency:{self.seed}")
        self.fault_rng = random.Random(f"faults:{self.seed}")
        self.set_latency(self.initial_latency)
        self.set_faults(self.initial_faults)
        self.tools = self.initial_tools
        self.dropped_records = 0
        self.conversations: OrderedDict[str, list[Any]] = OrderedDict()
        self.counts: Counter[str] = Counter()
        self.requests = 0
        self.streamed = 0
        self.in_flight = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.recent: deque[RequestRecord] = deque(maxlen=MAX_RECORDS)

    def set_latency(self, profile: LatencyProfile) -> None:
        self.latency = profile
        if profile.seed is not None:
            self.latency_rng = random.Random(f"latency:{profile.seed}")

    def set_faults(self, profile: FaultProfile) -> None:
        self.faults = profile
        self._queue = [_Queued(rule, rule.next) for rule in profile.rules if rule.next is not None]
        self._rated = [rule for rule in profile.rules if rule.rate is not None]
        if profile.seed is not None:
            self.fault_rng = random.Random(f"faults:{profile.seed}")

    def draw_fault(self) -> FaultRule | None:
        """The fault for the next request: the first queued rule with requests left, else a rate draw."""
        for queued in self._queue:
            if queued.remaining > 0:
                queued.remaining -= 1
                return queued.rule
        if not self._rated:
            return None
        draw = self.fault_rng.random()
        for rule in self._rated:
            draw -= rule.rate or 0.0
            if draw < 0:
                return rule
        return None

    def faults_view(self) -> dict[str, Any]:
        """The fault profile as JSON, queued rules with how many requests they still apply to."""
        rules = []
        queued = iter(self._queue)
        for rule in self.faults.rules:
            item = rule.model_dump(exclude_none=True)
            if rule.next is not None:
                item["remaining"] = next(queued).remaining
            rules.append(item)
        return {"rules": rules, "seed": self.faults.seed}

    def set_tools(self, policy: ToolPolicy) -> None:
        self.tools = policy

    def remember_conversation(self, response_id: str, messages: list[Any]) -> None:
        """Keep a stored response's conversation, so ``previous_response_id`` can continue it."""
        self.conversations[response_id] = messages
        while len(self.conversations) > MAX_CONVERSATIONS:
            self.conversations.popitem(last=False)

    # ---------------------------------------------------------------- stats

    def begin(self, prefix: str = "chatcmpl", **fields: Any) -> RequestRecord:
        """Open the record of a new model request (``prefix``: ``chatcmpl`` or ``resp``)."""
        self._serial += 1
        record = RequestRecord(id=f"{prefix}-sim-{self._serial}", received_at=time.time(), **fields)
        self.requests += 1
        self.in_flight += 1
        if record.stream:
            self.streamed += 1
        if len(self.recent) == MAX_RECORDS:
            self.dropped_records += 1
        self.recent.append(record)
        return record

    def finish(self, record: RequestRecord, outcome: str) -> None:
        """Close ``record`` with its outcome and add its tokens to the totals."""
        record.outcome = outcome
        record.duration_s = round(time.time() - record.received_at, 6)
        self.in_flight -= 1
        self.counts[outcome] += 1
        self.tokens_in += record.prompt_tokens
        self.tokens_out += record.completion_tokens

    def stats(self, recent: int = RECENT_RECORDS, everything: bool = False) -> dict[str, Any]:
        """Counters and the last ``recent`` records (``everything``: every record kept)."""
        records = list(self.recent) if everything else list(self.recent)[-recent:] if recent > 0 else []
        return {
            "requests": self.requests,
            "in_flight": self.in_flight,
            "by_outcome": {outcome: self.counts.get(outcome, 0) for outcome in OUTCOMES},
            "streamed": self.streamed,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "uptime_s": round(time.time() - self.started_at, 3),
            "records_kept": len(self.recent),
            "records_cap": MAX_RECORDS,
            "records_dropped": self.dropped_records,
            "tools": self.tools.model_dump(),
            "recent": [r.as_dict() for r in records],
        }

"""What a check gets: the target, the settings, and a shared cache so two checks never send the same probe twice."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agno_check.checks.outcome import CheckErrored
from agno_check.targets.base import RequestSpec, Response, Turn
from agno_check.targets.credentials import Credentials, Redactor

if TYPE_CHECKING:
    from agno_check.project.model import Project
    from agno_check.settings import ReadinessSettings
    from agno_check.targets.http import HttpTarget
    from agno_check.targets.inprocess import InprocessInfo


@dataclass
class RateLimitLog:
    """429s honoured by measuring checks: reported, never counted as samples or errors."""

    waits: int = 0
    waited_s: float = 0.0
    last_retry_after_s: float | None = None


class ProgressHooks:
    """What the runner and the context tell whoever shows progress (the CLI's live line); no-ops by default.

    Checks never print: a wait they make (a 429's Retry-After) is announced through ``ctx.progress`` instead.
    """

    def check_started(self, check_id: str) -> None:
        """``check_id`` is about to run."""

    def waiting(self, seconds: float, reason: str) -> None:
        """The run pauses ``seconds`` for ``reason`` (a rate limit's Retry-After) before going on."""


@dataclass
class CheckContext:
    settings: ReadinessSettings
    target: HttpTarget
    redact: Redactor
    #: "http" for a live URL, "inprocess" for an agent object served on loopback
    target_kind: str = "http"
    #: the agno Agent/Team object of an in-process target
    agent: Any = None
    #: a handle on a controllable model upstream (the simulated LLM), when agno-check has one
    sim: Any = None
    #: the user's object as declared and how the run was set up, for an in-process target
    inprocess: InprocessInfo | None = None
    #: the deployment files read from ``--project DIR`` (or a directory TARGET), for the deployment checks
    project: Project | None = None
    #: a check was stopped (or not started) by the run's ``--max-time``; the gate fails on it
    max_time_reached: bool = False
    rate_limits: RateLimitLog = field(default_factory=RateLimitLog)
    #: where waits and check starts are announced (the CLI's progress display)
    progress: ProgressHooks = field(default_factory=ProgressHooks)
    #: every error response a check saw, (label, response), for error_responses and error_disclosure
    error_responses: list[tuple[str, Response]] = field(default_factory=list)
    #: every run turn a check saw, for error_status_honest
    turns: list[Turn] = field(default_factory=list)
    _cache: dict[str, Any] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    @property
    def profile(self) -> Any:
        return self.target.profile

    @property
    def credentials(self) -> Credentials:
        return self.target.credentials

    @staticmethod
    def new_session_id(prefix: str = "agno-check") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    @contextlib.contextmanager
    def provoking_faults(self) -> Iterator[None]:
        """While agno-check injects model faults: what agno logs about the model then (and in runs started
        then) is provoked by the check, so reliability.runtime_errors does not count it against the agent."""
        run_log = getattr(self.inprocess, "run_log", None)
        if run_log is None:
            yield
            return
        run_log.provoking += 1
        try:
            yield
        finally:
            run_log.provoking -= 1

    async def memo(self, key: str, factory: Callable[[], Awaitable[Any]]) -> Any:
        """Compute a probe once per run; later callers reuse the result (or the same exception)."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._cache:
                try:
                    self._cache[key] = ("ok", await factory())
                except Exception as exc:  # the same failure for every check that needs this probe
                    self._cache[key] = ("raise", exc)
        kind, value = self._cache[key]
        if kind == "raise":
            raise value
        return value

    async def send(self, spec: RequestSpec, *, credentials: Credentials | None = None,
                   timeout_s: float | None = None, label: str | None = None) -> Response:
        response = await self.target.send(spec, credentials=credentials, timeout_s=timeout_s)
        if response.status_code >= 400:
            self.error_responses.append((label or spec.line(), response))
        return response

    async def get(self, path: str, *, credentials: Credentials | None = None, label: str | None = None,
                  timeout_s: float | None = None) -> Response:
        return await self.send(RequestSpec("GET", path), credentials=credentials, label=label,
                               timeout_s=timeout_s)

    async def run_turn(self, message: str | None = None, session_id: str | None = None, stream: bool = False,
                       *, credentials: Credentials | None = None, honour_429: bool = True,
                       timeout_s: float | None = None) -> Turn:
        """One agent turn; a 429 is waited out (Retry-After, capped, within the run's budget) and retried."""
        while True:
            turn = await self.target.run(message or self.settings.message, session_id, stream,
                                         credentials=credentials, timeout_s=timeout_s)
            if turn.rate_limited and honour_429:
                wait = self._retry_wait(turn.response)
                if wait is not None:
                    self.progress.waiting(wait, "the target answered 429 (rate limited): its Retry-After, "
                                                "then a retry")
                    await asyncio.sleep(wait)
                    continue
            self.turns.append(turn)
            if turn.status_code >= 400:
                self.error_responses.append((f"{turn.request.line()} (run)", turn.response))
            return turn

    def _retry_wait(self, response: Response) -> float | None:
        """How long to wait for a 429, or None when the per-run budget is spent."""
        retry_after = response.retry_after_s()
        wait = min(retry_after if retry_after is not None else 1.0, self.settings.retry_after_cap)
        if self.rate_limits.waited_s + wait > self.settings.retry_after_budget:
            return None
        self.rate_limits.waits += 1
        self.rate_limits.waited_s += wait
        return wait

    def note_retry_after(self, response: Response) -> None:
        """A burst saw 429s: the runner waits this out before the next check (no inherited 429s)."""
        retry_after = response.retry_after_s()
        if retry_after is not None:
            current = self.rate_limits.last_retry_after_s or 0.0
            self.rate_limits.last_retry_after_s = max(current, min(retry_after, self.settings.retry_after_cap))

    async def valid_turn(self) -> Turn:
        """The positive control: the valid request, made correctly, succeeds. Cached for the run."""

        async def make() -> Turn:
            return await self.run_turn()

        turn = await self.memo("valid_turn", make)
        if not turn.http_ok:
            raise CheckErrored(f"the valid request itself failed ({turn.failure_reason()}), so this probe "
                               "would prove nothing")
        return turn

    async def sequential_turns(self) -> list[Turn]:
        """``--samples`` sequential non-streamed runs, shared by the latency and concurrency checks."""

        async def make() -> list[Turn]:
            return [await self.run_turn(session_id=self.new_session_id("latency"))
                    for _ in range(self.settings.samples)]

        return await self.memo("sequential_turns", make)


def response_evidence(spec_line: str, response: Response, limit: int = 300) -> dict[str, Any]:
    """Evidence as data: what was sent, what came back (trimmed; the runner redacts credentials)."""
    return {"request": spec_line, "status_code": response.status_code, "body_excerpt": response.excerpt(limit)}

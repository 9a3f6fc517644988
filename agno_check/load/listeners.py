"""The collector: Locust event listeners that feed the report's aggregates, in every process.

- local runner: ``events.request`` -> the run's aggregate, the current timeline second, the current find-max step;
- worker: ``events.request`` -> a delta, shipped with each stats report (``events.report_to_master``);
- master: ``events.worker_report`` -> merged into the same aggregates as a local run's.

Turn requests are every request event except the agent metrics (``TTFT``, ``ITL``, ``TOKENS``), so the report's
``requests`` is HTTP only (Locust's own ``stats.total`` counts the metric events too). A user's own Locust file
that makes plain requests is counted the same way.

agno-check's own users pass the whole ``TurnResult`` with the turn's request event (``turn=``): TTFT, time to
second token, ITL, the raw chunk gaps, goodput, the warm-up cut and the ``--requests-out`` line all come from it,
in one listener call; their ``TTFT``/``ITL``/``TOKENS`` events (``agno_check_turn=True``) feed Locust's own
stats and CSV only. A request that *started* in the warm-up (``--warmup``) is counted apart
(``warmup_requests``) and left out of every metric.
"""

from __future__ import annotations

import time
from typing import Any

from agno_check.load import goodput as goodput_rules
from agno_check.load.failures import error_example, error_kind
from agno_check.load.metrics import Aggregate
from agno_check.load.requests_out import turn_line

METRIC_TYPES = frozenset({"TTFT", "ITL", "TOKENS"})
WIRE_KEY = "agno_check"


class Collector:
    def __init__(self, role: str = "local") -> None:
        if role not in ("local", "master", "worker"):
            raise ValueError(role)
        self.role = role
        self.total = Aggregate()
        self.tick = Aggregate()
        self.step: Aggregate | None = None
        self.delta = Aggregate()
        self.reports = 0
        self.final_reports: set[str] = set()
        self._env: Any = None
        self._sinks: list[Aggregate] = []
        self._resink()
        #: the measured window: turns that start before ``warmup_until`` (perf_counter) are left out
        self.warmup_s = 0.0
        self.warmup_until = 0.0
        self.origin = time.perf_counter()  # where --requests-out's start_s counts from (the run's first window)
        self.goodput: list[goodput_rules.Bound] = []
        self.requests_out: Any = None  # a RequestsOut (local, master) or None
        self.out_lines: list[str] | None = None  # a worker's lines for the next report
        self.out_content = False
        self.step_index: int | None = None  # a sweep's step, in --requests-out lines
        self._began = False

    def configure(self, *, warmup_s: float = 0.0, goodput: list[goodput_rules.Bound] | None = None,
                  requests_out: Any = None, out_lines: bool = False, out_content: bool = False) -> None:
        self.warmup_s = warmup_s
        self.goodput = list(goodput or [])
        self.requests_out = requests_out
        self.out_lines = [] if out_lines else None
        self.out_content = out_content

    def begin_window(self, step: int | None = None) -> None:
        """The run (or a sweep step) starts now: its warm-up runs from here.

        One clock for both: the warm-up cut and ``start_s`` are read from the same perf_counter sample, so a line
        marked ``warmup`` always has ``start_s`` under ``--warmup`` (a wall-clock offset beside a perf_counter cut
        disagreed by a few microseconds at the boundary)."""
        now = time.perf_counter()
        self.warmup_until = now + self.warmup_s
        if not self._began:  # start offsets count from the start of the whole run, across sweep steps
            self.origin = now
            self._began = True
        self.step_index = step

    def _resink(self) -> None:
        if self.role == "worker":
            self._sinks = [self.delta]
        else:
            self._sinks = [a for a in (self.total, self.tick, self.step) if a is not None]

    def attach(self, environment: Any) -> Collector:
        self._env = environment
        environment.agno_check_collector = self
        events = environment.events
        if self.role in ("local", "worker"):
            events.request.add_listener(self.on_request)
        if self.role == "worker":
            events.report_to_master.add_listener(self.on_report_to_master)
        if self.role == "master":
            events.worker_report.add_listener(self.on_worker_report)
        return self

    # --- recording -------------------------------------------------------------------------------------------

    def on_request(self, request_type: str, name: str, response_time: float, response_length: int,
                   exception: Any = None, turn: Any = None, agno_check_turn: bool = False, **_: Any) -> None:
        if turn is not None:
            self.on_turn(turn, exception)
            return
        if agno_check_turn:
            return  # already counted from the turn itself
        sinks = self._sinks
        if request_type in METRIC_TYPES:
            response_time = float(response_time or 0.0)
            for agg in sinks:
                if request_type == "TTFT":
                    agg.ttft.add(response_time)
                elif request_type == "ITL":
                    agg.itl.add(response_time)
                else:
                    agg.output_tokens += int(response_length or 0)
                    agg.token_turns += 1
            return
        if exception is None:
            for agg in sinks:
                agg.requests += 1
                agg.latency.add(response_time)
            return
        kind, example = error_kind(exception), error_example(exception)
        for agg in sinks:
            agg.requests += 1
            agg.add_failure(kind, example)

    def on_turn(self, turn: Any, exception: Any) -> None:
        """One turn of agno-check's users, with everything it measured."""
        warmup = turn.started < self.warmup_until
        kind = "ok" if exception is None else error_kind(exception)
        if self.requests_out is not None or self.out_lines is not None:
            line = turn_line(turn, kind, turn.started - self.origin, warmup=warmup, step=self.step_index,
                             content=self.out_content)
            if self.out_lines is not None:
                self.out_lines.append(line)
            else:
                self.requests_out.write(line)
        if warmup:
            self.count("warmup_requests")
            return
        sinks = self._sinks
        if exception is not None:
            example = error_example(exception)
            for agg in sinks:
                agg.requests += 1
                agg.add_failure(kind, example)
            return
        times = turn.token_times_ms
        tokens = turn.output_tokens or 0
        ttft = turn.ttft_ms
        ttst = times[1] if len(times) > 1 else None
        itl = (times[-1] - times[0]) / (tokens - 1) if tokens > 1 and len(times) > 1 else None
        good = bool(self.goodput) and goodput_rules.is_good(self.goodput, True, {
            "latency": turn.latency_ms, "ttft": ttft, "ttst": ttst, "itl": itl})
        for agg in sinks:
            agg.requests += 1
            agg.latency.add(turn.latency_ms)
            if good:
                agg.good += 1
            if ttft is not None:
                agg.ttft.add(ttft)
                agg.output_tokens += tokens
                agg.token_turns += 1
                if ttst is not None:
                    agg.ttst.add(ttst)
                if itl is not None:
                    agg.itl.add(itl)
                for previous, current in zip(times, times[1:], strict=False):
                    agg.gaps.add(current - previous)

    def take_lines(self) -> list[str]:
        lines, self.out_lines = self.out_lines or [], ([] if self.out_lines is not None else None)
        return lines

    def count(self, name: str, n: int = 1) -> None:
        for agg in self._sinks:
            agg.counters[name] = agg.counters.get(name, 0) + n

    # --- windows -----------------------------------------------------------------------------------------------

    def take_tick(self) -> Aggregate:
        """The aggregate since the previous call (one point of the timeline)."""
        tick, self.tick = self.tick, Aggregate()
        self._resink()
        return tick

    def start_step(self) -> None:
        self.step = Aggregate()
        self._resink()

    def end_step(self) -> Aggregate:
        step, self.step = self.step or Aggregate(), None
        self._resink()
        return step

    # --- master / worker ---------------------------------------------------------------------------------------

    def on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        delta, self.delta = self.delta, Aggregate()
        self._resink()
        runner = getattr(self._env, "runner", None)
        data[WIRE_KEY] = {"delta": delta.to_wire(), "final": getattr(runner, "state", None) == "stopped",
                          "lines": self.take_lines()}

    def on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        payload = data.get(WIRE_KEY)
        if not payload:
            return
        delta = Aggregate.from_wire(payload["delta"])
        for agg in self._sinks:
            agg.merge(delta)
        if self.requests_out is not None and payload.get("lines"):
            self.requests_out.write_many(payload["lines"])
        self.reports += 1
        if payload.get("final"):
            self.final_reports.add(client_id)

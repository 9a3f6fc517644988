"""The collector: Locust event listeners that feed the report's aggregates, in every process.

- local runner: ``events.request`` -> the run's aggregate, the current timeline second, the current find-max step;
- worker: ``events.request`` -> a delta, shipped with each stats report (``events.report_to_master``);
- master: ``events.worker_report`` -> merged into the same aggregates as a local run's.

Turn requests are every request event except the agent metrics (``TTFT``, ``ITL``, ``TOKENS``), so the report's
``requests`` is HTTP only (Locust's own ``stats.total`` counts the metric events too). A user's own Locust file
that makes plain requests is counted the same way.
"""

from __future__ import annotations

from typing import Any

from agno_check.load.failures import error_example, error_kind
from agno_check.load.metrics import Aggregate

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
                   exception: Any = None, **_: Any) -> None:
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
        data[WIRE_KEY] = {"delta": delta.to_wire(), "final": getattr(runner, "state", None) == "stopped"}

    def on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        payload = data.get(WIRE_KEY)
        if not payload:
            return
        delta = Aggregate.from_wire(payload["delta"])
        for agg in self._sinks:
            agg.merge(delta)
        self.reports += 1
        if payload.get("final"):
            self.final_reports.add(client_id)

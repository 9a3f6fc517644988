"""The Locust engine: one process (local runner), ``--workers N`` local worker processes under a master, or a
master waiting for remote workers (``--master --expect-workers N``). Importing this module imports Locust, which
monkey-patches the process with gevent: the CLI imports it only after the asyncio probe turn is over.

One way to end a run, whatever started the end (the duration, the last stage, find-max, Ctrl-C): users stop
gracefully (their in-flight turn finishes, up to ``--stop-timeout``; Ctrl-C does not wait), workers send a final
report, the last timeline point is taken, and the measured duration runs from the start to that moment.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import gevent
import gevent.event
import locust  # patches the process with gevent
from locust.env import Environment
from locust.rpc import Message

from agno_check.errors import AgnoCheckError, WorkersFailed
from agno_check.load import findmax
from agno_check.load.listeners import METRIC_TYPES, Collector
from agno_check.load.metrics import Aggregate
from agno_check.load.plan import LoadPlan
from agno_check.load.settings import LoadSettings
from agno_check.slo import Slo

PLAN_MESSAGE = "agno_check_plan"
HURRY_MESSAGE = "agno_check_hurry"
LOCAL_WORKERS_CONNECT_S = 30.0
REMOTE_WORKERS_CONNECT_S = 300.0
FINAL_REPORT_GRACE_S = 5.0
WORKER_FINAL_REPORT_S = 1.5  # workers report every second (worker.py): a stopped step's last data is here by then
ABORT_WINDOW_S = 5.0  # --abort-on judges the last few seconds, so a target that dies after a good start is caught


def quiet_locust_logging(debug: bool) -> None:
    """Locust logs to the root logger; keep its chatter (CPU warnings, "stopping users") off the user's
    terminal: errors only, one line each, unless --debug."""
    logger = logging.getLogger("locust")
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("agno-check: locust: %(message).300s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if debug else logging.CRITICAL)
    logger.propagate = False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EngineResult:
    total: Aggregate
    timeline: list[dict[str, Any]]
    started_at: datetime
    duration_s: float
    interrupted: bool
    workers: int
    peak_users: int
    find_max: findmax.FindMaxResult | None = None
    notes: list[str] = field(default_factory=list)
    locust_requests: int = 0  # Locust's own count of turn requests, for cross-checking
    #: --users 1,10,50 / --rate 1,5,10: each step's load label, aggregate and measured seconds
    steps: list[tuple[dict[str, Any], Aggregate, float]] = field(default_factory=list)
    #: --abort-on: what held, when, and what was observed
    aborted: dict[str, Any] | None = None


class Engine:
    def __init__(self, settings: LoadSettings, plan: LoadPlan, slos: list[Slo], view: Any,
                 user_classes: list[type], shape: Any = None, streamed: bool = False,
                 duration_cap_s: float | None = None, requests_out: Any = None,
                 abort_slos: list[Slo] | None = None) -> None:
        """``duration_cap_s``: when the run ends by the clock (None: the shape, find-max or a sweep ends it);
        ``requests_out``: an open ``RequestsOut``; ``abort_slos``: conditions that stop the run (--abort-on)."""
        self.settings = settings
        self.requests_out = requests_out
        self.abort_slos = list(abort_slos or [])
        self.aborted: dict[str, Any] | None = None
        self.steps: list[tuple[dict[str, Any], Aggregate, float]] = []
        self._recent: list[tuple[float, Aggregate]] = []  # (end of point, window) for --abort-on
        self.duration_cap_s = duration_cap_s
        self.plan = plan
        self.slos = slos
        self.view = view
        self.user_classes = user_classes
        self.shape = shape
        self.streamed = streamed
        self.timeline: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.interrupted = False
        self.stop_reason: str | None = None
        self.finished = gevent.event.Event()
        self.peak_users = 0
        self.find_max: findmax.FindMaxResult | None = None
        self.worker_procs: list[subprocess.Popen[bytes]] = []
        self.worker_logs: list[Any] = []
        self.t0 = 0.0
        self.ended = 0.0
        self._last_point_t = 0.0
        self._last_window: Aggregate | None = None
        self._last_window_start = 0.0
        self._last_reports = 0
        self._stopping = False
        self._greenlets: list[gevent.Greenlet] = []

    # --- set-up ------------------------------------------------------------------------------------------------

    @property
    def distributed(self) -> bool:
        return self.settings.master or self.settings.workers > 1

    @property
    def expected_workers(self) -> int:
        if self.settings.master:
            return self.settings.expect_workers or 1
        return self.settings.workers if self.settings.workers > 1 else 0

    def _environment(self) -> Environment:
        env = Environment(user_classes=self.user_classes, host=self.plan.host, events=locust.events,
                          stop_timeout=self.settings.stop_timeout)
        return env

    def _start_runner(self, env: Environment) -> Any:
        if not self.distributed:
            runner = env.create_local_runner()
            self._configure(Collector("local").attach(env))
            return runner
        if self.settings.master:
            bind, port = self.settings.master_bind_host, self.settings.master_port
        else:
            bind, port = "127.0.0.1", free_port()
        try:
            runner = env.create_master_runner(bind, port)
        except Exception as exc:  # the port is taken, or the address cannot be bound
            raise WorkersFailed(f"cannot listen for workers on {bind}:{port}: {exc}") from None
        self._configure(Collector("master").attach(env))

        def send_plan(client_id: str, **_: Any) -> None:
            runner.send_message(PLAN_MESSAGE, self.plan.to_json(), client_id=client_id)

        env.events.worker_connect.add_listener(send_plan)
        if not self.settings.master:
            self._spawn_local_workers(port)
        return runner

    def _configure(self, collector: Collector) -> None:
        """Warm-up and goodput are judged where the turns run (here, or in each worker from the plan)."""
        from agno_check.load.goodput import from_wire

        collector.configure(warmup_s=self.plan.warmup_s, goodput=from_wire(self.plan.goodput),
                            requests_out=self.requests_out, out_content=self.plan.requests_out_content)

    def _spawn_local_workers(self, port: int) -> None:
        command = [sys.executable, "-m", "agno_check.load.worker", "--master-host", "127.0.0.1",
                   "--master-port", str(port)]
        if self.plan.scenario:
            command += ["--scenario", self.plan.scenario]
        if self.settings.debug:
            command.append("--debug")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for _ in range(self.settings.workers):
            log = tempfile.TemporaryFile()
            self.worker_logs.append(log)
            # a session of its own: a Ctrl-C at the terminal reaches the master only, which stops the workers
            self.worker_procs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env=env,
                                                      start_new_session=True))

    def _wait_for_workers(self, runner: Any) -> None:
        wanted = self.expected_workers
        limit = REMOTE_WORKERS_CONNECT_S if self.settings.master else LOCAL_WORKERS_CONNECT_S
        deadline = time.perf_counter() + limit
        said = -1
        while len(runner.clients.ready) < wanted:
            if self.interrupted:
                return
            dead = [p for p in self.worker_procs if p.poll() is not None]
            if dead:
                raise WorkersFailed(f"a worker process exited before the run (code {dead[0].returncode}): "
                                    f"{self._worker_log_line(self.worker_procs.index(dead[0]))}")
            if time.perf_counter() > deadline:
                raise WorkersFailed(f"only {len(runner.clients.ready)} of {wanted} workers connected within "
                                    f"{limit:.0f} s")
            if self.settings.master and len(runner.clients.ready) != said:
                said = len(runner.clients.ready)
                self.view.message(f"waiting for workers: {said}/{wanted} connected "
                                  f"(port {self.settings.master_port})")
            gevent.sleep(0.1)

    def _worker_log_line(self, index: int) -> str:
        log = self.worker_logs[index]
        log.seek(0)
        lines = [line for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return lines[-1][:300] if lines else "no output"

    # --- the run -----------------------------------------------------------------------------------------------

    def run(self) -> EngineResult:
        env = self._environment()
        self.env = env
        runner = self._start_runner(env)
        self.runner = runner
        self.collector: Collector = env.agno_check_collector
        handlers = [gevent.signal_handler(signal.SIGINT, self._on_signal),
                    gevent.signal_handler(signal.SIGTERM, self._on_signal)]
        csv_writer = None
        try:
            if self.distributed:
                self._wait_for_workers(runner)
            started_at = datetime.now(UTC)
            gevent.get_hub().loop.update_now()
            self.t0 = time.perf_counter()
            self.collector.begin_window(None if self.sweep is None else 0)
            if self.settings.csv:
                csv_writer = self._start_csv(env)
            self._greenlets.append(gevent.spawn(self._ticker))
            if not self.interrupted:
                self._start_load(runner)
            self.finished.wait()
        finally:
            for greenlet in self._greenlets:
                greenlet.kill(block=False)
            if csv_writer is not None:
                self._finish_csv(*csv_writer)
            self._reap_workers()
            for handler in handlers:
                handler.cancel()
        if runner.exceptions:
            first = next(iter(runner.exceptions.values()))
            count = sum(row["count"] for row in runner.exceptions.values())
            self.notes.append(f"{count} exception(s) in user code (first: {first['msg'][:200]})")
        if getattr(runner, "cpu_warning_emitted", False) or getattr(runner, "worker_cpu_warning_emitted", False):
            self.notes.append("the load generator's CPU went above 90%: the numbers may be limited by agno-check "
                              "itself; use --workers N")
        if self.requests_out is not None:
            self.requests_out.close()
        measured = max(0.0, self.ended - self.t0 - (self.settings.warmup if self.sweep is None else 0.0))
        return EngineResult(
            total=self.collector.total, timeline=self.timeline, started_at=started_at,
            duration_s=measured, interrupted=self.interrupted, steps=self.steps, aborted=self.aborted,
            workers=max(1, self.expected_workers), peak_users=self.peak_users, find_max=self.find_max,
            notes=self.notes, locust_requests=self._locust_turn_requests(env),
        )

    def _start_load(self, runner: Any) -> None:
        settings = self.settings
        if settings.find_max:
            self._greenlets.append(gevent.spawn(self._find_max))
            return
        if self.sweep is not None:
            self._greenlets.append(gevent.spawn(self._sweep))
            return
        if self.shape is not None:
            self.shape.runner = runner
            self.shape.reset_time()
            self._greenlets.append(gevent.spawn(self._drive_shape))
        else:
            users = self.dispatchers if settings.rate else settings.users
            spawn_rate = float(users) if settings.rate else settings.spawn_rate_for(users)
            self._greenlets.append(gevent.spawn(runner.start, users, spawn_rate))
        if self.duration_cap_s is not None:
            gevent.get_hub().loop.update_now()
            remaining = self.duration_cap_s - (time.perf_counter() - self.t0)
            self._greenlets.append(gevent.spawn_later(max(0.0, remaining), self.stop, "duration"))

    @property
    def dispatchers(self) -> int:
        return max(1, self.expected_workers)

    @property
    def sweep(self) -> list[dict[str, Any]] | None:
        """The steps of a sweep (``{"users": n}`` or ``{"rate": r}``), None for any other run."""
        if self.settings.sweep_users:
            return [{"users": n} for n in self.settings.sweep_users]
        if self.settings.sweep_rates:
            return [{"rate": r} for r in self.settings.sweep_rates]
        return None

    def _sweep(self) -> None:
        """Each step in turn: its users (or arrival rate) for the warm-up plus --duration, then a graceful stop,
        so every turn of a step is finished, and counted, inside that step."""
        from agno_check.load.sweep import apply_step

        for index, label in enumerate(self.sweep or []):
            if self._stopping:
                return
            users = apply_step(self.plan, self.user_classes, label, index, self.dispatchers, self.settings.users)
            if self.distributed:
                self.runner.send_message(PLAN_MESSAGE, self.plan.to_json())
            self.view.message(f"sweep step {index + 1}: {', '.join(f'{k} {v:g}' for k, v in label.items())}")
            self.collector.begin_window(index)
            self.collector.start_step()
            opened = time.perf_counter()
            spawn = float(users) if "rate" in label else self.settings.spawn_rate_for(users)
            gevent.spawn(self.runner.start, users, spawn)
            gevent.sleep(self.settings.warmup + self.settings.duration)
            if self._stopping:
                return
            # the step's span ends when it is told to stop: the turns then in flight still count (at most one
            # per user), the wait for the workers' last report does not
            measured = max(0.0, time.perf_counter() - opened - self.settings.warmup)
            self._drain(users)
            window = self.collector.end_step()
            self.steps.append((label, window, measured))
        self.stop("sweep")

    def _drive_shape(self) -> None:
        """Call the shape's ``tick()`` once a second and apply it; its end (None) ends the run."""
        last: Any = None
        while not self._stopping:
            tick = self.shape.tick()
            if tick is None:
                self.stop("shape")
                return
            if tick != last:
                users, spawn_rate, *rest = tick
                options = {"user_classes": rest[0]} if rest and rest[0] else {}
                gevent.spawn(self.runner.start, users, spawn_rate, **options)
                last = tick
            gevent.sleep(1.0)

    def _find_max(self) -> None:
        def run_step(users: int) -> findmax.Step:
            self.view.message(f"find-max: {users} users for {self.settings.step_duration:g} s")
            return findmax.measure_step(self.runner, self.collector, users, self.settings.spawn_rate,
                                        self.settings.step_duration, self.slos, self.streamed, gevent.sleep)

        self.find_max = findmax.search(run_step, self.settings.users, self.settings.max_users,
                                       lambda: self._stopping)
        self.stop("find-max")

    def _drain(self, users: int) -> None:
        """End a sweep step: every user stops after its turn in flight (down to 0 users, not ``runner.stop()``:
        a stopped Locust worker leaves the master and rejoins only after --stop-timeout)."""
        self.runner.start(0, float(max(1, users)))
        deadline = time.perf_counter() + self.settings.stop_timeout + FINAL_REPORT_GRACE_S
        while int(getattr(self.runner, "user_count", 0) or 0) > 0 and time.perf_counter() < deadline:
            gevent.sleep(0.05)
        if self.distributed:
            gevent.sleep(WORKER_FINAL_REPORT_S)  # the workers' last report of the step

    def _ticker(self) -> None:
        k = 1
        while True:
            gevent.sleep(max(0.0, self.t0 + k - time.perf_counter()))
            k += 1
            elapsed = time.perf_counter() - self.t0
            self._point(elapsed)
            if self.requests_out is not None:
                self.requests_out.flush()
            if self.abort_slos and not self._stopping:
                self._check_abort(elapsed)
            self.view.update(self.snapshot(elapsed))

    def _check_abort(self, elapsed: float) -> None:
        """--abort-on: after --abort-grace, stop when a condition holds over the last ``ABORT_WINDOW_S``."""
        from agno_check.load.abort import judge_abort

        if elapsed < self.settings.abort_grace:
            return
        hit = judge_abort(self.abort_slos, self._recent, elapsed, ABORT_WINDOW_S, self.streamed)
        if hit is not None:
            self.aborted = {**hit, "at_s": round(elapsed, 2), "grace_s": self.settings.abort_grace}
            gevent.spawn(self.stop, "aborted")

    def _point(self, elapsed: float, final: bool = False) -> None:
        """One timeline point: a second of a local run, or what worker reports brought since the last point.
        A final sliver (under half a second) is folded into the previous point rather than shown as a spike."""
        users = int(getattr(self.runner, "user_count", 0) or 0)
        self.peak_users = max(self.peak_users, users)
        if self.distributed and self.collector.reports == self._last_reports and not final:
            return
        self._last_reports = self.collector.reports
        window = self.collector.take_tick()
        start = self._last_point_t
        span = elapsed - start
        if final and window.empty():
            return
        if final and span < 0.5 and self.timeline and self._last_window is not None:
            self._last_window.merge(window)
            window, start = self._last_window, self._last_window_start
            span = elapsed - start
            users = self.timeline.pop()["users"]
        elif span <= 0.05:
            return
        self._last_window, self._last_window_start = window, start
        self._last_point_t = elapsed
        if self.abort_slos:
            self._recent = [*[r for r in self._recent if r[0] > elapsed - 2 * ABORT_WINDOW_S], (elapsed, window)]
        point: dict[str, Any] = {
            "t_s": round(elapsed, 2), "users": users, "rps": round(window.requests / span, 2),
            "p50": _round(window.latency.percentile(50)), "p95": _round(window.latency.percentile(95)),
            "errors": window.failures,
        }
        if self.streamed:
            point["ttft_p95"] = _round(window.ttft.percentile(95))
        if self.sweep is None and elapsed <= self.settings.warmup + 0.05:
            point["warmup"] = True  # its requests are left out of the metrics: an empty point, not a dip
        self.timeline.append(point)

    def snapshot(self, elapsed: float) -> dict[str, Any]:
        total = self.collector.total
        last = self.timeline[-1] if self.timeline else None
        planned = self.duration_cap_s
        shape_total = getattr(self.shape, "total_s", None)
        if shape_total:
            planned = min(planned, shape_total) if planned else shape_total
        return {
            "elapsed_s": elapsed, "planned_s": planned, "users": int(getattr(self.runner, "user_count", 0) or 0),
            "rps": last["rps"] if last else 0.0, "requests": total.requests, "failures": total.failures,
            "p50": total.latency.percentile(50), "p95": total.latency.percentile(95),
            "ttft_p95": total.ttft.percentile(95) if self.streamed else None,
            "errors": sorted(((k, v[0]) for k, v in total.errors.items()), key=lambda kv: -kv[1])[:3],
            "workers": len(self.runner.clients.ready) + len(self.runner.clients.running)
            if self.distributed else None,
            "stopping": self._stopping,
        }

    # --- the end -----------------------------------------------------------------------------------------------

    def _on_signal(self) -> None:
        if self.interrupted:  # a second Ctrl-C: the user means it
            sys.stderr.write("agno-check: interrupted again; exiting without a report\n")
            os._exit(130)
        self.interrupted = True
        gevent.spawn(self.stop, "interrupted")

    def stop(self, reason: str) -> None:
        if self._stopping:
            return
        self._stopping = True
        self.stop_reason = reason
        hurry = reason in ("interrupted", "aborted")  # an abort must not wait on a dying target
        try:
            if hurry:
                self.env.stop_timeout = 0.0
            if self.distributed:
                self._quit_master(hurry)
            else:
                self.runner.quit()
        finally:
            self.ended = time.perf_counter()
            self._point(self.ended - self.t0, final=True)
            self.finished.set()

    def _quit_master(self, hurry: bool) -> None:
        runner = self.runner
        clients = [c.id for c in runner.clients.all]
        runner.stop(send_stop_to_client=False)
        for client_id in clients:
            if hurry:
                runner.send_message(HURRY_MESSAGE, None, client_id=client_id)
            runner.server.send_to_client(Message("quit", None, client_id))
        deadline = time.perf_counter() + (0 if hurry else self.settings.stop_timeout) + FINAL_REPORT_GRACE_S
        while not set(clients) <= self.collector.final_reports and time.perf_counter() < deadline:
            gevent.sleep(0.05)
        missing = set(clients) - self.collector.final_reports
        if missing:
            self.notes.append(f"{len(missing)} worker(s) sent no final report in time: their last seconds are "
                              "missing from the totals")
        runner.greenlet.kill(block=True)

    def _reap_workers(self) -> None:
        for proc in self.worker_procs:
            try:
                proc.wait(timeout=FINAL_REPORT_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for log in self.worker_logs:
            log.close()

    @staticmethod
    def _locust_turn_requests(env: Environment) -> int:
        return sum(entry.num_requests for (name, method), entry in env.stats.entries.items()
                   if method not in METRIC_TYPES)

    # --- Locust's CSV ------------------------------------------------------------------------------------------

    def _start_csv(self, env: Environment) -> tuple[Any, Any]:
        from locust.stats import PERCENTILES_TO_REPORT, StatsCSVFileWriter

        try:
            writer = StatsCSVFileWriter(env, PERCENTILES_TO_REPORT, self.settings.csv, full_history=True)
        except OSError as exc:
            raise AgnoCheckError(f"--csv {self.settings.csv}: cannot write ({exc.strerror or exc})") from None
        return writer, gevent.spawn(writer)

    @staticmethod
    def _finish_csv(writer: Any, greenlet: Any) -> None:
        """The writer rewrites the totals every couple of seconds; write them once more after the end, so the
        files hold the final numbers (locust-facts.md: the last file was stale otherwise)."""
        greenlet.kill(block=True)
        now = time.time()
        writer._stats_history_data_rows(writer.stats_history_csv_writer, now)
        for handle, columns, rows in (
            (writer.requests_csv_filehandle, writer.requests_csv_columns, writer._requests_data_rows),
            (writer.failures_csv_filehandle, writer.failures_columns, writer._failures_data_rows),
            (writer.exceptions_csv_filehandle, writer.exceptions_columns, writer._exceptions_data_rows),
        ):
            import csv

            handle.seek(0)
            handle.truncate()
            out = csv.writer(handle)
            out.writerow(columns)
            rows(out)
        writer.close_files()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)

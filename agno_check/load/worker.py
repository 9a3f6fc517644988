"""A Locust worker of agno-check: ``python -m agno_check.load.worker --master-host H [--master-port P]``.

`agno-check load --workers N` starts N of these on this machine; ``agno-check load --worker --master-host H``
runs one in the foreground on another machine. The plan (target, profile, prompts, credentials) comes from the
master as a Locust custom message when the worker connects, so a remote worker needs no other flag; workers of a
``--scenario`` run load the same file themselves. Turn metrics go back as a delta with every stats report, once a
second (Locust's default is every 3 s) so the master's timeline and live view stay current.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def run_worker(master_host: str, master_port: int, scenario: str | None = None, debug: bool = False,
               announce: bool = False) -> int:
    """Serve a master until it says quit; ``announce``: say on stderr what the worker waits for (a worker
    started by hand on another machine; Locust's worker keeps trying for about five minutes)."""
    import locust.runners
    from locust.env import Environment

    from agno_check.load import engine  # imports Locust (gevent patching) in this process only
    from agno_check.load.listeners import Collector
    from agno_check.load.plan import LoadPlan
    from agno_check.load.users import AgentUser, AgnoCheckUser

    engine.quiet_locust_logging(debug)
    locust.runners.WORKER_REPORT_INTERVAL = 1.0
    if scenario:
        from agno_check.load.scenario import apply_plan, load_scenario

        classes, _shape = load_scenario(scenario)
    else:
        classes = [AgnoCheckUser]
    env = Environment(user_classes=classes, events=locust.events)
    collector = Collector("worker").attach(env)
    current: dict[str, Any] = {"step": None}

    def on_test_start(**_: Any) -> None:  # each run, and each sweep step, starts its warm-up here
        collector.begin_window(current["step"])

    env.events.test_start.add_listener(on_test_start)

    def on_plan(environment: Any, msg: Any, **_: Any) -> None:
        from agno_check.load.goodput import from_wire

        plan = LoadPlan.from_json(msg.data)
        new_step = plan.step is not None and plan.step != current["step"]
        current["step"] = plan.step
        if not current.get("configured"):  # once: configuring again would drop lines not yet shipped
            current["configured"] = True
            collector.configure(warmup_s=plan.warmup_s, goodput=from_wire(plan.goodput),
                                out_lines=plan.requests_out, out_content=plan.requests_out_content)
        if new_step and plan.step:  # a sweep's next step starts now (its users are spawned right after)
            collector.begin_window(plan.step)
        if scenario:
            apply_plan(classes, plan)
        else:
            AgnoCheckUser.configure(plan)
        environment.host = plan.host
        for cls in classes:
            if issubclass(cls, AgentUser) and not scenario:
                cls.host = plan.host

    def on_hurry(environment: Any, msg: Any, **_: Any) -> None:
        environment.stop_timeout = 0.0

    handlers = {engine.PLAN_MESSAGE: on_plan, engine.HURRY_MESSAGE: on_hurry}

    class PlannedWorkerRunner(locust.runners.WorkerRunner):
        """Registers agno-check's messages before connecting: the master sends the plan right after its ack,
        possibly before ``create_worker_runner`` would have returned."""

        def connect_to_master(self) -> None:
            for name, handler in handlers.items():
                if name not in self.custom_messages:
                    self.register_message(name, handler)
            super().connect_to_master()

    if announce:
        sys.stderr.write(f"agno-check: worker: connecting to the master at {master_host}:{master_port}…\n")
        sys.stderr.flush()
    try:
        runner = _attach_runner(env, PlannedWorkerRunner(env, master_host, master_port))
    except ConnectionError:
        from agno_check.errors import TargetUnreachable

        raise TargetUnreachable(f"no agno-check master answered at {master_host}:{master_port} (start it with "
                                "`agno-check load TARGET --master`)") from None
    if announce:
        sys.stderr.write("agno-check: worker: connected; running until the master stops the test\n")
        sys.stderr.flush()
    runner.greenlet.join()
    return 0


def _attach_runner(env: Any, runner: Any) -> Any:
    """What Locust's private ``Environment._create_runner`` does, with public attributes only (the runner
    class's constructor, ``env.runner``, ``env.shape_class.runner``), so a Locust release that renames the
    private helper does not break the worker."""
    if getattr(env, "runner", None) is not None:
        raise RuntimeError(f"the Locust environment already has a runner ({env.runner})")
    env.runner = runner
    if getattr(env, "shape_class", None) is not None:
        env.shape_class.runner = runner
    return runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agno_check.load.worker")
    parser.add_argument("--master-host", required=True)
    parser.add_argument("--master-port", type=int, default=5557)
    parser.add_argument("--scenario")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    try:
        return run_worker(args.master_host, args.master_port, args.scenario, args.debug)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line for the master to show
        sys.stderr.write(f"agno-check worker: {type(exc).__name__}: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())

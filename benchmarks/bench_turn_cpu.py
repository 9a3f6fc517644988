"""CPU per request of agno-check's load user vs a bare Locust ``FastHttpUser``, in steady state, in one process.

    python benchmarks/bench_turn_cpu.py [--users 50] [--seconds 5] [--rounds 3] [--target URL]

Why this beside ``bench_load.py``: requests/s on a shared machine measure the neighbours as much as the
generator (a 2-core machine running other work gave 0.8x and 1.5x for the same code within minutes). The CPU
time this process spends per request does not depend on what else runs: when the generator is the bottleneck
(one core, no wait, a fast target), its requests/s are 1 / CPU per request, so the ratio of CPU per request is the
throughput ratio ``bench_load.py`` would show on a quiet machine. Start-up (imports, the probe turn) is left out:
each run is measured after a settling second. Both users run here, in turns, ``--rounds`` times, and each keeps
its lowest CPU per request. The target is nginx (``bench_load.py`` starts it) or ``--target``. Run on demand.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def measure(user_class: type, url: str, users: int, seconds: float, collector: bool) -> tuple[float, float]:
    """(CPU microseconds per request, requests/s) over ``seconds`` of steady state."""
    import gevent
    from locust.env import Environment
    from locust.event import Events

    from agno_check.load.listeners import Collector

    env = Environment(user_classes=[user_class], host=url, events=Events(), stop_timeout=1.0)
    runner = env.create_local_runner()
    if collector:
        Collector("local").attach(env)  # what `agno-check load` attaches: part of its per-turn cost
    runner.start(users, float(users))
    gevent.sleep(1.0)  # spawned and connected
    requests_before, cpu_before, wall_before = env.stats.total.num_requests, time.process_time(), time.perf_counter()
    gevent.sleep(seconds)
    requests = env.stats.total.num_requests - requests_before
    cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
    runner.quit()
    return cpu / max(1, requests) * 1e6, requests / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target")
    args = parser.parse_args()
    import locust  # noqa: F401 - gevent's patching before anything else opens a socket
    from bare_locustfile import BareQuery
    from bench_load import start_nginx

    from agno_check.load.plan import LoadPlan
    from agno_check.load.users import AgnoCheckUser

    nginx = None
    url = args.target
    if url is None:
        nginx, url, _ = start_nginx()
    best: dict[str, tuple[float, float]] = {}
    try:
        AgnoCheckUser.configure(LoadPlan(host=url, profile="json", profile_values={"endpoint": "/query"},
                                         prompts=["Hello! In one sentence, what can you help me with?"]))
        for round_ in range(args.rounds):
            for name, cls, collector in (("bare", BareQuery, False), ("agno-check", AgnoCheckUser, True)):
                cpu_us, rps = measure(cls, url, args.users, args.seconds, collector)
                print(f"round {round_ + 1}: {name:<10} {cpu_us:6.1f} us CPU/request ({rps:,.0f} req/s)",
                      file=sys.stderr)
                if name not in best or cpu_us < best[name][0]:
                    best[name] = (cpu_us, rps)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
    bare, ours = best["bare"][0], best["agno-check"][0]
    print(f"target {url}, {args.users} users, {args.seconds:g} s per run, lowest of {args.rounds}")
    print(f"bare Locust FastHttpUser: {bare:.1f} us CPU/request")
    print(f"agno-check load user:     {ours:.1f} us CPU/request (turn deadline, judging, collector included)")
    print(f"throughput ratio when CPU-bound (bare CPU / agno-check CPU): {bare / ours:.2f}x (target >= 0.95x)")


if __name__ == "__main__":
    main()

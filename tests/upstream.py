"""Model upstreams that fail: a loopback port nothing listens on, and the simulated model made to fail every
request after the first (so a target passes readiness's preflight and then stops answering)."""

from __future__ import annotations

import socket
import threading
import time

from agno_check.sim.server import SimServer


def closed_port_url() -> str:
    """An OpenAI base URL on a loopback port nothing listens on (the port was free a moment ago): every
    connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def fail_after_first_request(sim: SimServer, bound_s: float = 60.0) -> threading.Thread:
    """Start a watcher that makes every model request after the first a 500. The sim decides a request's
    fault when it begins, so give the first request a TTFT far above the 10 ms poll (1 s: a 100x margin)."""

    def watch() -> None:
        deadline = time.monotonic() + bound_s
        while sim.stats(0)["requests"] < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        sim.set_faults("500")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher

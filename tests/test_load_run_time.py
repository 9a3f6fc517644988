"""A scenario's ``-t/--run-time`` under plain ``locust`` lasts as long as asked, even when its imports are slow.

Locust's run-time timer runs on gevent's cached loop clock; a locustfile whose imports block the CPU (importing
``agno_check.load.users`` takes seconds on a busy machine) left it stale, and ``-t 3s`` ended after 0.7 s, before
one AgentOS turn had finished: the flaky "the AgentOS scenario made no requests" of test_load_scenarios.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime

from tests.conftest import ROOT

BLOCKING_IMPORT_S = 2.0
RUN_TIME_S = 3


def _stamp(stderr: str, marker: str) -> datetime:
    line = next(line for line in stderr.splitlines() if marker in line)
    return datetime.strptime(re.match(r"\[([^\]]+)\]", line).group(1), "%Y-%m-%d %H:%M:%S,%f")


def test_run_time_is_not_cut_short_by_a_locustfile_whose_imports_block(tmp_path):
    locustfile = tmp_path / "slow_imports.py"
    locustfile.write_text(
        "import time\n\n"
        "from locust import User, constant, task\n\n"
        "import agno_check.load.users  # noqa: F401\n\n"
        f"_until = time.perf_counter() + {BLOCKING_IMPORT_S}\n"
        "while time.perf_counter() < _until:  # imports that hold the CPU, as on a busy machine\n"
        "    pass\n\n"
        "class Idle(User):  # no traffic at all: only the run's length is under test\n"
        "    wait_time = constant(0.2)\n\n"
        "    @task\n"
        "    def idle(self):\n"
        "        pass\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGNO_CHECK_")}
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", "1", "-r", "1",
         "-t", f"{RUN_TIME_S}s", "--only-summary"], cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=120)
    set_at = _stamp(result.stderr, "Run time limit set")
    reached_at = _stamp(result.stderr, "run-time limit reached")
    assert (reached_at - set_at).total_seconds() >= RUN_TIME_S - 0.05, result.stderr[-1500:]

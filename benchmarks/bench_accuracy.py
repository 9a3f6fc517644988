"""Are `agno-check load`'s numbers the server's? Latency p50/p95, TTFT p50 and the request count, measured by
agno-check from outside, against what the simulated LLM recorded of its own service times.

    python benchmarks/bench_accuracy.py [--users 5] [--duration 15] [--ttft lognormal:median=200ms,sigma=0.4]

The simulated LLM is the target (an OpenAI-compatible server that records, per request, when it received it,
the TTFT it slept and when it finished). Client-side times also hold loopback and parsing overhead (a few
ms), so the target's service times are kept in the hundreds of milliseconds, where the goal is agreement
within 5%. The request count must equal the server's, less agno-check's one probe turn. Keep users x duration
small enough that every request stays in the simulator's record of the last 200.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agno_check.sim.server import SimServer  # noqa: E402
from agno_check.stats import percentile  # noqa: E402

GOAL = 0.05


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--ttft", default="lognormal:median=200ms,sigma=0.4")
    parser.add_argument("--tps", default="100")
    parser.add_argument("--tokens", default="20-40")
    args = parser.parse_args()
    with SimServer(latency={"ttft": args.ttft, "tps": args.tps, "output_tokens": args.tokens}, seed=3) as sim, \
            tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "load.json"
        command = [sys.executable, "-m", "agno_check", "load", sim.url, "--profile", "openai", "--stream",
                   "--users", str(args.users), "--duration", f"{args.duration}s", "--format", "json",
                   "--output", str(out), "--quiet"]
        subprocess.run(command, check=False, timeout=args.duration + 120, cwd=ROOT,
                       env={**os.environ, "AGNO_TELEMETRY": "false"})
        report = json.loads(out.read_text())
        stats = sim.stats(recent=200)
    served = [r for r in stats["recent"] if r["outcome"] == "ok" and r["duration_s"] is not None]
    if stats["requests"] > 200:
        print(f"the simulator served {stats['requests']} requests, more than the 200 it records: lower --users "
              "or --duration", file=sys.stderr)
        return 2
    served = served[1:]  # agno-check's probe turn comes first and is not in the report
    server = {
        "latency p50": percentile([r["duration_s"] * 1000 for r in served], 50),
        "latency p95": percentile([r["duration_s"] * 1000 for r in served], 95),
        "TTFT p50": percentile([r["ttft_s"] * 1000 for r in served], 50),
    }
    client = {
        "latency p50": report["latency_ms"]["p50"],
        "latency p95": report["latency_ms"]["p95"],
        "TTFT p50": report["ttft_ms"]["p50"],
    }
    print(f"{'metric':<14}{'server':>10}{'agno-check':>12}{'difference':>12}")
    worst = 0.0
    for name, server_ms in server.items():
        difference = (client[name] - server_ms) / server_ms
        worst = max(worst, abs(difference))
        print(f"{name:<14}{server_ms:>8.1f}ms{client[name]:>10.1f}ms{difference:>+11.1%}")
    print(f"{'requests':<14}{stats['requests'] - 1:>10}{report['requests']:>12}"
          f"{report['requests'] - (stats['requests'] - 1):>+12}")
    print(f"worst difference {worst:.1%} (goal <= {GOAL:.0%}); request counts "
          f"{'equal' if report['requests'] == stats['requests'] - 1 else 'DIFFER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

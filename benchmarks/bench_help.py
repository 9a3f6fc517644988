"""How long ``agno-check --help`` takes next to ``python -c "import typer, rich"`` (target: within 2x).

Run on demand: ``python benchmarks/bench_help.py [--runs 15]``. Heavy modules (locust, gevent, agno, httpx,
pydantic) must stay out of start-up; this prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_wall_s(command: list[str], runs: int) -> float:
    subprocess.run(command, capture_output=True, check=False, timeout=60)  # warm the page cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, timeout=60)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    help_s = median_wall_s([sys.executable, "-m", "agno_check", "--help"], runs)
    base_s = median_wall_s([sys.executable, "-c", "import typer, rich"], runs)
    print(f"agno-check --help      {help_s * 1000:7.1f} ms (median of {runs})")
    print(f"import typer, rich     {base_s * 1000:7.1f} ms")
    print(f"ratio                  {help_s / base_s:7.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()

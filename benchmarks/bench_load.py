"""Throughput of the load generator: bare Locust vs `agno-check load`, and `--workers 2` vs one process.

    python benchmarks/bench_load.py [--users 50] [--duration 10] [--repeat 3] [--target URL]

All three runs hit the same local target with the same users; they take turns, ``--repeat`` rounds, and each
keeps its best round (other work on the machine only ever slows a run down, so the best round is the least
disturbed one). CPU/request is the generator's own CPU time (every process of the run, start-up included) per
request: it does not depend on what else the machine is doing. The target is nginx answering
``POST /query`` with a fixed JSON body (a Python server caps every client near 11k req/s, so it would measure
itself, not the generator); without nginx on PATH, pass ``--target`` or install it (``apt-get install
nginx-light``). Prints requests/s side by side. Run on demand: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NGINX_CONF = """
worker_processes 1;
daemon off;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        location /query {{ default_type application/json; return 200 '{{"response": "ok"}}'; }}
        location / {{ return 404; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_nginx() -> tuple[subprocess.Popen, str, str]:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        sys.exit("nginx not found: install it (apt-get install nginx-light) or pass --target URL")
    prefix = tempfile.mkdtemp(prefix="agno-check-bench-")
    port = free_port()
    conf = Path(prefix) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, port=port))
    process = subprocess.Popen([binary, "-c", str(conf), "-p", prefix], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, url, prefix
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit("nginx did not start")


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_locust(url: str, users: int, duration: int) -> tuple[int, float]:
    out = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(HERE / "bare_locustfile.py"), "--headless", "-u", str(users),
         "-r", str(users), "-t", f"{duration}s", "--host", url, "--json", "--only-summary", "--stop-timeout", "5"],
        capture_output=True, text=True, timeout=duration + 120, cwd=str(ROOT))
    entries = json.loads(out.stdout)
    entry = next(e for e in entries if e["name"] == "/query")
    elapsed = entry["last_request_timestamp"] - entry["start_time"]
    return entry["num_requests"], entry["num_requests"] / elapsed


def agno_check(url: str, users: int, duration: int, workers: int) -> tuple[int, float]:
    out = subprocess.run(
        [sys.executable, "-m", "agno_check", "load", url, "--profile", "json", "--users", str(users),
         "--duration", f"{duration}s", "--workers", str(workers), "--format", "json", "--quiet"],
        capture_output=True, text=True, timeout=duration + 120, cwd=str(ROOT))
    if out.returncode not in (0, 1):
        sys.exit(f"agno-check load failed: {out.stderr.strip()}")
    report = json.loads(out.stdout)
    return report["requests"], report["rps"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target")
    args = parser.parse_args()
    nginx = None
    url = args.target
    if url is None:
        nginx, url, _ = start_nginx()
    runs = {"bare": lambda: bare_locust(url, args.users, args.duration),
            "one": lambda: agno_check(url, args.users, args.duration, 1),
            "two": lambda: agno_check(url, args.users, args.duration, 2)}
    best: dict[str, tuple[int, float, float]] = {}
    try:
        for round_ in range(args.repeat):
            for name, run in runs.items():
                cpu_before = cpu_of_children()
                count, rps = run()
                cpu_us = (cpu_of_children() - cpu_before) / count * 1e6  # generator CPU per request, all processes
                print(f"round {round_ + 1}: {name:<4} {rps:>9,.0f} req/s {cpu_us:6.0f} us CPU/request", file=sys.stderr)
                if name not in best or rps > best[name][1]:
                    best[name] = (count, rps, cpu_us)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
    base, one, two = best["bare"][1], best["one"][1], best["two"][1]
    rows = [("bare Locust FastHttpUser (1 process)", best["bare"][0], base, 1.0, best["bare"][2]),
            ("agno-check load (1 process)", best["one"][0], one, one / base, best["one"][2]),
            ("agno-check load --workers 2", best["two"][0], two, two / base, best["two"][2])]
    print(f"target {url}, {args.users} users, {args.duration} s per run, best of {args.repeat}, "
          f"{os.cpu_count()} cores\n")
    print(f"| {'run':<38} | {'requests':>9} | {'req/s':>9} | {'vs bare':>7} | {'CPU/request':>11} |")
    print(f"|{'-' * 40}|{'-' * 11}|{'-' * 11}|{'-' * 9}|{'-' * 13}|")
    for name, count, rps, ratio, cpu_us in rows:
        print(f"| {name:<38} | {count:>9,} | {rps:>9,.0f} | {ratio:>6.2f}x | {cpu_us:>8.0f} us |")
    print(f"\nagno-check / bare Locust: {one / base:.2f}x (target >= 0.95x); "
          f"--workers 2 / one process: {two / one:.2f}x (target >= 1.6x)")


if __name__ == "__main__":
    main()

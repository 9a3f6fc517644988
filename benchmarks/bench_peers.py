"""The same streaming workload through agno-check and, when installed, GuideLLM and AIPerf: each tool's TTFT and
latency against the server's own records, and the tool's CPU per request.

    python benchmarks/bench_peers.py [--concurrency 10] [--duration 8] [--rounds 1]

The server is the simulated LLM (OpenAI-compatible, streamed), which records per request the TTFT it slept and
its whole service time; the tools measure from outside, so a few milliseconds of loopback and parsing are
expected on top. CPU per request is every CPU second of the tool's process tree (start-up included) over the
requests the server saw. GuideLLM and AIPerf need a tokenizer: no model hub is reachable here, so a word-level
one is built from the synthetic prompts (``tokenizers`` + ``transformers``, the libraries those tools load
tokenizers with). A tool that is not installed, or whose tokenizer cannot be built, is skipped and the script
says so. It never installs anything. Run on demand: it is a benchmark, not a test. Keep concurrency x duration
small: the simulator keeps its last 200 request records.

The GuideLLM and AIPerf command lines follow their documented options (GuideLLM ``benchmark --rate-type
concurrent``, AIPerf ``profile --concurrency``); they were not installed on the machine this was written on, so
those two paths have not been run here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agno_check.load.workload import synthetic_prompts  # noqa: E402
from agno_check.sim.server import SimServer  # noqa: E402
from agno_check.stats import percentile  # noqa: E402

INPUT_WORDS, OUTPUT_TOKENS = 50, 30
MODEL = {"ttft": "lognormal:median=200ms,sigma=0.3", "tps": 100, "output_tokens": OUTPUT_TOKENS}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_agno_check(url: str, concurrency: int, duration: int, folder: Path) -> dict[str, float]:
    out = folder / "agno-check.json"
    subprocess.run([sys.executable, "-m", "agno_check", "load", url, "--profile", "openai", "--stream",
                    "--users", str(concurrency), "--duration", f"{duration}s", "--input-tokens", str(INPUT_WORDS),
                    "--output-tokens", str(OUTPUT_TOKENS), "--format", "json", "--output", str(out), "--quiet"],
                   check=False, timeout=duration + 120, cwd=ROOT, env={**os.environ, "AGNO_TELEMETRY": "false"})
    report = json.loads(out.read_text())
    return {"ttft_p50": report["ttft_ms"]["p50"], "ttft_p95": report["ttft_ms"]["p95"],
            "latency_p50": report["latency_ms"]["p50"], "requests": report["requests"], "probe": 1}


def build_tokenizer(folder: Path) -> Path | None:
    """A word-level tokenizer of the synthetic prompts' words, saved where ``AutoTokenizer`` can load it."""
    if importlib.util.find_spec("tokenizers") is None or importlib.util.find_spec("transformers") is None:
        return None
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = sorted({w for p in synthetic_prompts(INPUT_WORDS, 0, 256) for w in p.split()})
    vocab = {"[UNK]": 0, **{w: i + 1 for i, w in enumerate(words)}}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    target = folder / "word-tokenizer"
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]").save_pretrained(str(target))
    return target


def run_guidellm(url: str, concurrency: int, duration: int, folder: Path) -> dict[str, float]:
    tokenizer = build_tokenizer(folder)
    if tokenizer is None:
        raise RuntimeError("tokenizers/transformers not installed: no local tokenizer")
    out = folder / "guidellm.json"
    subprocess.run(["guidellm", "benchmark", "--target", f"{url}/v1", "--rate-type", "concurrent", "--rate",
                    str(concurrency), "--max-seconds", str(duration), "--processor", str(tokenizer),
                    "--data", f"prompt_tokens={INPUT_WORDS},output_tokens={OUTPUT_TOKENS}",
                    "--output-path", str(out)], check=True, timeout=duration + 300, cwd=folder)
    data = json.loads(out.read_text())
    metrics = data["benchmarks"][0]["metrics"]
    ttft = metrics["time_to_first_token_ms"]["successful"]
    latency = metrics["request_latency"]["successful"]
    return {"ttft_p50": ttft["median"], "ttft_p95": ttft["percentiles"]["p95"],
            "latency_p50": latency["median"] * 1000.0,
            "requests": metrics["request_totals"]["successful"], "probe": 0}


def run_aiperf(url: str, concurrency: int, duration: int, folder: Path) -> dict[str, float]:
    tokenizer = build_tokenizer(folder)
    if tokenizer is None:
        raise RuntimeError("tokenizers/transformers not installed: no local tokenizer")
    artifacts = folder / "aiperf"
    subprocess.run(["aiperf", "profile", "--url", url, "--endpoint-type", "chat", "--streaming", "--model", "sim",
                    "--concurrency", str(concurrency), "--benchmark-duration", str(duration),
                    "--tokenizer", str(tokenizer), "--synthetic-input-tokens-mean", str(INPUT_WORDS),
                    "--output-tokens-mean", str(OUTPUT_TOKENS), "--artifact-dir", str(artifacts)],
                   check=True, timeout=duration + 300, cwd=folder)
    found = sorted(artifacts.rglob("*aggregate*.json")) or sorted(artifacts.rglob("*.json"))
    data = json.loads(found[0].read_text())
    records = data.get("records", data)
    ttft, latency = records["time_to_first_token"], records["request_latency"]
    return {"ttft_p50": ttft["p50"], "ttft_p95": ttft["p95"], "latency_p50": latency["p50"],
            "requests": records["request_count"]["avg"], "probe": 0}


TOOLS: dict[str, tuple[Callable[[str, int, int, Path], dict[str, float]], str | None]] = {
    "agno-check": (run_agno_check, None),
    "guidellm": (run_guidellm, "guidellm"),
    "aiperf": (run_aiperf, "aiperf"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--duration", type=int, default=8)
    args = parser.parse_args()
    rows, skipped = [], []
    for name, (run, binary) in TOOLS.items():
        if binary is not None and shutil.which(binary) is None:
            skipped.append(f"{name}: not installed (`{binary}` not on PATH)")
            continue
        with SimServer(latency=MODEL, seed=5) as sim, tempfile.TemporaryDirectory() as tmp:
            cpu_before = children_cpu()
            try:
                measured = run(sim.url, args.concurrency, args.duration, Path(tmp))
            except (RuntimeError, subprocess.SubprocessError, OSError, KeyError, ValueError, IndexError) as exc:
                skipped.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
                continue
            cpu = children_cpu() - cpu_before
            stats = sim.stats(recent=200)
        if stats["requests"] > 200:
            skipped.append(f"{name}: the simulator served {stats['requests']} requests, more than the 200 it "
                           "records; lower --concurrency or --duration")
            continue
        served = [r for r in stats["recent"] if r["outcome"] == "ok" and r["duration_s"] is not None]
        served = served[int(measured["probe"]):]
        server = {"ttft_p50": percentile([r["ttft_s"] * 1000 for r in served], 50),
                  "ttft_p95": percentile([r["ttft_s"] * 1000 for r in served], 95),
                  "latency_p50": percentile([r["duration_s"] * 1000 for r in served], 50)}
        errors = {k: (measured[k] - v) / v for k, v in server.items() if v}
        rows.append((name, measured, server, errors, cpu / max(1, stats["requests"]) * 1e6, stats["requests"]))
    print(f"streamed, {args.concurrency} concurrent, {args.duration} s, {INPUT_WORDS}-word prompts, "
          f"{OUTPUT_TOKENS} output tokens, simulated model TTFT {MODEL['ttft']}, {os.cpu_count()} cores\n")
    print("| tool | requests (server) | TTFT p50 err | TTFT p95 err | latency p50 err | CPU/request |")
    print("|---|---|---|---|---|---|")
    for name, measured, _server, errors, cpu_us, served in rows:
        print(f"| {name} | {measured['requests']:.0f} ({served}) | {errors['ttft_p50']:+.1%} | "
              f"{errors['ttft_p95']:+.1%} | {errors['latency_p50']:+.1%} | {cpu_us:,.0f} us |")
    for line in skipped:
        print(f"skipped {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

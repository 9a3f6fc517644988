"""The same streaming workload through agno-check and, when installed, GuideLLM and AIPerf: each tool's TTFT and
latency against the server's own records, and the tool's CPU per request.

    PATH=/path/to/peers-venv/bin:$PATH python benchmarks/bench_peers.py [--concurrency 10] [--duration 8]

The server is the simulated LLM (OpenAI-compatible, streamed), which records per request the TTFT it slept and
its whole service time; the tools measure from outside, so a few milliseconds of loopback and parsing are
expected on top. Each tool gets its own simulator, the same seed and the same workload: ``--concurrency``
streams for ``--duration`` seconds, the same 50-word synthetic prompts (agno-check's ``--input-tokens``
prompts, handed to the peers as a dataset file) and 30 output tokens. A tool's errors are computed against the
records of its own run, without the requests it sends before the load (agno-check's probe turn; GuideLLM and
AIPerf, as called here, send none) and without the streams it cancels when the time is up (GuideLLM cancels
them; AIPerf lets them finish within its grace period, and counts them). CPU per request is every CPU second
of the tool's process tree (start-up included) over the requests the server saw.

GuideLLM and AIPerf need a tokenizer: no model hub is reachable here, so a word-level one is built from the
prompts, with the ``tokenizers`` and ``transformers`` of the python beside the tool's own binary (the peers
live in their own venv; this project does not depend on those libraries). Everything they run gets the
hub-offline variables and a private ``HF_HOME`` in the run's temporary folder, and only ever talks to the
simulator on 127.0.0.1. A tool that is not on PATH, or whose run fails, is skipped and the script says why.
It never installs anything. Run on demand: it is a benchmark, not a test.

Run with GuideLLM 0.8.1 (``guidellm run``) and AIPerf 0.13.0 (``aiperf profile``), with tokenizers 0.23.3 and
transformers 5.24.0 in their venv.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agno_check.load.workload import synthetic_prompts  # noqa: E402
from agno_check.sim.server import SimServer  # noqa: E402
from agno_check.stats import percentile  # noqa: E402

INPUT_WORDS, OUTPUT_TOKENS, PROMPT_SEED = 50, 30, 0
MODEL = {"ttft": "lognormal:median=200ms,sigma=0.3", "tps": 100, "output_tokens": OUTPUT_TOKENS}
HUB_REPO = "agno-check/word-tokenizer"  # the name the word-level tokenizer has in the run's private hub cache
HUB_REVISION = "0" * 40
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "NO_PROXY": "127.0.0.1,localhost",
           "no_proxy": "127.0.0.1,localhost"}

# Run by the peer venv's python: the word-level tokenizer of the prompts' words, where AutoTokenizer loads it.
TOKENIZER_SCRIPT = """
import json, sys
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast
words, target = json.loads(open(sys.argv[1]).read()), sys.argv[2]
vocab = {"[UNK]": 0, **{w: i + 1 for i, w in enumerate(words)}}
tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]").save_pretrained(target)
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prompts() -> list[str]:
    """The prompts agno-check's ``--input-tokens 50`` sends (same seed), so every tool sends the same text."""
    return synthetic_prompts(INPUT_WORDS, PROMPT_SEED)


def peer_env(folder: Path) -> dict[str, str]:
    """The environment of a peer tool: hub and datasets offline, no telemetry, no proxy for loopback, and a
    private HF_HOME, so nothing tries the internet and nothing lands in the user's caches."""
    return {**os.environ, **OFFLINE, "HF_HOME": str(folder / "hf")}


def run_tool(command: list[str], folder: Path, timeout: float, env: dict[str, str]) -> None:
    """Run a tool with its output in a log file; a failure raises with the log's tail, the only useful part.

    The tool runs in its own session: on a timeout its whole process tree (the peers spawn workers) is
    killed, not only the process this script started."""
    log = folder / f"{Path(command[0]).name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder, env=env,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
    if code != 0:
        tail = " | ".join(line.strip() for line in log.read_text(errors="replace").splitlines()[-4:])
        raise RuntimeError(f"`{Path(command[0]).name}` exited {code}: {tail}")


def run_agno_check(url: str, concurrency: int, duration: int, folder: Path) -> dict[str, float]:
    out = folder / "agno-check.json"
    subprocess.run([sys.executable, "-m", "agno_check", "load", url, "--profile", "openai", "--stream",
                    "--users", str(concurrency), "--duration", f"{duration}s", "--input-tokens", str(INPUT_WORDS),
                    "--prompt-seed", str(PROMPT_SEED), "--output-tokens", str(OUTPUT_TOKENS), "--format", "json",
                    "--output", str(out), "--quiet"],
                   check=False, timeout=duration + 120, cwd=ROOT, env={**os.environ, "AGNO_TELEMETRY": "false"})
    report = json.loads(out.read_text())
    return {"ttft_p50": report["ttft_ms"]["p50"], "ttft_p95": report["ttft_ms"]["p95"],
            "latency_p50": report["latency_ms"]["p50"], "requests": report["requests"],
            "probe": (report.get("probe") or {}).get("requests", 1)}


def peer_python(binary: str) -> Path:
    """The interpreter of the venv the peer tool lives in (its binary's neighbour): it has the tokenizer
    libraries the tool loads tokenizers with; this project's python has not."""
    found = shutil.which(binary)
    python = Path(found).parent / "python" if found else None
    if python is None or not python.exists():
        raise RuntimeError(f"no python beside `{binary}` to build the tokenizer with")
    return python


def build_tokenizer(binary: str, folder: Path) -> Path:
    """A word-level tokenizer of the prompts' words, saved where ``AutoTokenizer`` can load it: every prompt is
    exactly 50 tokens to it, so the peers' token counts of the input are the words agno-check counts."""
    words = folder / "words.json"
    words.write_text(json.dumps(sorted({w for p in prompts() for w in p.split()})))
    target = folder / "word-tokenizer"
    result = subprocess.run([str(peer_python(binary)), "-c", TOKENIZER_SCRIPT, str(words), str(target)],
                            capture_output=True, text=True, check=False, timeout=120, env=peer_env(folder))
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"could not build the word-level tokenizer with {peer_python(binary)}: {tail}")
    return target


def as_hub_cache(tokenizer: Path, folder: Path) -> str:
    """Put the tokenizer in the run's private hub cache as ``HUB_REPO`` and return that name.

    AIPerf 0.13.0 in hub-offline mode resolves any ``--tokenizer`` through the hub cache, so a plain local
    path fails ("Repo id must be in the form ..."); a cache entry (refs/main -> snapshots/<revision>) is what
    it finds offline."""
    entry = folder / "hf" / "hub" / f"models--{HUB_REPO.replace('/', '--')}"
    (entry / "refs").mkdir(parents=True, exist_ok=True)
    (entry / "refs" / "main").write_text(HUB_REVISION)
    shutil.copytree(tokenizer, entry / "snapshots" / HUB_REVISION, dirs_exist_ok=True)
    return HUB_REPO


def write_dataset(path: Path, row: Callable[[str], dict[str, object]], rows: int = 0) -> Path:
    """The prompts as JSON lines, cycled to ``rows`` lines when that is more than there are prompts."""
    texts = prompts()
    path.write_text("".join(json.dumps(row(texts[i % len(texts)])) + "\n" for i in range(max(rows, len(texts)))))
    return path


def run_guidellm(url: str, concurrency: int, duration: int, folder: Path) -> dict[str, float]:
    """``guidellm run`` (0.8 takes each part as a JSON config): a concurrent profile, a duration constraint,
    the prompts as a JSON-lines file with their output token count. GuideLLM ends the run when a file dataset
    runs out, so the prompts are cycled to more lines than the run can send (a stream does at most ~2.5
    requests a second here). The backend check is off: it GETs ``/health``, which the simulator does not
    serve (it sends no model request either way)."""
    tokenizer = build_tokenizer("guidellm", folder)
    data = write_dataset(folder / "guidellm.jsonl", lambda p: {"prompt": p, "output_tokens_count": OUTPUT_TOKENS},
                         rows=concurrency * duration * 5)
    out = folder / "guidellm.json"
    specs = {"--backend": {"kind": "openai_http", "target": url, "model": "sim", "validate_backend": False},
             "--profile": {"kind": "concurrent", "streams": [concurrency]},
             "--constraint": {"kind": "max_duration", "seconds": duration},
             "--tokenizer": {"kind": "hf_auto", "model": str(tokenizer)},
             "--data": {"kind": "json_file", "path": str(data)},
             "--output": {"kind": "json", "path": str(out)}}
    command = ["guidellm", "run", *(part for flag, spec in specs.items() for part in (flag, json.dumps(spec))),
               "--disable-console-interactive"]
    run_tool(command, folder, duration + 300, peer_env(folder))
    metrics = json.loads(out.read_text())["benchmarks"][0]["metrics"]
    ttft = metrics["time_to_first_token_ms"]["successful"]  # milliseconds
    latency = metrics["request_latency"]["successful"]  # seconds
    return {"ttft_p50": ttft["percentiles"]["p50"], "ttft_p95": ttft["percentiles"]["p95"],
            "latency_p50": latency["percentiles"]["p50"] * 1000.0,
            "requests": metrics["request_totals"]["successful"], "probe": 0}


def in_ms(metric: dict[str, Any], key: str) -> float:
    """An AIPerf statistic in milliseconds, whatever unit the metric says it is in."""
    return float(metric[key]) * {"ms": 1.0, "sec": 1000.0, "s": 1000.0, "us": 0.001, "ns": 1e-6}[metric["unit"]]


def run_aiperf(url: str, concurrency: int, duration: int, folder: Path) -> dict[str, float]:
    """``aiperf profile`` with the prompts as a single-turn dataset. No warm-up and no readiness probe (its
    defaults); server metrics and GPU telemetry scraping off (they would poll ``/metrics`` and DCGM ports);
    token counts from the server's usage, since the word-level tokenizer does not know the answers' words."""
    repo = as_hub_cache(build_tokenizer("aiperf", folder), folder)
    dataset = write_dataset(folder / "aiperf.jsonl", lambda p: {"text": p, "output_length": OUTPUT_TOKENS})
    artifacts = folder / "aiperf"
    run_tool(["aiperf", "profile", "--url", url, "--endpoint-type", "chat", "--streaming", "--model", "sim",
              "--concurrency", str(concurrency), "--benchmark-duration", str(duration), "--tokenizer", repo,
              "--input-file", str(dataset), "--custom-dataset-type", "single-turn", "--use-server-token-count",
              "--random-seed", "0", "--no-server-metrics", "--no-gpu-telemetry", "--ui", "none",
              "--artifact-dir", str(artifacts)], folder, duration + 300, peer_env(folder))
    data = json.loads((artifacts / "profile_export_aiperf.json").read_text())
    ttft, latency = data["time_to_first_token"], data["request_latency"]
    return {"ttft_p50": in_ms(ttft, "p50"), "ttft_p95": in_ms(ttft, "p95"), "latency_p50": in_ms(latency, "p50"),
            "requests": data["request_count"]["avg"], "probe": 0}


TOOLS: dict[str, tuple[Callable[[str, int, int, Path], dict[str, float]], str | None]] = {
    "agno-check": (run_agno_check, None),
    "guidellm": (run_guidellm, "guidellm"),
    "aiperf": (run_aiperf, "aiperf"),
}


def served_records(stats: dict, probe: int) -> list[dict]:
    """The server's records of the tool's measured requests: answered in full, in arrival order, without the
    ``probe`` requests the tool sent before its load (a cancelled stream is not ``ok``, so it is out too)."""
    answered = [r for r in stats["recent"] if r["outcome"] == "ok" and r["duration_s"] is not None]
    return answered[probe:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--duration", type=int, default=8)
    args = parser.parse_args()
    rows, skipped, notes = [], [], []
    for name, (run, binary) in TOOLS.items():
        if binary is not None and shutil.which(binary) is None:
            skipped.append(f"{name}: not installed (`{binary}` not on PATH)")
            continue
        with SimServer(latency=MODEL, seed=5) as sim, tempfile.TemporaryDirectory() as tmp:
            cpu_before = children_cpu()
            try:
                measured = run(sim.url, args.concurrency, args.duration, Path(tmp))
            except (RuntimeError, subprocess.SubprocessError, OSError, KeyError, ValueError, IndexError) as exc:
                skipped.append(f"{name}: {type(exc).__name__}: {exc}"[:400])
                continue
            cpu = children_cpu() - cpu_before
            stats = sim.stats(everything=True)  # every record of this run, not only the last 200
        if stats["records_dropped"]:
            skipped.append(f"{name}: the simulator dropped {stats['records_dropped']} records; lower --duration")
            continue
        served = served_records(stats, int(measured["probe"]))
        if not served:
            skipped.append(f"{name}: the server answered no request in full")
            continue
        if round(measured["requests"]) != len(served):
            notes.append(f"{name} counted {measured['requests']:.0f} requests, the server answered "
                         f"{len(served)} in full (after {measured['probe']:.0f} probe): errors compare unequal sets")
        server = {"ttft_p50": percentile([r["ttft_s"] * 1000 for r in served], 50),
                  "ttft_p95": percentile([r["ttft_s"] * 1000 for r in served], 95),
                  "latency_p50": percentile([r["duration_s"] * 1000 for r in served], 50)}
        errors = {k: (measured[k] - v) / v for k, v in server.items() if v}
        rows.append((name, measured, len(served), stats["requests"], errors, cpu / max(1, stats["requests"]) * 1e6))
    print(f"streamed, {args.concurrency} concurrent, {args.duration} s, {INPUT_WORDS}-word prompts, "
          f"{OUTPUT_TOKENS} output tokens, simulated model TTFT {MODEL['ttft']}, {os.cpu_count()} cores\n")
    print("| tool | requests: tool / server ok / server all | TTFT p50 err | TTFT p95 err | latency p50 err "
          "| CPU/request |")
    print("|---|---|---|---|---|---|")
    for name, measured, ok, seen, errors, cpu_us in rows:
        print(f"| {name} | {measured['requests']:.0f} / {ok} / {seen} | {errors['ttft_p50']:+.1%} | "
              f"{errors['ttft_p95']:+.1%} | {errors['latency_p50']:+.1%} | {cpu_us:,.0f} us |")
    print("\nserver ok: answered in full, without the tool's probe/warm-up requests; server all: every request "
          "the server saw (CPU/request divides by it)")
    for line in notes:
        print(f"note: {line}")
    for line in skipped:
        print(f"skipped {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

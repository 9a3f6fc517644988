"""What a person sees while readiness runs and after it: live progress on a terminal (a real pseudo-terminal),
one line per check in a CI log, the verdict-first summary, the short summary beside ``--output``, silence with
``--quiet``, Ctrl-C, and units on every number (load's k6-style SLO lines too).

Every run is the real ``agno-check`` command against the real demo AgentOS on the simulated LLM: one hardened
and one flawed stack for the whole module, started in this process on loopback ports.
"""

from __future__ import annotations

import io
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, validate_readiness

pexpect = pytest.importorskip("pexpect")

#: one plain progress line: "[ 3/41  0.7 s] pass  configuration.health_endpoint (12 ms)"
PLAIN_LINE = re.compile(r"^\[\s*(\d+)/(\d+)\s+[\d.]+ s\] (pass|warn|fail|skip|error)\s+([a-z]+\.[a-z0-9_]+) \(")
#: one finished check on the live terminal: "✓ configuration.health_endpoint  pass  12 ms" (colour codes
#: allowed between the parts, as a terminal receives them)
_SGR = r"(?:\x1b\[[0-9;]*m)*"
LIVE_LINE = re.compile(rf"[✓!✗E-] {_SGR}([a-z]+\.[a-z0-9_]+){_SGR}  (pass|warn|fail|skip|error)")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RUN_BOUND_S = 300


@pytest.fixture(scope="module")
def hardened() -> Iterator[object]:
    from agno_check.demo.stack import DemoStack

    with DemoStack() as stack:
        yield stack


@pytest.fixture(scope="module")
def flawed() -> Iterator[object]:
    from agno_check.demo.stack import DemoStack

    with DemoStack(hardened=False) as stack:
        yield stack


def readiness_args(stack: object) -> list[str]:
    """``agno-check readiness`` against a demo stack, as ``agno-check demo --serve`` tells a user to run it."""
    args = ["readiness", stack.url, "--profile", "agentos", "--agent-id", stack.agent_id,  # type: ignore[attr-defined]
            "--canary", stack.canary, "--sim-control", stack.sim.url]  # type: ignore[attr-defined]
    if stack.token:  # type: ignore[attr-defined]
        args += ["--token", stack.token]  # type: ignore[attr-defined]
    return args


def catalogue() -> list[str]:
    """Every check id, in the order a run takes them."""
    from agno_check.checks.registry import load_catalogue, select

    return [spec.id for spec in select(load_catalogue(), [], [])]


def agent_object_checks() -> set[str]:
    """The checks that read the agent object, so a URL run skips them (from the registry, not the output)."""
    from agno_check.checks.registry import load_catalogue

    return {check_id for check_id, spec in load_catalogue().items() if "http" not in spec.targets}


def spawn(args: list[str], tmp_path: Path) -> object:
    """The real CLI under a pseudo-terminal (stdout and stderr both a terminal, 200 columns)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGNO_CHECK_") or k.startswith("AGNO_CHECK_TEST")}
    env.update({"AGNO_TELEMETRY": "false", "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)})
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "agno_check", *args], cwd=str(tmp_path), env=env,
                          dimensions=(50, 200), encoding="utf-8", codec_errors="replace", timeout=RUN_BOUND_S)
    child.logfile_read = io.StringIO()  # everything the terminal received, in order
    return child


def finish(child: object) -> tuple[str, int]:
    """Read to the end: everything the terminal showed (colour codes removed) and the exit code."""
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    return plain(child.logfile_read.getvalue()), child.exitstatus  # type: ignore[attr-defined]


def plain(text: str) -> str:
    return ANSI.sub("", text).replace("\r", "")


def section(report: str, title: str) -> list[str]:
    """The lines of one section of the summary (from its ``Title (n)`` header to the next blank line)."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{title} \(\d+\)", line))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def ids_in_block(lines: list[str]) -> list[str]:
    """The check ids of a by-category block: ``   category  name, name,`` then wrapped lines indented deeper."""
    ids: list[str] = []
    category = ""
    for line in lines:
        head = re.match(r"^ {3}([a-z]+) +(.*)$", line)
        if head:
            category, names = head.groups()
        else:
            names = line.strip()
        ids += [f"{category}.{name.strip()}" for name in names.split(",") if name.strip()]
    return ids


def header_index(report: str, title: str) -> int:
    match = re.search(rf"^{title} \((\d+)\)", report, re.M)
    assert match, f"no {title!r} section in:\n{report}"
    return match.start()


# ------------------------------------------------------------------------------ progress while it runs


def test_a_terminal_shows_live_progress_and_each_finished_check_before_the_run_ends(hardened, tmp_path):
    child = spawn(readiness_args(hardened), tmp_path)
    total = len(catalogue())
    child.expect(rf"running {total} checks against {re.escape(hardened.url)}")
    # the live line: done/total and elapsed, then the check running now
    child.expect(rf"\b\d+/{total}\b.{{0,40}}0:00:\d\d.{{0,20}}[a-z]+\.[a-z0-9_]+")
    child.expect(LIVE_LINE)
    assert child.isalive(), "the first finished check was printed only when the run had ended"
    seen_so_far = plain(child.logfile_read.getvalue())
    assert "PASSED" not in seen_so_far and "FAILED" not in seen_so_far  # the report comes after the progress
    # a wait for a rate limit's Retry-After is said while it lasts (the hardened stack's limiter answers 429s)
    child.expect(r"waiting \d+ s: the Retry-After a rate-limited burst left behind")
    assert child.isalive()
    screen, code = finish(child)
    assert code == 0, screen[-3000:]
    progress, report = screen[:screen.index("✓ PASSED")], screen[screen.index("✓ PASSED"):]
    finished = [m.group(1) for m in LIVE_LINE.finditer(progress)]
    assert finished == catalogue()  # each check once, as it finished, in the run's order
    assert report.startswith("✓ PASSED  score ")
    assert not LIVE_LINE.search(report)  # no progress after the verdict: the report is the last thing shown


def test_without_a_terminal_each_check_is_one_line_as_it_finishes_and_the_summary_leads_with_the_verdict(
        hardened):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AGNO_CHECK_")}, "AGNO_TELEMETRY": "false"}
    env.pop("COLUMNS", None)  # a CI log: no terminal, no width given -> 140 columns
    proc = subprocess.Popen([sys.executable, "-m", "agno_check", *readiness_args(hardened)], cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: queue.Queue[tuple[str, bool]] = queue.Queue()

    def read() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            lines.put((line.rstrip("\n"), proc.poll() is None))
        lines.put(("", False))

    threading.Thread(target=read, daemon=True).start()
    stdout = proc.stdout.read()  # type: ignore[union-attr]
    code = proc.wait(timeout=RUN_BOUND_S)
    stderr: list[tuple[str, bool]] = []
    while not stderr or stderr[-1] != ("", False):
        stderr.append(lines.get(timeout=30))
    progress = [(PLAIN_LINE.match(text), running) for text, running in stderr if PLAIN_LINE.match(text)]
    total = len(catalogue())
    assert code == 0, "\n".join(t for t, _ in stderr) + stdout
    assert progress[0][1], "the first check's line came only after the run had ended"
    assert [int(m.group(1)) for m, _ in progress] == list(range(1, total + 1))  # one line per check, in order
    assert {m.group(4) for m, _ in progress} == set(catalogue())
    statuses = {m.group(4): m.group(3) for m, _ in progress}
    assert any("waiting" in text and "Retry-After" in text for text, _ in stderr)  # the 429 wait, said
    # the report: verdict first, then passed in one block, then skipped grouped by reason
    assert stdout.startswith("✓ PASSED  score "), stdout[:500]
    assert "gate passed (--fail-on critical)" in stdout.splitlines()[1]
    assert "Failed (" not in stdout and "Could not run (" not in stdout
    assert header_index(stdout, "Passed") < header_index(stdout, "Skipped")
    passed_block = section(stdout, "Passed")
    passed = [i for i, s in statuses.items() if s == "pass"]
    assert f"Passed ({len(passed)})" in passed_block[0]
    assert sorted(ids_in_block(passed_block[1:])) == sorted(passed)  # each named once, under its category
    assert not any(check_id in stdout for check_id in passed)  # not a row of its own
    agent_level = agent_object_checks()
    assert f"{len(agent_level)} agent-object checks skipped: run against module:agent" in stdout
    assert "reads the agent object" not in stdout  # one line for all of them, not one row each
    skipped = section(stdout, "Skipped")
    assert f"Skipped ({sum(s == 'skip' for s in statuses.values())})" in skipped[0]
    assert all(len(line) <= 140 for line in stdout.splitlines())


def test_ctrl_c_on_a_terminal_reports_the_finished_checks_marks_the_rest_interrupted_and_exits_130(
        hardened, tmp_path):
    child = spawn([*readiness_args(hardened), "--samples", "30"], tmp_path)
    for _ in range(3):
        child.expect(LIVE_LINE)
    child.sendintr()  # the terminal's Ctrl-C: SIGINT to the foreground process
    screen, code = finish(child)
    assert code == 130, screen[-3000:]
    assert "Traceback" not in screen
    progress, report = screen[:screen.index("… INTERRUPTED")], screen[screen.index("… INTERRUPTED"):]
    finished = [m.group(1) for m in LIVE_LINE.finditer(progress)]
    assert re.match(rf"… INTERRUPTED  score [\d.]+/100  ·  .*  ·  {len(finished)} of {len(catalogue())} checks",
                    report), report[:300]
    assert f"interrupted after {len(finished)} of {len(catalogue())} checks" in report  # the gate's reason
    block = section(report, "Interrupted")
    assert f"Interrupted ({len(catalogue()) - len(finished)}): not finished, Ctrl-C came first" in block[0]
    interrupted = ids_in_block(block[1:])
    assert len(finished) >= 3
    assert finished + sorted(interrupted) == catalogue()[:len(finished)] + sorted(catalogue()[len(finished):])


def test_ctrl_c_leaves_a_json_report_of_the_finished_checks_with_the_rest_listed_as_interrupted(hardened, tmp_path):
    out = tmp_path / "report.json"
    child = spawn([*readiness_args(hardened), "--samples", "30", "--format", "json", "--output", str(out)], tmp_path)
    for _ in range(3):
        child.expect(LIVE_LINE)
    child.sendintr()
    screen, code = finish(child)
    assert code == 130, screen[-3000:]
    report = json.loads(out.read_text())
    validate_readiness(report)
    assert report["interrupted"] is True and report["gate"]["passed"] is False
    ran = [c["id"] for c in report["checks"]]
    assert len(ran) >= 3 and report["interrupted_checks"]
    assert ran + report["interrupted_checks"] == catalogue()  # every selected check, finished or not
    assert all(c["status"] in ("pass", "warn", "fail", "skip", "error") for c in report["checks"])
    assert "… INTERRUPTED" in screen and f"{len(report['interrupted_checks'])} interrupted" in screen


# ------------------------------------------------------------------------------ the report of a failing run


@pytest.fixture(scope="module")
def flawed_runs(flawed, tmp_path_factory) -> dict[str, object]:
    """The flawed stack's report twice: as the terminal shows it (CI width) and as JSON beside --output."""
    out = tmp_path_factory.mktemp("flawed") / "report.json"
    rich = run_cli(*readiness_args(flawed), "--fail-on", "high", env={"COLUMNS": "140"}, timeout=RUN_BOUND_S)
    short = run_cli(*readiness_args(flawed), "--fail-on", "high", "--format", "json", "--output", str(out),
                    env={"COLUMNS": "140"}, timeout=RUN_BOUND_S)
    return {"rich": rich, "short": short, "report": json.loads(out.read_text())}


def test_a_failing_run_leads_with_the_verdict_then_failures_with_fixes_then_passed_then_skipped(flawed_runs):
    result, report = flawed_runs["rich"], flawed_runs["report"]
    validate_readiness(report)
    out = result.stdout  # type: ignore[attr-defined]
    assert result.code == 1, result.stderr  # type: ignore[attr-defined]
    lines = out.splitlines()
    assert re.match(rf"✗ FAILED  score [\d.]+/100  ·  http://127\.0\.0\.1:\d+ \(agentos\)  ·  {len(catalogue())} "
                    "checks in", lines[0]), lines[0]
    assert lines[1] == "  gate failed (--fail-on high):"
    reasons = [line.strip()[2:] for line in lines[2:] if line.startswith("    - ")]
    assert set(reasons) == set(report["gate"]["reasons"]) and "reliability.upstream_faults (high) failed" in reasons
    order = [header_index(out, t) for t in ("Failed", "Warned", "Passed", "Skipped")]
    assert order == sorted(order), order
    failed = section(out, "Failed")
    ids = [m.group(1) for m in (re.match(r" ✗ ([a-z]+\.[a-z0-9_]+)  (critical|high|medium|low)", line)
                                for line in failed) if m]
    expected = [c for c in report["checks"] if c["status"] == "fail"]
    assert set(ids) == {c["id"] for c in expected}
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    severities = [next(c["severity"] for c in expected if c["id"] == i) for i in ids]
    assert severities == sorted(severities, key=rank.__getitem__)  # the worst first
    auth = "\n".join(failed[failed.index(next(f for f in failed if "security.auth_required" in f)):][:6])
    assert "run without credentials: accepted with HTTP 200" in auth
    assert "fix: Add authentication" in auth and "OS_SECURITY_KEY" in auth
    assert re.search(r"evidence: .*status code 200", auth)
    rate = "\n".join(failed[failed.index(next(f for f in failed if "security.rate_limiting" in f)):][:4])
    assert re.search(r"evidence: .*wall [\d,]+ ms", rate), rate  # evidence numbers carry their unit
    warned = section(out, "Warned")
    assert {c["id"] for c in report["checks"] if c["status"] == "warn"} == {
        m.group(1) for m in (re.match(r" ! ([a-z]+\.[a-z0-9_]+)  ", line) for line in warned) if m}
    assert "security.cors" not in out  # passed: named in the block only, not a row of its own
    assert sorted(ids_in_block(section(out, "Passed")[1:])) == sorted(
        c["id"] for c in report["checks"] if c["status"] == "pass")
    skipped = section(out, "Skipped")
    assert any(line.strip().startswith(f"{len(agent_object_checks())} agent-object checks skipped: run against "
                                       "module:agent") for line in skipped)
    no_token = [c for c in report["checks"] if c["status"] == "skip" and c["detail"].startswith("no bearer token")]
    assert any(line.strip().startswith(f"{len(no_token)} jwt_* checks skipped: no bearer token") for line in skipped)
    reasons = [line for line in skipped[1:] if re.match(r"^ {3}\S", line)]  # a wrapped reason goes on deeper
    assert len(reasons) == len({c["detail"] for c in report["checks"] if c["status"] == "skip"})


def test_with_output_in_another_format_the_terminal_gets_only_the_short_summary(flawed_runs):
    result, report = flawed_runs["short"], flawed_runs["report"]
    assert result.code == 1 and result.stdout == ""  # type: ignore[attr-defined]
    summary = [line for line in result.stderr.splitlines() if not PLAIN_LINE.match(line)  # type: ignore[attr-defined]
               and not line.startswith("agno-check: ")]
    assert re.match(r"✗ FAILED  score [\d.]+/100  ·  ", summary[0]), summary[:2]
    assert summary[1] == "  gate failed (--fail-on high):"
    failed = [line for line in summary if line.startswith("  ✗ ")]
    assert [line.split()[1] for line in failed] == sorted(
        (c["id"] for c in report["checks"] if c["status"] == "fail"),
        key=lambda i: ({"critical": 0, "high": 1, "medium": 2, "low": 3}[
            next(c["severity"] for c in report["checks"] if c["id"] == i)], i))
    counts = {s: sum(c["status"] == s for c in report["checks"]) for s in ("warn", "pass", "skip")}
    assert summary[-2] == f"  {counts['warn']} warned, {counts['pass']} passed, {counts['skip']} skipped"
    assert summary[-1].endswith("report.json") and summary[-1].startswith("  full report: ")
    assert "fix:" not in result.stderr and "Passed (" not in result.stderr  # type: ignore[attr-defined]
    assert all(len(line) <= 140 for line in failed)  # one line per failed check


def test_quiet_with_output_prints_nothing_at_all(flawed, tmp_path):
    out = tmp_path / "r.xml"
    result = run_cli(*readiness_args(flawed), "--only", "configuration", "--format", "junit", "--output", str(out),
                     "--quiet", timeout=RUN_BOUND_S)
    assert result.code == 0, out.read_text()[:2000]  # medium failures only: the default --fail-on critical holds
    assert result.stdout == "" and result.stderr == ""
    assert "configuration.prometheus_metrics" in out.read_text()


def test_verbose_adds_the_full_table_of_every_check(flawed):
    started = time.monotonic()
    result = run_cli(*readiness_args(flawed), "--only", "configuration", "--verbose", env={"COLUMNS": "160"},
                     timeout=RUN_BOUND_S)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("✓ PASSED  score ")
    rows = [line for line in result.stdout.splitlines() if line.startswith("│   configuration.")]
    selected = [i for i in catalogue() if i.startswith("configuration.")]
    assert {row.split()[1] for row in rows} == set(selected)  # one row per check, skipped ones included
    assert any("reads the agent object" in row for row in rows)
    assert time.monotonic() - started < RUN_BOUND_S


# ------------------------------------------------------------------------------ units on load's numbers


def test_load_slo_lines_are_k6_style_with_units(sim, tmp_path):
    out = tmp_path / "load.json"
    result = run_cli("load", sim.url, "--users", "2", "--duration", "2s", "--slo", "p50<1,error_rate<0.5,rps>0.1",
                     "--format", "json", "--output", str(out), timeout=120)
    assert result.code == 1, result.stderr
    report = json.loads(out.read_text())
    observed = {s["expr"]: s["observed"] for s in report["slo"]}
    lines = [line.strip() for line in result.stderr.splitlines()]
    p50 = observed["p50<1"]
    assert f"✗ p50<1  p50={p50:,.0f} ms" in lines or f"✗ p50<1  p50={p50:.1f} ms" in lines, lines
    assert f"✓ error_rate<0.5  error_rate={observed['error_rate<0.5']:.2%}" in lines, lines
    assert f"✓ rps>0.1  rps={observed['rps>0.1']:,.1f} req/s" in lines, lines

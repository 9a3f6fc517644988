from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.slo import parse_slos
from agno_check.units import ms, observed, slo_metric

DEFAULT_SLOS = ("p95<5000", "error_rate<0.01")
STREAMED_METRICS = ("ttft_", "itl_", "tokens_per_s")
GRACE_S = 90.0


def _command(ctx: CheckContext, slos: list[str], stream: bool, config: str) -> list[str]:
    """`agno-check load` on the resolved target and profile (no second detection), JSON on stdout. Its config
    file is ours (the project's would hold readiness keys that load does not know), and carries the credentials,
    which must not appear in a process listing."""
    settings = ctx.settings
    profile = ctx.target.profile
    command = [sys.executable, "-m", "agno_check", "load", ctx.target.base_url, "--config", config,
               "--users", str(settings.load_users), "--duration", f"{settings.load_duration:g}s",
               "--format", "json", "--quiet", "--profile", profile.name, "--timeout", f"{settings.timeout:g}"]
    path = getattr(profile, "path", None) if profile.name == "openai" else getattr(profile, "endpoint", None)
    for flag, value in (("--agent-id", getattr(profile, "agent_id", None)),
                        ("--model", getattr(profile, "model", None)), ("--endpoint", path),
                        ("--message-field", getattr(profile, "message_field", None)),
                        ("--session-field", getattr(profile, "session_field", None)),
                        ("--response-field", getattr(profile, "response_field", None)),
                        ("--ca-bundle", settings.ca_bundle)):
        if value:
            command += [flag, str(value)]
    if settings.insecure:
        command.append("--insecure")
    if stream:
        command.append("--stream")
    for slo in slos:
        command += ["--slo", slo]
    return command


def _write_config(ctx: CheckContext) -> str:
    """A private (0600) config file with the credentials; removed when the load test is over."""
    lines = []
    token = ctx.settings.token_value()
    if token:
        lines.append(f"token = {json.dumps(token)}")
    if ctx.settings.header:
        lines.append(f"header = [{', '.join(json.dumps(h) for h in ctx.settings.header)}]")
    handle, path = tempfile.mkstemp(prefix="agno-check-load-", suffix=".toml")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    return path


async def _run(command: list[str], limit_s: float) -> tuple[bytes, bytes, int | None]:
    """The load test in its own process: Locust's gevent patching must never reach the readiness process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGNO_CHECK_")}
    process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.DEVNULL,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                                                   env=env)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=limit_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        return b"", b"", None
    except asyncio.CancelledError:  # the readiness run was interrupted or ran out of time: so does the load test
        process.kill()
        await process.wait()
        raise
    return out, err, process.returncode


@check(id="performance.load_slo", severity="high", title="SLOs hold under a load test (--load-users)",
       phase="burst", intrusive=True)
async def load_slo(ctx: CheckContext) -> Outcome:
    """What it checks: with ``--load-users N``, a Locust load test of ``--load-duration`` (default 30 s) by N
    concurrent users, run by agno-check's load engine in a subprocess, against the ``--slo`` expressions (default
    ``p95<5000`` and ``error_rate<0.01``; streamed when an SLO is on TTFT, inter-token latency or tokens/s).
    Skipped without ``--load-users``.

    Why it matters: a service that answers one request quickly can still queue, time out or shed load at the
    concurrency it will see in production; a load test is the only way to know before users do.

    How to fix: Find the saturated resource (CPU of a synchronous handler, a model rate limit, a database pool,
    worker count): run uvicorn/gunicorn with more workers, make handlers async, raise the upstream rate limit or
    add a queue, and re-run with ``agno-check load --find-max`` to see the highest load that holds.
    """
    users = getattr(ctx.settings, "load_users", None)
    if not users:
        return skipped("no --load-users given: the load test is opt-in (e.g. --load-users 20 --load-duration 30s)")
    slos = list(ctx.settings.slo) or list(DEFAULT_SLOS)
    parse_slos(slos)
    stream = ctx.profile.can_stream and any(s.strip().startswith(STREAMED_METRICS) for s in ",".join(slos).split(","))
    config = _write_config(ctx)
    try:
        out, err, code = await _run(_command(ctx, slos, stream, config),
                                    ctx.settings.load_duration + ctx.settings.timeout + GRACE_S)
    finally:
        os.unlink(config)
    if code is None:
        return errored("the load test did not finish in time")
    lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
    if code not in (0, 1):
        reason = lines[-1] if lines else f"exit code {code}"
        return errored(f"the load test could not run: {ctx.redact(reason)[:300]}")
    try:
        report: dict[str, Any] = json.loads(out)
    except ValueError:
        return errored("the load test printed no JSON report")
    latency = report.get("latency_ms") or {}
    evidence = {"users": report.get("users"), "duration_s": report.get("duration_s"),
                "requests": report.get("requests"), "failures": report.get("failures"), "rps": report.get("rps"),
                "latency_ms": latency, "ttft_ms": report.get("ttft_ms"), "errors": report.get("errors"),
                "slo": report.get("slo"), "stream": report.get("stream")}
    summary = (f"{users} users for {report.get('duration_s', 0):.0f} s: {report.get('requests', 0):,} runs, "
               f"{report.get('rps', 0):,.1f} req/s, p95 {ms(latency.get('p95'))}, "
               f"error rate {report.get('error_rate', 0):.2%}")
    if report.get("passed"):
        return passed(f"{summary}; {', '.join(s['expr'] for s in report.get('slo', []))} held", **evidence)
    broken = [f"{s['expr']} (observed {observed(slo_metric(s['expr']), s['observed'])})"
              for s in report.get("slo", []) if not s.get("passed")]
    reasons = broken or report.get("reasons") or ["no run succeeded"]
    return failed(f"{summary}; broken: {'; '.join(str(r) for r in reasons)}", **evidence)

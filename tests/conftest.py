"""Shared fixtures: the simulated LLM, reference services over real loopback HTTP, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("AGNO_TELEMETRY", "false")

from agno_check.serve import BackgroundServer  # noqa: E402
from agno_check.sim.server import SimServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: the contract's schemas (shared/ lies beside the checkout in CI); the package ships a copy for users
SHARED_SCHEMAS = ROOT.parent / "shared" / "design" / "schemas"
PACKAGED_SCHEMAS = ROOT / "agno_check" / "schemas"
SCHEMAS = SHARED_SCHEMAS if SHARED_SCHEMAS.is_dir() else PACKAGED_SCHEMAS
FAST_MODEL = {"ttft": "50ms", "tps": 5000, "output_tokens": 12}


@pytest.fixture(scope="session")
def sim() -> Iterator[SimServer]:
    """One fast simulated model for the session; tests that change its faults reset it afterwards."""
    with SimServer(latency=FAST_MODEL, seed=7) as server:
        yield server


@pytest.fixture
def fresh_sim() -> Iterator[SimServer]:
    """A simulated model of the test's own, for tests that change latency or faults."""
    with SimServer(latency=FAST_MODEL, seed=11) as server:
        yield server


@pytest.fixture
def serve() -> Iterator[Callable[..., BackgroundServer]]:
    """Start any ASGI app on a free loopback port; every server is stopped at the end of the test."""
    started: list[BackgroundServer] = []

    def start(app: object) -> BackgroundServer:
        server = BackgroundServer(app).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def seed_service(sim: SimServer, serve: Callable[..., BackgroundServer]) -> Callable[..., str]:
    """``seed_service(flaws={...}, **options)`` -> base URL of a seed-style service on loopback."""
    from tests.refs.seed_app import create_seed_app

    def start(flaws: set[str] | frozenset[str] = frozenset(), model_url: str | None = None, **options: object) -> str:
        return serve(create_seed_app(model_url or sim.openai_base_url, frozenset(flaws), **options)).url

    return start


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 240.0, cwd: str | None = None
            ) -> CliResult:
    """Run the real ``agno-check`` command in a subprocess (exit codes and streams as a user sees them)."""
    full_env = {**os.environ, "AGNO_TELEMETRY": "false", "COLUMNS": "200", **(env or {})}
    for key in [k for k in full_env if k.startswith("AGNO_CHECK_") and not k.startswith("AGNO_CHECK_TEST")]:
        if not env or key not in env:
            full_env.pop(key)
    proc = subprocess.run([sys.executable, "-m", "agno_check", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=cwd or str(ROOT))
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli


def validate_readiness(report: dict) -> None:
    import jsonschema

    schema = json.loads((SCHEMAS / "readiness-v1.schema.json").read_text())
    jsonschema.validate(report, schema)


def validate_load(report: dict) -> None:
    import jsonschema

    schema = json.loads((SCHEMAS / "load-v1.schema.json").read_text())
    jsonschema.validate(report, schema)


def check_of(report: dict, check_id: str) -> dict:
    return next(c for c in report["checks"] if c["id"] == check_id)

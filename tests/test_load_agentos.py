"""`agno-check load` against the real AgentOS (a real agno Agent whose model is the simulated LLM).

Each AgentOS run is one model call, so the simulator's own counters are the server-side truth: requests, agent
errors (a model 500 becomes an HTTP 200 with ``"status": "ERROR"`` or a ``RunError`` event) and output tokens.
"""

from __future__ import annotations

import pytest

from agno_check.serve import BackgroundServer
from agno_check.sim.server import SimServer
from tests.conftest import run_cli, validate_load
from tests.refs.agentos_app import AGENT_ID, create_agentos_app

MODEL = {"ttft": "30ms", "tps": 2000, "output_tokens": 12}


@pytest.fixture(scope="module")
def agentos(tmp_path_factory):
    with SimServer(latency=MODEL, seed=3) as sim:
        app = create_agentos_app(sim.openai_base_url, db_file=tmp_path_factory.mktemp("agentos") / "agno.db")
        with BackgroundServer(app) as server:
            yield server.url, sim


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "not-streamed"])
def test_agentos_turns_agent_errors_and_tokens_match_the_model_side(agentos, stream):
    url, sim = agentos
    sim.reset()
    sim.set_faults("500:0.25", seed=4)
    try:
        result = run_cli("load", url, "--users", "3", "--duration", "2s", "--format", "json", "--quiet",
                         *(["--stream"] if stream else []), timeout=90)
    finally:
        sim.clear_faults()
    assert result.code == 0, result.stderr
    report = result.json()
    validate_load(report)
    stats = sim.stats(0)
    failed_probes = sum("probe turn" in note for note in report["notes"])
    assert report["profile"] == "agentos" and report["settings"]["resolved"]["agent_id"] == AGENT_ID
    assert report["requests"] == stats["requests"] - 1 - failed_probes > 10
    # a model 500 is an agent-level error hidden in an HTTP 200: its own kind, not "HTTP 500"
    assert {e["kind"] for e in report["errors"]} == {"agent error"}
    assert report["failures"] == stats["by_outcome"]["500"] - failed_probes > 0
    assert report["stream"] is stream
    if stream:
        assert report["ttft_ms"]["p50"] >= 30.0
        assert report["itl_ms"] is not None
        # tokens from the RunCompleted metrics, of the turns that succeeded (the probe was one more)
        assert report["output_tokens"] == 12 * (report["requests"] - report["failures"])
        assert report["output_tokens_per_s"] > 0
    else:
        assert report["ttft_ms"] is None and report["output_tokens_per_s"] is None


def test_done_when_streamed_agentos_with_an_slo_gate(agentos, tmp_path):
    """The issue's "done when": users, streamed, p95 SLO, JSON report file, exit by the SLO."""
    url, sim = agentos
    sim.reset()
    output = tmp_path / "load.json"
    result = run_cli("load", url, "--users", "5", "--duration", "2s", "--stream", "--slo", "p95<2000",
                     "--format", "json", "--output", str(output), timeout=90)
    assert result.code == 0, result.stderr
    assert "TTFT" in result.stderr and "tokens/s" in result.stderr  # the summary, on stderr beside --output
    import json

    report = json.loads(output.read_text())
    validate_load(report)
    assert report["slo"][0]["expr"] == "p95<2000" and report["slo"][0]["passed"] is True
    assert report["ttft_ms"]["p95"] > 0 and report["output_tokens_per_s"] > 0
    broken = run_cli("load", url, "--users", "2", "--duration", "1s", "--stream", "--slo", "p95<1",
                     "--format", "json", "--quiet", timeout=90)
    assert broken.code == 1
    assert broken.json()["slo"][0]["passed"] is False

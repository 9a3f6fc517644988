"""Evidence, not obedience (checks.md): verdicts on real AgentOS apps rest on what the server shows, not on
whether the model followed an instruction; findings against the simulated model say so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agno_check.serve import BackgroundServer
from tests.readiness_helpers import readiness, result
from tests.refs.agentos_app import create_agentos_app
from tests.refs.filler_model import FILLER, create_filler_model_app

CONTINUITY = ["reliability.session_continuity"]


def _serve(app: object) -> Iterator[str]:
    server = BackgroundServer(app).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def filler_model() -> Iterator[str]:
    """An upstream model that answers filler to everything: it never repeats a code word."""
    for url in _serve(create_filler_model_app()):
        yield f"{url}/v1"


@pytest.fixture(scope="module")
def sound_on_filler(filler_model, tmp_path_factory) -> Iterator[str]:
    """agno's AgentOS with SQLite storage and add_history_to_context=True: a sound session store."""
    yield from _serve(create_agentos_app(filler_model, tmp_path_factory.mktemp("sound") / "agno.db"))


@pytest.fixture(scope="module")
def no_history_on_filler(filler_model, tmp_path_factory) -> Iterator[str]:
    """Runs stored, but the history is never given to the model (add_history_to_context=False)."""
    yield from _serve(create_agentos_app(filler_model, tmp_path_factory.mktemp("nohistory") / "agno.db",
                                         add_history_to_context=False))


@pytest.fixture(scope="module")
def stateless_on_filler(filler_model) -> Iterator[str]:
    """No storage at all: every run starts from nothing."""
    yield from _serve(create_agentos_app(filler_model, None))


def test_a_sound_session_store_on_a_model_that_never_obeys_is_not_failed(sound_on_filler):
    verdict = result(readiness(sound_on_filler, only=CONTINUITY), "reliability.session_continuity")
    assert verdict.status == "pass", verdict
    assert "the second run's messages replay the first turn" in verdict.detail
    assert "GET /sessions/{id}/runs lists 2 runs" in verdict.detail
    assert "does not repeat the code word (the model's choice: not evidence)" in verdict.detail
    assert verdict.evidence["recalled"] is False and FILLER[:20] in verdict.evidence["answer_excerpt"]


def test_history_stored_but_not_given_to_the_model_fails_on_the_run_messages(no_history_on_filler):
    verdict = result(readiness(no_history_on_filler, only=CONTINUITY), "reliability.session_continuity")
    assert verdict.status == "fail", verdict
    assert "the second run's messages" in verdict.detail and "do not contain the first turn" in verdict.detail
    assert "the runs are stored, but the history is not given to the model" in verdict.detail
    assert verdict.evidence["decided_by"].startswith("the second run's messages")


def test_a_stateless_agentos_still_fails_where_the_evidence_exists(stateless_on_filler):
    verdict = result(readiness(stateless_on_filler, only=CONTINUITY), "reliability.session_continuity")
    assert verdict.status == "fail", verdict
    assert "lost its history: the second run's messages" in verdict.detail


def test_the_simulated_model_upstream_shows_what_a_json_service_forgot(sim, seed_service):
    from tests.refs.seed_app import SOUND_TOKEN

    url = seed_service({"amnesia"})
    with_sim = result(readiness(url, sim=sim, token=SOUND_TOKEN, only=CONTINUITY), "reliability.session_continuity")
    assert with_sim.status == "fail", with_sim
    assert "the model upstream was sent the question without the first turn" in with_sim.detail
    # without a view of the upstream, a json service shows nothing server-side: the sim still recalls
    # nothing here, and that absence alone is not evidence
    alone = result(readiness(url, token=SOUND_TOKEN, only=CONTINUITY), "reliability.session_continuity")
    assert alone.status == "warn" and "could not confirm" in alone.detail, alone
    sound = result(readiness(seed_service(), sim=sim, token=SOUND_TOKEN, only=CONTINUITY),
                   "reliability.session_continuity")
    assert sound.status == "pass" and "the model upstream was sent the first turn" in sound.detail, sound


# --- error_status_honest: an outage past every retry, a guardrail block -----------------------------------------


def test_an_outage_past_every_retry_is_judged_on_the_final_answer(fresh_sim, serve, tmp_path):
    from agno.models.openai import OpenAIChat

    # the SDK's own default of 2 retries: one 500 is absorbed, an outage is not
    model = OpenAIChat(id="sim", base_url=fresh_sim.openai_base_url, api_key="sim-key", max_retries=2, timeout=5.0)
    url = serve(create_agentos_app(fresh_sim.openai_base_url, tmp_path / "agno.db", model=model)).url
    report = readiness(url, sim=fresh_sim, only=["reliability.error_status_honest"])
    verdict = result(report, "reliability.error_status_honest")
    assert verdict.status == "fail", verdict
    assert "with the model down past every retry" in verdict.detail and '"status": "ERROR"' in verdict.detail
    assert verdict.evidence["model_upstream"].startswith("answered 500 to every request")
    assert fresh_sim.faults()["rules"] == []  # the outage was lifted afterwards


def test_a_guardrail_block_reported_as_200_error_is_named(sim, serve, tmp_path):
    from agno.guardrails import PromptInjectionGuardrail

    url = serve(create_agentos_app(sim.openai_base_url, tmp_path / "agno.db",
                                   pre_hooks=[PromptInjectionGuardrail()])).url
    report = readiness(url, only=["security.prompt_injection", "reliability.error_status_honest"],
                       canary="CANARY-AGENTOS-4242")
    verdict = result(report, "reliability.error_status_honest")
    assert verdict.status == "fail", verdict
    assert "a guardrail block was reported as a success" in verdict.detail
    assert "Potential jailbreaking or prompt injection detected" in verdict.detail
    assert "400 or 422" in verdict.remediation


def test_an_injection_leak_against_the_simulated_model_says_so_and_names_what_would_stop_it():
    report = readiness("tests.agents.basic:agent", only=["security.prompt_injection"])
    verdict = result(report, "security.prompt_injection")
    assert verdict.status == "fail", verdict
    assert "the simulated model complies with every injection, a worst case" in verdict.detail
    assert "the agent has no pre_hooks and no post_hooks" in verdict.detail
    assert "PromptInjectionGuardrail" in verdict.detail
    assert verdict.evidence["model"].startswith("the simulated model")


def test_in_process_the_outage_is_judged_on_the_agents_own_report_not_agno_checks_wrapper():
    report = readiness("tests.agents.basic:agent", only=["reliability.error_status_honest"])
    verdict = result(report, "reliability.error_status_honest")
    assert verdict.status == "pass", verdict
    assert "with the model down past every retry, the agent reported ERROR" in verdict.detail
    assert verdict.evidence["provoked_outage"] == 200  # agno-check's AgentOS wrapper: not the user's deployment

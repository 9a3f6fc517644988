"""The catalogue as a contract: ids, severities and docstrings as checks.md asks, and every check tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agno_check.checks.registry import CATEGORIES, load_catalogue
from tests.conftest import ROOT

CHECKS_MD = ROOT.parent / "shared" / "design" / "checks.md"
TESTS = Path(__file__).resolve().parent

#: the required catalogue and its severities, as checks.md states them
REQUIRED = {
    "critical": "security.auth_required security.auth_invalid_token security.jwt_alg_none security.jwt_tampered "
                "security.jwt_weak_secret security.unauthenticated_data security.user_isolation "
                "security.agentos_auth_mode security.run_entry_points",
    "high": "configuration.health_endpoint performance.latency performance.concurrency reliability.malformed_input "
            "reliability.error_status_honest reliability.upstream_faults security.jwt_expired security.rate_limiting "
            "security.prompt_injection security.system_prompt_exposure security.error_disclosure configuration.tls "
            "reliability.runtime_errors reliability.tool_errors",
    "medium": "configuration.prometheus_metrics configuration.debug_disabled performance.ttft "
              "performance.health_under_load reliability.session_continuity reliability.backpressure "
              "security.input_size_limit security.cors security.egress performance.tool_latency",
    "low": "configuration.health_depth configuration.api_docs_exposed reliability.error_responses security.headers "
           "configuration.version_banner",
}


def test_required_catalogue_is_complete_with_the_contracts_severities():
    catalogue = load_catalogue()
    for severity, ids in REQUIRED.items():
        for check_id in ids.split():
            assert check_id in catalogue, f"{check_id} is missing"
            assert catalogue[check_id].severity == severity, check_id


def test_required_list_matches_checks_md():
    if not CHECKS_MD.is_file():
        pytest.skip("shared/design/checks.md is not beside this checkout")
    text = CHECKS_MD.read_text().split("## Severities", 1)[1].split("\n\n", 1)[0]  # the paragraph of lists
    listed: dict[str, set[str]] = {}
    # "high: a, b,\n c." lines, and "medium also: d, e." that adds to an earlier severity
    for match in re.finditer(r"^(\w+)(?: also)?: (.+?)(?=^\w+(?: also)?: |\Z)", text, re.M | re.S):
        severity, ids = match.group(1), match.group(2)
        if severity not in REQUIRED:
            continue  # e.g. "Deployment-file checks carry their severity in their table."
        listed.setdefault(severity, set()).update(
            part.strip().rstrip(".") for part in ids.split(". ")[0].replace("\n", " ").split(",") if part.strip())
    for severity, ids in REQUIRED.items():
        assert listed.get(severity) == set(ids.split()), severity


@pytest.mark.parametrize("check_id", sorted(load_catalogue()))
def test_every_check_is_documented_and_exercised_by_a_test(check_id):
    spec = load_catalogue()[check_id]
    assert spec.category in CATEGORIES
    assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", check_id)
    for section in ("What it checks", "Why it matters", "How to fix"):
        assert spec.section(section), f"{check_id}: no '{section}:' section in its docstring"
    module = ROOT / "agno_check" / "checks" / spec.category / f"{check_id.split('.', 1)[1]}.py"
    assert module.is_file(), f"{check_id} should live in {module.relative_to(ROOT)}"
    mentioned = [p.name for p in TESTS.glob("test_*.py") if p.name != "test_registry.py"
                 and check_id in p.read_text(encoding="utf-8")]
    assert mentioned, f"no test names {check_id}"

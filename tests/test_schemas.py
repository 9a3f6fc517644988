"""The JSON Schemas shipped in the package are the contract's, byte for byte, and every report we build fits them.

The v1 contract's ``profile`` enum is fixed ("v1 stays v1"): a protocol newer than it reports its family there
(``report_profile``) and its exact name in the optional ``protocol`` field.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import get_args

import jsonschema
import pytest

from agno_check.load.metrics import Aggregate
from agno_check.load.report import LOAD_EXTRA_PROTOCOLS, LoadProfile, build_report
from agno_check.report.model import READINESS_EXTRA_PROTOCOLS, CheckResult, ReadinessProfile, ReadinessReport
from agno_check.targets.profiles import protocols
from tests.conftest import PACKAGED_SCHEMAS, SCHEMAS, SHARED_SCHEMAS

NAMES = ("readiness-v1.schema.json", "load-v1.schema.json")
LITERALS = {"readiness-v1.schema.json": ReadinessProfile, "load-v1.schema.json": LoadProfile}
EXTRA = {"readiness-v1.schema.json": READINESS_EXTRA_PROTOCOLS, "load-v1.schema.json": LOAD_EXTRA_PROTOCOLS}


def profile_enum(name: str) -> list[str]:
    return json.loads((SCHEMAS / name).read_text())["properties"]["profile"]["enum"]


@pytest.mark.parametrize("name", NAMES)
def test_packaged_schema_is_the_contracts_byte_for_byte(name):
    if not SHARED_SCHEMAS.is_dir():
        pytest.skip("shared/design/schemas is not beside this checkout")
    assert (PACKAGED_SCHEMAS / name).read_bytes() == (SHARED_SCHEMAS / name).read_bytes(), (
        f"agno_check/schemas/{name} differs from the contract's: copy ../shared/design/schemas/{name} over it")


@pytest.mark.parametrize("name", NAMES)
def test_the_report_models_profile_is_exactly_the_contracts_enum(name):
    assert list(get_args(LITERALS[name])) == profile_enum(name)


@pytest.mark.parametrize("name", NAMES)
def test_every_registered_protocol_reports_a_profile_of_the_contract(name):
    enum = profile_enum(name)
    outside = {p: cls.report_profile for p, cls in protocols().items() if cls.report_profile not in enum}
    assert not outside, f"declare report_profile (one of {enum}) on: {outside}"
    assert set(EXTRA[name].values()) <= set(enum)


def test_the_new_protocols_belong_to_their_families():
    families = {name: cls.report_profile for name, cls in protocols().items()}
    assert {"openai-responses": "openai", "agentos-team": "agentos", "agentos-workflow": "agentos",
            "agentos": "agentos", "openai": "openai", "json": "json"}.items() <= families.items()


def readiness_report(protocol: str) -> dict:
    result = CheckResult(id="performance.latency", category="performance", title="Latency", status="pass",
                         severity="medium", detail="p95 120 ms over 3 runs")
    report = ReadinessReport.build(target="http://127.0.0.1:8000", profile=protocol, started_at=datetime.now(UTC),
                                   duration_ms=5.0, results=[result], fail_under=None, fail_on="critical")
    return json.loads(report.to_json())


def load_report(protocol: str) -> dict:
    total = Aggregate(requests=4)
    for ms in (100.0, 110.0, 120.0, 130.0):
        total.latency.add(ms)
    report = build_report(target="http://127.0.0.1:8000", profile=protocol, streamed=False, users=1,
                          spawn_rate=None, total=total, duration_s=2.0, workers=1, slos=[], timeline=[],
                          settings={}, started_at=datetime.now(UTC), interrupted=False, notes=[])
    return json.loads(report.to_json())


@pytest.mark.parametrize("protocol", [*protocols(), *READINESS_EXTRA_PROTOCOLS])
def test_a_readiness_report_of_each_protocol_validates_and_names_it_exactly(protocol):
    report = readiness_report(protocol)
    jsonschema.validate(report, json.loads((SCHEMAS / "readiness-v1.schema.json").read_text()))
    expected = protocols()[protocol].report_profile if protocol in protocols() else READINESS_EXTRA_PROTOCOLS[protocol]
    assert report["profile"] == expected and report["protocol"] == protocol


@pytest.mark.parametrize("protocol", [*protocols(), *LOAD_EXTRA_PROTOCOLS])
def test_a_load_report_of_each_protocol_validates_and_names_it_exactly(protocol):
    report = load_report(protocol)
    jsonschema.validate(report, json.loads((SCHEMAS / "load-v1.schema.json").read_text()))
    expected = protocols()[protocol].report_profile if protocol in protocols() else LOAD_EXTRA_PROTOCOLS[protocol]
    assert report["profile"] == expected and report["protocol"] == protocol and report["requests"] == 4


def test_an_unknown_protocol_is_refused_rather_than_reported_outside_the_contract():
    with pytest.raises(ValueError, match="'carrier-pigeon' is not one of"):
        readiness_report("carrier-pigeon")
    with pytest.raises(ValueError, match="'project' is not one of"):
        load_report("project")  # a directory has no load run

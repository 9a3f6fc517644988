"""The JSON Schemas shipped in the package are the contract's, and their ``profile`` enum is the registry's."""

from __future__ import annotations

import json

import pytest

from agno_check.load.report import LOAD_EXTRA_PROFILES
from agno_check.report.model import READINESS_EXTRA_PROFILES, report_profiles
from agno_check.report.schemas import expected_enums
from tests.conftest import PACKAGED_SCHEMAS, SHARED_SCHEMAS

EXTRA = {"readiness-v1.schema.json": READINESS_EXTRA_PROFILES, "load-v1.schema.json": LOAD_EXTRA_PROFILES}


def profile_enum(schema: dict) -> list[str]:
    return schema["properties"]["profile"]["enum"]


def without_profile_enum(schema: dict) -> dict:
    copy = json.loads(json.dumps(schema))
    copy["properties"]["profile"].pop("enum")
    return copy


@pytest.mark.parametrize("name", list(EXTRA))
def test_packaged_schema_matches_the_contract(name):
    """Byte for byte but the ``profile`` enum, which the registry decides (next tests)."""
    if not SHARED_SCHEMAS.is_dir():
        pytest.skip("shared/design/schemas is not beside this checkout")
    packaged = json.loads((PACKAGED_SCHEMAS / name).read_text())
    shared = json.loads((SHARED_SCHEMAS / name).read_text())
    assert without_profile_enum(packaged) == without_profile_enum(shared)


@pytest.mark.parametrize("name", list(EXTRA))
def test_packaged_profile_enum_is_the_protocol_registry(name):
    """A new protocol: ``python -m agno_check.report.schemas`` rewrites the enum from the registry."""
    packaged = json.loads((PACKAGED_SCHEMAS / name).read_text())
    assert profile_enum(packaged) == report_profiles(EXTRA[name])
    assert expected_enums()[name] == report_profiles(EXTRA[name])


@pytest.mark.parametrize("name", list(EXTRA))
def test_shared_profile_enum_names_only_registered_protocols(name):
    """The contract's enum names nothing the registry lacks; a protocol newer than the contract is named in
    the skip reason (the contract is updated by its owners, not by this test)."""
    if not SHARED_SCHEMAS.is_dir():
        pytest.skip("shared/design/schemas is not beside this checkout")
    shared = profile_enum(json.loads((SHARED_SCHEMAS / name).read_text()))
    registered = report_profiles(EXTRA[name])
    assert set(shared) <= set(registered), f"the contract names unregistered profiles: {set(shared) - set(registered)}"
    missing = [p for p in registered if p not in shared]
    if missing:
        pytest.skip(f"../shared/design/schemas/{name} lacks the profile(s) {', '.join(missing)}")

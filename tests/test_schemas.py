"""The JSON Schemas shipped in the package are the contract's, byte for byte."""

from __future__ import annotations

import pytest

from tests.conftest import PACKAGED_SCHEMAS, SHARED_SCHEMAS


@pytest.mark.parametrize("name", ["readiness-v1.schema.json", "load-v1.schema.json"])
def test_packaged_schema_matches_the_contract(name):
    if not SHARED_SCHEMAS.is_dir():
        pytest.skip("shared/design/schemas is not beside this checkout")
    assert (PACKAGED_SCHEMAS / name).read_bytes() == (SHARED_SCHEMAS / name).read_bytes()

"""The README's check table is the registry's, as ``agno-check checks --format markdown`` renders it."""

from __future__ import annotations

from agno_check.checks.registry import load_catalogue
from agno_check.report.catalogue import render_markdown
from tests.conftest import ROOT


def test_readme_check_table_is_generated_from_the_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- checks:begin", 1)[1].split("-->", 1)[1].split("<!-- checks:end -->", 1)[0]
    assert block.strip() == render_markdown(load_catalogue()).strip(), (
        "README.md's check table differs from the registry: paste `agno-check checks --format markdown` "
        "between the checks:begin and checks:end markers")

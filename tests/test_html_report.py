"""The HTML readiness report, opened in real headless Chromium as a person would open the CI artefact."""

from __future__ import annotations

import json
import re
import struct
import textwrap
from html.parser import HTMLParser

from tests.browser import dump_dom, screenshot
from tests.refs.seed_app import SOUND_TOKEN

FLAWS = {"json_metrics", "debug", "no_security_headers"}


class Elements(HTMLParser):
    """Every element of the rendered DOM with its attributes, and the text under each id'd check."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def parse(dom: str) -> list[tuple[str, dict[str, str]]]:
    parser = Elements()
    parser.feed(dom)
    return parser.elements


def check_block(dom: str, check_id: str) -> str:
    """The rendered markup of one check, up to the next check."""
    start = dom.index(f'id="check-{check_id}"')
    end = dom.find('<div class="check', start)
    return dom[start:end if end > 0 else len(dom)]


def test_html_report_renders_in_a_real_browser_with_every_section(cli, seed_service, tmp_path):
    url = seed_service(FLAWS)
    (tmp_path / "agno-check.toml").write_text(textwrap.dedent("""
        [readiness.policy]
        "security.headers" = {level = "ignore", reason = "headers set at the CDN"}
    """))
    baseline = tmp_path / "baseline.json"
    base = ["readiness", url, "--token", SOUND_TOKEN, "--only", "configuration,security.headers"]
    assert cli("readiness", url, "--token", SOUND_TOKEN, "--only", "configuration.prometheus_metrics",
               "--write-baseline", str(baseline), cwd=str(tmp_path)).code == 0
    page = tmp_path / "readiness.html"
    result = cli(*base, "--baseline", str(baseline), "--html", str(page), "--format", "json", cwd=str(tmp_path))
    assert result.code == 0, result.stderr
    report = result.json()
    source = page.read_text()
    # self-contained: nothing to fetch at view time (no script, stylesheet, image or font from anywhere)
    assert not re.search(r"<(script|link|img|iframe)\b", source, re.I) and "url(" not in source
    assert SOUND_TOKEN not in source

    dom = dump_dom(page, tmp_path)
    elements = parse(dom)
    ids = {attrs.get("id") for _, attrs in elements}
    assert {"summary", "categories", "attention", "checks", "baseline"} <= ids
    attention = dom[dom.index('id="attention"'):dom.index('id="checks"')]
    assert 'href="#check-configuration.debug_disabled"' in attention  # new: needs attention
    assert "check-configuration.prometheus_metrics" not in attention  # known from the baseline
    assert "check-security.headers" not in attention  # ignored by policy
    summary = dom[dom.index('id="summary"'):dom.index('id="categories"')]
    assert f"{report['score']:g}" in summary and "PASSED" in summary
    cards = {attrs["data-category"] for _, attrs in elements if "data-category" in attrs}
    assert cards == set(report["categories"])
    rendered = {attrs["id"].removeprefix("check-"): attrs["data-status"] for _, attrs in elements
                if attrs.get("id", "").startswith("check-")}
    assert rendered == {c["id"]: c["status"] for c in report["checks"]}  # every check, with its status
    folded = [attrs for tag, attrs in elements if tag == "details" and "evidence" in attrs.get("class", "")]
    assert len(folded) == sum(1 for c in report["checks"] if c["evidence"])  # evidence folded, one per check
    assert not any("open" in attrs for attrs in folded)
    metrics = check_block(dom, "configuration.prometheus_metrics")
    assert "known (baseline)" in metrics and "serves JSON, not Prometheus" in metrics
    assert "How to fix:" in metrics and "prometheus-client" in metrics and "medium" in metrics
    headers = check_block(dom, "security.headers")
    assert "ignored" in headers and "headers set at the CDN" in headers
    debug = check_block(dom, "configuration.debug_disabled")
    assert ">new<" in debug and "How to fix:" in debug

    png = screenshot(page, tmp_path)
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (1200, 1600)
    assert png.stat().st_size > 20_000  # a page was drawn, not a blank canvas


def test_format_html_puts_the_page_alone_on_stdout(cli, seed_service, tmp_path):
    result = cli("readiness", seed_service(), "--token", SOUND_TOKEN, "--only", "configuration.health_endpoint",
                 "--format", "html")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("<!doctype html>") and result.stdout.rstrip().endswith("</html>")
    page = tmp_path / "stdout.html"
    page.write_text(result.stdout)
    dom = dump_dom(page, tmp_path)
    assert 'id="check-configuration.health_endpoint"' in dom and 'data-status="pass"' in dom
    assert json.dumps("GET /health")[1:-1] in dom

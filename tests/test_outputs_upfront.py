"""``--format`` and every output path are checked before the first request: a bad one is exit 2 with one line,
and the target never saw a request (readiness, demo and load alike)."""

from __future__ import annotations

import pytest

from tests.refs.counting_app import CountingApp
from tests.test_cli_readiness import one_line

OUTPUT_FLAGS = ["--output", "--junit", "--markdown", "--sarif", "--html", "--write-baseline"]


@pytest.fixture
def counted(serve):
    app = CountingApp()
    return app, serve(app).url


def untouched(app: CountingApp) -> bool:
    return app.started == 0 and app.served == 0 and app.probes == 0


@pytest.mark.parametrize("flag", OUTPUT_FLAGS)
def test_an_unwritable_readiness_output_is_exit_2_before_any_request(cli, counted, tmp_path, flag):
    app, url = counted
    missing = tmp_path / "no-such-dir" / "report.out"
    result = cli("readiness", url, "--profile", "json", flag, str(missing))
    assert result.code == 2
    line = one_line(result.stderr)
    assert f"{flag} {missing}: cannot write it" in line and "No such file or directory" in line
    assert untouched(app)
    assert not missing.parent.exists()


def test_a_directory_as_output_and_one_file_twice_are_refused_up_front(cli, counted, tmp_path):
    app, url = counted
    folder = cli("readiness", url, "--profile", "json", "--format", "json", "--output", str(tmp_path))
    assert folder.code == 2 and "is a directory" in one_line(folder.stderr)
    same = tmp_path / "r.xml"
    twice = cli("readiness", url, "--profile", "json", "--junit", str(same), "--sarif", str(same))
    assert twice.code == 2 and "--sarif and --junit name the same file" in one_line(twice.stderr)
    assert not same.exists()  # the check leaves no empty file behind
    assert untouched(app)


def test_an_existing_output_file_is_kept_until_the_report_replaces_it(cli, counted, tmp_path):
    app, url = counted
    kept = tmp_path / "old.md"
    kept.write_text("previous report\n")
    bad = cli("readiness", url, "--profile", "json", "--markdown", str(kept), "--html",
              str(tmp_path / "missing" / "r.html"))
    assert bad.code == 2 and kept.read_text() == "previous report\n"  # untouched by the refused run
    assert untouched(app)


@pytest.mark.parametrize(("command", "args", "expected"), [
    ("readiness", ["--format", "yaml"], "--format"),
    ("load", ["--format", "sarif", "--duration", "30s"],
     "--format sarif is not available for this command (choose from rich, json, junit, markdown, html)"),
])
def test_a_format_the_command_cannot_write_is_exit_2_before_any_request(cli, counted, command, args, expected):
    app, url = counted
    result = cli(command, url, "--profile", "json", *args)
    assert result.code == 2
    assert expected in one_line(result.stderr)
    assert untouched(app)


@pytest.mark.parametrize("flag", ["--output", "--junit", "--markdown", "--html", "--csv"])
def test_an_unwritable_load_output_is_exit_2_before_any_load(cli, counted, tmp_path, flag):
    app, url = counted
    missing = tmp_path / "no-such-dir" / "load.out"
    result = cli("load", url, "--profile", "json", "--duration", "30s", flag, str(missing))
    assert result.code == 2
    assert "cannot write it" in one_line(result.stderr)
    assert untouched(app)


def test_the_demo_refuses_an_unwritable_output_before_starting(cli, tmp_path):
    missing = tmp_path / "no-such-dir" / "demo.html"
    result = cli("demo", "--html", str(missing), timeout=60)
    assert result.code == 2
    line = one_line(result.stderr)
    assert f"--html {missing}: cannot write it" in line
    assert "demo:" not in result.stderr  # the stack never started (it announces itself on stderr)

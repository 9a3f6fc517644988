"""A real headless browser for the tests that open a report as a person would (Debian's ``chromium``).

``.ci/run`` installs the package when it is missing. Where no browser can be had the calling test skips with
the reason, and ``AGNO_CHECK_REQUIRE_SERVICES=1`` (CI) turns that skip into a failure, as for PostgreSQL.

    from tests.browser import dump_dom, screenshot
    dom = dump_dom(page, tmp_path)       # the DOM after the page rendered, as text
    png = screenshot(page, tmp_path)     # a PNG of the rendered page, under the test's tmp dir
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.services import unavailable

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: no network of its own at start-up (no update checks, no sync, no first-run pages), no GPU, no sandbox (root)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")
TIMEOUT_S = 120


def browser() -> str:
    """The browser's path; skips (or fails, when services are required) the calling test without one."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    unavailable("no headless browser: install Debian's chromium package (`apt-get install -y chromium`, "
                "which .ci/run does when it is missing)")
    raise AssertionError("unreachable")


def _run(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    command = [browser(), *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)


def dump_dom(page: Path, tmp_path: Path) -> str:
    proc = _run(page, tmp_path, "--dump-dom")
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr[-2000:]
    return proc.stdout


def screenshot(page: Path, tmp_path: Path, size: str = "1200,1600") -> Path:
    png = tmp_path / f"{page.stem}.png"
    proc = _run(page, tmp_path, f"--screenshot={png}", f"--window-size={size}", "--hide-scrollbars")
    assert proc.returncode == 0 and png.is_file(), proc.stderr[-2000:]
    return png

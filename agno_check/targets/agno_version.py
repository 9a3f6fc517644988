"""The agno versions agno-check supports in-process, and the one clear line for any other.

Why a guard: an in-process target imports the user's agent with the agno installed beside it. agno-check
reads agno's objects (models, tools, team members, workflow steps) and serves them with AgentOS, so an agno
outside the tested range would fail somewhere deep with a traceback. The range is declared in pyproject.toml
too; this catches an environment where the user's own pin won.
"""

from __future__ import annotations

from agno_check.errors import UsageError

#: tested in CI at the lowest (3.0.0) and the highest (3.1.10) release
SUPPORTED_MAJOR = 3
SUPPORTED = ">=3.0,<4"


def installed_agno() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("agno")
    except PackageNotFoundError:
        return None


def require_supported_agno(installed: str | None = None) -> str:
    """The installed agno's version; UsageError (exit 2, one line) when it is missing or outside the range."""
    found = installed if installed is not None else installed_agno()
    if found is None:
        raise UsageError(f"agno is not installed: in-process targets need agno{SUPPORTED} beside agno-check")
    major = found.split(".", 1)[0]
    if not major.isdigit() or int(major) != SUPPORTED_MAJOR:
        raise UsageError(f"agno {found} is installed; agno-check supports agno{SUPPORTED} for in-process targets "
                         "(upgrade agno, or run agno-check against the served app's URL)")
    return found

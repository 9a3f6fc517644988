"""``--scenario FILE``: a user's own Locust file, run with agno-check's live view, report and SLO gate.

The file's user classes run as written. Those built on agno-check's users (``AgentUser`` subclasses) also get the
connection options given on the command line (timeout, TLS, ``--token``/``--header``) unless the class sets its
own credentials. A ``LoadTestShape`` in the file shapes the run (``--duration`` still caps it).
"""

from __future__ import annotations

import os
from typing import Any

from agno_check.errors import UsageError
from agno_check.load.plan import LoadPlan


def load_scenario(path: str) -> tuple[list[type], Any]:
    """The file's runnable user classes and its shape (or None); a missing or broken file is exit 2."""
    if not os.path.isfile(path):
        raise UsageError(f"--scenario {path}: file not found")
    from locust.util.load_locustfile import load_locustfile

    try:
        user_classes, shapes = load_locustfile(os.path.abspath(path))
    except SystemExit:
        raise UsageError(f"--scenario {path}: cannot import it") from None
    except Exception as exc:
        raise UsageError(f"--scenario {path}: cannot import it ({type(exc).__name__}: {exc})") from None
    classes = [cls for cls in user_classes.values() if not getattr(cls, "abstract", False)]
    if not classes:
        raise UsageError(f"--scenario {path}: no Locust user class in it (subclass AgentOSUser, OpenAIUser, "
                         "JsonUser or any Locust user)")
    if len(shapes) > 1:
        raise UsageError(f"--scenario {path}: more than one LoadTestShape")
    return classes, (shapes[0] if shapes else None)


def apply_plan(classes: list[type], plan: LoadPlan) -> None:
    """Hand the command line's connection options to the file's agno-check users."""
    from agno_check.load.users import AgentUser

    for cls in classes:
        if issubclass(cls, AgentUser):
            own = {name: getattr(cls, name) for name in ("timeout", "token", "extra_headers")
                   if getattr(cls, name) != getattr(AgentUser, name)}
            cls.apply_connection(plan)
            for name, value in own.items():
                setattr(cls, name, value)
            if "timeout" in own:
                cls.network_timeout = own["timeout"]


def scenario_streams(classes: list[type]) -> bool:
    return any(getattr(cls, "stream", False) for cls in classes)


def scenario_host(classes: list[type]) -> str | None:
    hosts = {getattr(cls, "host", None) for cls in classes} - {None, ""}
    return sorted(hosts)[0] if hosts else None

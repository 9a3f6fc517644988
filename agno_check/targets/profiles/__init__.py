"""Protocol profiles, one module each (``agentos``, ``openai_chat``, ...), and the registry everything reads.

``protocols()`` imports every module of this package once (each registers its class with ``@protocol``), as
the check catalogue does; nothing here is heavier than the standard library, so ``--help`` can read it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from agno_check.errors import UsageError
from agno_check.targets.profiles.base import Profile, ProtocolOption
from agno_check.targets.profiles.registry import PROTOCOLS

__all__ = ["Profile", "ProtocolOption", "protocols", "protocol_names", "get_protocol", "all_options",
           "AgentOSProfile", "OpenAIProfile", "JsonProfile"]


def protocols() -> dict[str, type[Profile]]:
    """Every registered protocol, in detection order."""
    if not getattr(protocols, "_loaded", False):
        for module in pkgutil.iter_modules(__path__):
            if module.name not in ("base", "registry") and not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        protocols._loaded = True  # type: ignore[attr-defined]
    return dict(sorted(PROTOCOLS.items(), key=lambda item: (item[1].detect_order, item[0])))


def protocol_names() -> list[str]:
    return list(protocols())


def get_protocol(name: str) -> type[Profile]:
    found = protocols().get(name)
    if found is None:
        raise UsageError(f"unknown profile {name!r}: expected auto, {', '.join(protocol_names())}")
    return found


def all_options() -> dict[str, list[tuple[str, ProtocolOption]]]:
    """Each option name with every (protocol, declaration) that has it, protocols by name."""
    found: dict[str, list[tuple[str, ProtocolOption]]] = {}
    for name, cls in sorted(protocols().items()):
        for option in cls.options:
            found.setdefault(option.name, []).append((name, option))
    return found


def option_help(name: str) -> str:
    """One help text for an option declared by one or more protocols."""
    from agno_check.targets.profiles.base import field_default

    declarations = all_options()[name]
    texts: list[str] = []
    for _, option in declarations:
        if option.help not in texts:
            texts.append(option.help)
    defaults = {protocol: field_default(protocols()[protocol], option.field) for protocol, option in declarations}
    if len(declarations) > 1 and len(set(defaults.values())) > 1:
        texts.append("[default: " + "; ".join(f"{p}: {d}" for p, d in defaults.items() if d is not None) + "]")
    return " ".join(texts)


def option_default(name: str) -> Any:
    return all_options()[name][0][1].default


def __getattr__(attr: str) -> Any:  # the three original profiles by their class names
    modules = {"AgentOSProfile": "agentos", "OpenAIProfile": "openai_chat", "JsonProfile": "json_endpoint"}
    if attr in modules:
        return getattr(importlib.import_module(f"{__name__}.{modules[attr]}"), attr)
    raise AttributeError(attr)

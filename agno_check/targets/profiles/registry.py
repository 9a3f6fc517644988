"""The protocol registry: ``@protocol`` registers a ``Profile`` class under its name (refused twice)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from agno_check.targets.profiles.base import Profile

P = TypeVar("P", bound="type[Profile]")
PROTOCOLS: dict[str, type[Profile]] = {}


def protocol(cls: P) -> P:
    """Register a protocol profile class; its options must be fields of the class (with the same defaults
    wherever two protocols declare one option)."""
    from agno_check.targets.profiles.base import option_fields

    name = cls.name
    if name in PROTOCOLS and PROTOCOLS[name] is not cls:
        raise ValueError(f"duplicate protocol name {name!r}")
    fields = option_fields(cls)
    for option in cls.options:
        if option.field not in fields:
            raise ValueError(f"protocol {name!r}: option {option.name!r} sets no field {option.field!r}")
    for other in PROTOCOLS.values():
        for mine in cls.options:
            for theirs in other.options:
                if mine.name == theirs.name and mine.default != theirs.default:
                    raise ValueError(f"option {mine.name!r}: {name!r} and {other.name!r} disagree on its default")
    PROTOCOLS[name] = cls
    return cls

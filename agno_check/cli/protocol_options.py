"""``--profile`` and every registered protocol's options, added to a command from the registry.

The commands declare ``**protocol: Any`` and get one typer option per protocol option (``--agent-id``,
``--team``, ``--model``, ``--endpoint``, ...), with the protocols' own help, inserted after the TARGET argument;
a new protocol's options appear in both commands without touching them. Only the registry (standard library)
is imported, so ``--help`` stays fast.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from agno_check.targets.profiles import all_options, option_help, protocols

F = TypeVar("F", bound=Callable[..., Any])


def profile_help() -> str:
    names = ", ".join(["auto", *sorted(protocols())])
    return f"The protocol: {names} [default: auto, detected from the service]."


def protocol_parameters(panel: str) -> list[inspect.Parameter]:
    """``profile`` and one parameter per registered protocol option."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter("profile", kind, default=None, annotation=Annotated[
        str | None, typer.Option(help=profile_help(), rich_help_panel=panel)])]
    for name in all_options():
        params.append(inspect.Parameter(name, kind, default=None, annotation=Annotated[
            str | None, typer.Option(help=option_help(name), rich_help_panel=panel)]))
    return params


def with_protocol_options(panel: str) -> Callable[[F], F]:
    """Give ``func`` (which takes ``**protocol``) the protocol options, right after its first parameter."""

    def add(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        own = [p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        params = [own[0], *protocol_parameters(panel), *own[1:]]
        func.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        func.__annotations__ = {p.name: p.annotation for p in params} | {"return": signature.return_annotation}
        return func

    return add

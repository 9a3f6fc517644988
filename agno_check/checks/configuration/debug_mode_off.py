"""configuration.debug_mode_off: no agent or team runs in agno's debug mode."""

from __future__ import annotations

from agno_check.checks._inprocess import info_of, names
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed
from agno_check.checks.registry import check

#: display switches some agno versions have; 3.1.10 has none of them on Agent, so they are read only if present
DISPLAY_FLAGS = ("show_tool_calls", "show_full_reasoning")


@check(id="configuration.debug_mode_off", severity="medium", title="agno debug mode and debug display are off",
       targets=("inprocess",))
async def debug_mode_off(ctx: CheckContext) -> Outcome:
    """What it checks: ``debug_mode`` on the agent, the team and every member, ``AGNO_DEBUG=true`` in the
    environment (agno reads it at every run), and tool-call display switches where the agno version has them.

    Why it matters: in debug mode agno logs every system prompt, user message, tool call with its arguments
    and results, and model answer: personal data and secrets land in the log pipeline, and runs slow down.
    Severity medium, like ``configuration.debug_disabled``: it leaks, but to your own logs, not to callers.

    How to fix: Drop ``debug_mode=True`` (keep it for local runs: ``debug_mode=os.getenv("ENV") == "dev"``) and
    unset ``AGNO_DEBUG`` in production.
    """
    info = info_of(ctx)
    debug = [node.label for node in info.nodes if getattr(node.obj, "debug_mode", False)]
    display = [f"{node.label}.{flag}" for node in info.nodes for flag in DISPLAY_FLAGS
               if getattr(node.obj, flag, False) is True]
    env = (info.env_before.get("AGNO_DEBUG") or "").strip().lower() == "true"
    found = [f"debug_mode=True on {names(debug)}"] if debug else []
    found += ["AGNO_DEBUG=true in the environment"] if env else []
    found += [f"{names(display)} on"] if display else []
    if found:
        return failed("; ".join(found) + ": agno logs prompts, tool arguments and answers", debug_mode=debug,
                      agno_debug_env=env, display=display)
    return passed(f"debug_mode off on {len(info.nodes)} agent(s)/team(s); AGNO_DEBUG not set", debug_mode=[],
                  agno_debug_env=False)

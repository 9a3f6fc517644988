"""configuration.telemetry_explicit: whether agno reports usage to agno.com is a decision, not a default."""

from __future__ import annotations

from agno_check.checks._inprocess import info_of, names
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, passed, warned
from agno_check.checks.registry import check


@check(id="configuration.telemetry_explicit", severity="low", title="agno telemetry is set explicitly",
       targets=("inprocess",))
async def telemetry_explicit(ctx: CheckContext) -> Outcome:
    """What it checks: ``telemetry`` on the agent, the team and every member as declared, and
    ``AGNO_TELEMETRY`` in the environment (which overrides them at run time). agno-check itself always runs
    with telemetry off.

    Why it matters: agno's default is ``telemetry=True``: each run reports usage data to agno's API, from
    your production network. That may be fine, but it should be a decision your team made (and egress rules
    may block it). Severity low: it is about control, not breakage.

    How to fix: Decide and say so: ``Agent(telemetry=False)`` / ``AgentOS(telemetry=False)``, or set
    ``AGNO_TELEMETRY=false`` in the deployment (``AGNO_TELEMETRY=true`` to keep it on deliberately).
    """
    info = info_of(ctx)
    env = info.env_before.get("AGNO_TELEMETRY")
    if env is not None and env.strip():
        state = "on" if env.strip().lower() == "true" else "off"
        return passed(f"AGNO_TELEMETRY={env.strip()} decides for every agent (telemetry {state})", env=env.strip())
    on = [node.label for node in info.nodes if node.telemetry]
    if on:
        return warned(f"telemetry on, agno's default, for {names(on)}: each run reports usage to agno's API; "
                      "set telemetry=False or AGNO_TELEMETRY (false, or true to keep it deliberately)", telemetry_on=on)
    return passed(f"telemetry=False on {len(info.nodes)} agent(s)/team(s)", telemetry_on=[])

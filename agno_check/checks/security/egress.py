"""security.egress: the non-loopback connections the agent's own code tried during an in-process run."""

from __future__ import annotations

from agno_check.checks._inprocess import info_of, names
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, passed, skipped, warned
from agno_check.checks.registry import check


@check(id="security.egress", severity="medium", title="The agent's code does not send data off the machine",
       targets=("inprocess",), phase="final")
async def egress(ctx: CheckContext) -> Outcome:
    """What it checks: (in-process) every connection the agent's code tried to open to an address outside
    loopback while the checks ran (agno-check refuses them: nothing leaves the machine unless ``--live-model``
    or ``--allow-egress HOST``), with what opened it: a guardrail, an MCP toolkit, a hook or tool of yours,
    agno's telemetry. None, or only ``--allow-egress`` hosts, passes; any other warns, listing each host.

    Why it matters: guardrails, hooks and tools carry their own clients. ``OpenAIModerationGuardrail`` sends
    every prompt to the provider with your real key whatever the agent's model is; ``MCPTools(url=...)`` dials
    its server on every run. In production that is user data crossing to a third party, and a dependency that
    can fail each run; you should know each one by name.

    How to fix: Check that every host listed is one you mean to send user data to. Give guardrails and tools
    their own settings for each environment (a moderation endpoint inside your network, an MCP server you
    run), and pass ``--allow-egress HOST`` for the ones you accept so the report stays quiet about them.
    """
    info = info_of(ctx)
    guard = getattr(info, "egress", None)
    if guard is None:
        return skipped("agno-check did not guard this run's connections")
    attempts = guard.attempts()
    if info.live_model:  # the model's own provider is what --live-model asked for
        attempts = [a for a in attempts if not a.opened_by.startswith("model ")]
    allowed = sorted(guard.allowed_hosts)
    evidence = {"attempts": [a.as_dict() for a in attempts], "allowed_hosts": allowed,
                "refused": guard.refuse}
    if not attempts:
        extra = f" besides the --allow-egress host(s) {', '.join(allowed)}" if allowed else ""
        return passed(f"the agent's code tried no connection off this machine{extra}", **evidence)
    verb = "refused" if guard.refuse else "let through (--live-model)"
    listed = [f"{a.host}:{a.port} by {a.opened_by} ({a.count}x)" if a.port is not None
              else f"{a.host} by {a.opened_by} ({a.count}x)" for a in attempts]
    return warned(f"the agent's code tried to reach {len(attempts)} destination(s) off this machine ({verb}): "
                  f"{names(listed, limit=5)}", **evidence)

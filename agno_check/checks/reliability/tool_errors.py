"""reliability.tool_errors: a failing tool ends the run with an answer or a clean error, not a crash or hang."""

from __future__ import annotations

from agno_check.checks._tools import ToolRun, exercised_tools, run_time_note, run_with_tool
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError

#: at most this many tools are probed (two runs each), so a large toolkit does not make the check long
MAX_TOOLS = 12


@check(id="reliability.tool_errors", severity="high", phase="measure", intrusive=True, targets=("inprocess",),
       title="A failing tool does not crash or hang the run")
async def tool_errors(ctx: CheckContext) -> Outcome:
    """What it checks: in-process, with the simulated model calling tools (``--exercise-tools``; a Team's or
    Workflow's delegation always), each exercised tool is called once with arguments valid by its JSON schema
    and once made to fail (agno-check's probe around the tool raises). Both runs must end with an answer or a
    clean error within ``--timeout``. A run that hangs, breaks the connection or puts a Python traceback in
    the answer fails; a tool that raises on its own with valid arguments warns, naming the exception. A tool
    that needs the network (a web search, ``MCPTools(url=...)``) is refused by the in-process egress guard: it
    is reported as not exercised, not judged.

    Why it matters: tools call databases, APIs and files, and those fail. agno hands a tool's exception to the
    model as the tool's result, but a tool that blocks without a timeout hangs the whole run, and an error
    path that formats the traceback into the reply shows users your internals. A tool that fails on ordinary
    arguments is a broken feature the model will paper over.

    How to fix: Give every tool's client a timeout, catch the failures you expect and return a short message
    the model can act on (``return "The order service is unavailable, try again later"``), never the
    traceback; fix a tool that raises on valid arguments (the evidence names its exception).
    """
    probes, names = exercised_tools(ctx)
    runs: list[ToolRun] = []
    try:
        for name in names[:MAX_TOOLS]:
            runs.append(await run_with_tool(ctx, probes, name))
            runs.append(await run_with_tool(ctx, probes, name, fail=True))
    except (TargetError, ValueError) as exc:
        return errored(f"could not drive the simulated model's tool calls: {exc}",
                       runs=[r.evidence() for r in runs])
    evidence = {"runs": [r.evidence() for r in runs], "tools": names[:MAX_TOOLS],
                "not_probed": names[MAX_TOOLS:]}
    offline = sorted({r.tool: r.egress for r in runs if r.egress and not r.injected}.items())
    evidence["not_exercised_needs_network"] = [{"tool": t, "refused": host} for t, host in offline]
    needs_network = {t for t, _ in offline}
    unexercised = (f"; not exercised, they need the network (refused by the egress guard): "
                   f"{', '.join(f'{t} ({host})' for t, host in offline)}") if offline else ""
    if probes.run_time_toolkits:
        evidence["not_listed_run_time_toolkits"] = list(probes.run_time_toolkits)
        unexercised += f"; {run_time_note(probes)}"
    reached = [r for r in runs if r.verdict != "not reached" and r.tool not in needs_network]
    if not reached and offline:
        return skipped(f"no tool could be exercised{unexercised}", **evidence)
    if not reached:
        return errored(f"the simulated model called none of {', '.join(names)} in the runs: are the tools "
                       "offered to the model?", **evidence)
    bad = [r for r in reached if r.bad]
    if bad:
        said = "; ".join(f"{r.tool}{' (made to fail)' if r.injected else ''}: {r.verdict}, {r.detail}" for r in bad)
        return failed(f"{len(bad)} of {len(reached)} tool runs mishandled: {said}{unexercised}", **evidence)
    raising = [r for r in reached if not r.injected and any(c.error and not c.injected for c in r.calls)]
    if raising:
        said = "; ".join(f"{r.tool} raised {next(c.error for c in r.calls if c.error)}" for r in raising)
        return warned(f"{len(raising)} tool(s) raised with schema-valid arguments: {said} (the runs still "
                      f"ended cleanly){unexercised}", **evidence)
    tools = sorted({r.tool for r in reached})
    return passed(f"{len(tools)} tool(s) ({', '.join(tools)}) answered normally and ended cleanly when made "
                  f"to fail ({len(reached)} runs){unexercised}", **evidence)

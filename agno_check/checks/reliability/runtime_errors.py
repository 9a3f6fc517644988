"""reliability.runtime_errors: what agno logged or printed while the checks' runs ran, by component."""

from __future__ import annotations

from typing import Any

from agno_check.checks._inprocess import info_of, names
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped, warned
from agno_check.checks.registry import check

#: fewer runs than this say little about "every run": the check runs the rest itself
MIN_RUNS = 3
#: the components judged; "agent" (agno's own bookkeeping) is reported only as evidence
JUDGED = ("hook", "guardrail", "tool", "MCP", "storage", "model", "knowledge")


def _storage_name(info: Any) -> str:
    kinds = sorted({type(node.obj.db).__name__ for node in info.nodes if getattr(node.obj, "db", None) is not None})
    return ", ".join(kinds)


def _groups(info: Any, runs: set[int]) -> list[dict[str, Any]]:
    """One entry per failing component: how many of the runs it failed in, how many records, the first."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for problem in info.run_log.problems:
        if problem.component not in JUDGED or (problem.provoked and problem.component == "model"):
            continue  # agno's bookkeeping, or a model error agno-check's own fault injection caused
        name = problem.name or (_storage_name(info) if problem.component == "storage" else "")
        key = (problem.component, name)
        group = groups.setdefault(key, {"component": problem.component, "name": name, "records": 0,
                                        "runs_failed": set(), "unattributed": 0, "first_message": problem.message})
        group["records"] += 1
        if problem.run is not None and problem.run in runs:
            group["runs_failed"].add(problem.run)
        elif problem.run is None:
            group["unattributed"] += 1
    found = []
    for group in groups.values():
        failed_runs = len(group.pop("runs_failed"))
        unattributed = group.pop("unattributed")
        if not failed_runs and unattributed:  # logged outside any run's context (a worker thread)
            failed_runs = min(unattributed, len(runs))
        found.append({**group, "runs_failed": failed_runs, "runs": len(runs)})
    return sorted(found, key=lambda g: (-g["runs_failed"], -g["records"]))


def _label(group: dict[str, Any]) -> str:
    name = f" {group['name']}" if group["name"] else ""
    return (f"{group['component']}{name} failed in {group['runs_failed']} of {group['runs']} runs "
            f"({group['records']} log record(s)); first: {group['first_message']!r}")


@check(id="reliability.runtime_errors", severity="high", title="No component fails while the agent runs",
       targets=("inprocess",), phase="final")
async def runtime_errors(ctx: CheckContext) -> Outcome:
    """What it checks: (in-process) everything agno logged at WARNING or above, or printed, while the checks'
    runs ran, classified by the component it came from: a pre- or post-hook, a guardrail, a tool, an MCP
    toolkit, the storage, the model. Model errors logged while agno-check itself injects model faults
    (reliability.upstream_faults, error_status_honest) are provoked, not the agent's, and are only counted in
    the evidence. A component that fails in every run or in most of them fails the check
    (named, counted, with its first message); one that fails now and then warns. When the other checks ran
    fewer than three runs, this check runs the rest itself.

    Why it matters: agno keeps a run going when a hook raises, a guardrail cannot reach its provider, an MCP
    server never answers or a storage write fails: the run answers 200, and the failure is a line in a log
    nobody reads. In production that is a guardrail that never guarded, an audit hook that never audited, a
    session history that was never stored. A readiness report that passes over it is wrong.

    How to fix: Open the log file the report names (or run with ``--debug``) and fix the named component:
    the hook's bug, the guardrail's provider settings (its own ``api_key``/endpoint, reachable from where the
    agent runs), the MCP server's URL and start-up, the database URL and credentials.
    """
    info = info_of(ctx)
    run_log = getattr(info, "run_log", None)
    if run_log is None:
        return skipped("agno-check did not collect this run's logs")
    for _ in range(max(0, MIN_RUNS - len(run_log.runs))):
        await ctx.run_turn(session_id=ctx.new_session_id("runtime-errors"))
    runs = set(run_log.runs)
    if not runs:
        return skipped("no run reached the agent, so nothing it logged during runs can be judged")
    groups = _groups(info, runs)
    tracebacks = run_log.printed_tracebacks()
    evidence: dict[str, Any] = {"runs": len(runs), "components": groups, "printed_tracebacks": tracebacks,
                                "log_records": len(run_log.problems),
                                "provoked_model_errors": sum(1 for p in run_log.problems
                                                             if p.provoked and p.component == "model")}
    if run_log.log_path is not None:
        evidence["log_file"] = str(run_log.log_path)
    where = f"; the tracebacks are in {run_log.log_path}" if run_log.log_path is not None and tracebacks else ""
    most = [g for g in groups if g["runs_failed"] * 2 > g["runs"]]
    if most:
        return failed(f"{names([_label(g) for g in most], limit=3)}{where}", **evidence)
    if groups:
        return warned(f"occasional failures: {names([_label(g) for g in groups], limit=3)}{where}", **evidence)
    other = f"; {run_log.log_path} holds {tracebacks} traceback(s) tied to no component (agno's request " \
        "handling, e.g. its answers to the checks' malformed probes, which the HTTP checks judge)" if where else ""
    return passed(f"no hook, guardrail, tool, MCP, storage or model failure logged during {len(runs)} runs{other}",
                  **evidence)

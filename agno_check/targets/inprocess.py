"""The in-process target: an agno Agent, Team or Workflow from the user's code, served by a real AgentOS on
loopback.

``agno-check readiness myapp.agents:support_agent`` (or ``path/to/app.py:agent``):

1. import the object (``loader``: exit 2 with one line for a bad spec, an import error, or a non-agent);
2. unless ``--live-model``: start the simulated LLM and point every model the agent can call at it
   (``model_control``: OpenAI-compatible models keep their settings and get clients aimed at the simulator;
   other models get an OpenAI-compatible stand-in for the run, and the report says so). No tokens are spent
   and nothing leaves the machine; ``OpenedTarget.sim`` lets ``reliability.upstream_faults`` inject faults.
   The simulated model calls tools by policy (``tool_probe``): a Team's or Workflow's delegation always (so
   members run), the user's own tools only with ``--exercise-tools`` (they run for real); each user tool gets
   a probe that times it and can make it fail, for ``reliability.tool_errors`` and ``performance.tool_latency``;
3. telemetry off for the run (``AGNO_TELEMETRY=false``, ``telemetry=False`` on every agent and team);
4. serve a copy of the agent (``deep_copy()``, as AgentOS itself copies per request, so AgentOS's start-up
   changes never reach the user's object) with ``AgentOS(..., telemetry=False).get_app()`` under uvicorn on
   ``127.0.0.1:0``, and talk to it with the ordinary ``HttpTarget`` and AgentOS profile, so every live-URL
   check runs unchanged. Auth, rate limiting, headers and TLS belong to the deployment, not to the agent: the
   app is served without ``OS_SECURITY_KEY``/JWT settings and those checks skip (their ``inprocess_skip``).

Everything changed for the run (models, telemetry flags, environment variables, ``sys.stdout``, agno's log
filter) is put back when the context closes. The runs do write sessions to the agent's own database, as
production runs would (session ids start with ``agno-check``/``latency``/...).

While the target is open the process is sealed (``seal``): fd 1/2 and ``sys.stdout``/``sys.stderr`` go to a
log file the report names (``--debug``: stdout points at stderr and everything shows), agno's log records are
classified for ``reliability.runtime_errors``, and the egress guard (``egress``) refuses and records every
connection off the machine for ``security.egress``. The OpenAI SDK client settings in force are read before
the models are redirected (``model_clients``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agno_check.targets.credentials import Credentials
from agno_check.targets.opening import OpenedTarget, credentials_from
from agno_check.targets.profiles.agentos import AgentOSProfile
from agno_check.targets.profiles.agentos_team import AgentOSTeamProfile
from agno_check.targets.profiles.agentos_workflow import AgentOSWorkflowProfile

if TYPE_CHECKING:
    from agno_check.settings import ReadinessSettings
    from agno_check.targets.model_control import ModelSite
    from agno_check.targets.tool_probe import ToolProbes

#: the simulated model for in-process runs: a fast hosted model (~0.25 s a run, streamed token by token). Not
#: faster: the agent, AgentOS and agno-check share one process, and against a near-instant model the agent's
#: own CPU time would dominate and make concurrency look several times worse than it is in production
INPROCESS_SIM_LATENCY = {"ttft": "100ms", "tps": 200, "output_tokens": 30}
#: environment variables read before agno-check changes anything (configuration checks judge these)
WATCHED_ENV = ("AGNO_TELEMETRY", "AGNO_DEBUG", "AGNO_DEBUG_LEVEL", "OS_SECURITY_KEY", "JWT_VERIFICATION_KEY",
               "JWT_JWKS_FILE")
#: removed for the run: the in-process app is the agent, not the deployment (auth is checked on a URL)
_DEPLOYMENT_ENV = ("OS_SECURITY_KEY", "JWT_VERIFICATION_KEY", "JWT_JWKS_FILE")
#: agno's loggers, and uvicorn's (the served app's unhandled exceptions, which the checks provoke on purpose)
_AGNO_LOGGERS = ("agno", "agno-team", "agno-workflow", "uvicorn.error")


@dataclass(frozen=True)
class InprocessOptions:
    """What opening an in-process target needs from the settings."""

    credentials: Credentials
    timeout_s: float
    max_time_s: float | None = None
    live_model: bool = False
    debug: bool = False
    user_id: str | None = None
    #: hosts the egress guard lets through (``--allow-egress``)
    allow_egress: tuple[str, ...] = ()
    #: the tools the simulated model calls (``--exercise-tools``: "all" or names), None for the default policy
    exercise_tools: str | None = None

    @classmethod
    def from_settings(cls, settings: ReadinessSettings) -> InprocessOptions:
        return cls(credentials=credentials_from(settings), timeout_s=settings.timeout, max_time_s=settings.max_time,
                   live_model=settings.live_model, debug=settings.debug, user_id=settings.user_id,
                   allow_egress=tuple(settings.allow_egress or ()), exercise_tools=settings.exercise_tools)


@dataclass
class AgentNode:
    """One Agent or Team in the tree (the root, team members, nested teams), for configuration checks."""

    path: str  # "agent", "team", "team.members[0]"
    obj: Any
    kind: str  # "agent" | "team"
    telemetry: bool  # as declared, before agno-check turned it off for the run

    @property
    def label(self) -> str:
        name = getattr(self.obj, "id", None) or getattr(self.obj, "name", None)
        return f"{self.path} ({name})" if name else self.path


@dataclass
class InprocessInfo:
    """What the agent-level checks read: the user's object as declared, and how the run was set up."""

    spec: str
    obj: Any  # the user's Agent/Team (redirected for the run, restored afterwards)
    kind: str  # "agent" | "team"
    served: Any  # the copy AgentOS serves
    nodes: list[AgentNode]
    models: list[ModelSite]
    live_model: bool
    env_before: dict[str, str | None]
    sim: Any = None
    url: str = ""
    log_counts: dict[str, int] = field(default_factory=dict)
    tools: ToolProbes | None = None  # the user's tools and their probes (None with --live-model)
    tool_policy: str = "none"  # what the simulated model calls: none | team | all | NAME,NAME
    #: id(model) -> its SDK client's timeout/retries in force, read before the models were redirected
    clients: dict[int, Any] = field(default_factory=dict)
    run_log: Any = None  # seal.RunLog: what agno logged during the runs, by component and run
    egress: Any = None  # egress.EgressGuard: the connections refused (or, --live-model, let through)

    @property
    def simulated(self) -> bool:
        return not self.live_model


def _workflow_members(workflow: Any) -> list[Any]:
    """The agents and teams a workflow's steps run (steps nested in Parallel/Loop/Condition/Router too)."""
    found: list[Any] = []

    def visit(step: Any, depth: int) -> None:
        if depth > 6 or step is None:
            return
        for name in ("agent", "team"):
            value = getattr(step, name, None)
            if value is not None and value not in found:
                found.append(value)
        if type(step).__name__ in ("Agent", "Team") and step not in found:
            found.append(step)
        for name in ("steps", "choices"):
            inner = getattr(step, name, None)
            if isinstance(inner, list | tuple):
                for item in inner:
                    visit(item, depth + 1)

    for step in getattr(workflow, "steps", None) or []:
        visit(step, 0)
    return found


def agent_nodes(root: Any, kind: str) -> list[AgentNode]:
    """The root and, for a team, its members (recursively), for a workflow its steps' agents and teams, with
    their declared telemetry."""
    from agno.team import Team

    nodes: list[AgentNode] = []
    seen: set[int] = set()

    if kind == "workflow":
        nodes.append(AgentNode(path="workflow", obj=root, kind="workflow",
                               telemetry=bool(getattr(root, "telemetry", True))))
        seen.add(id(root))
        for i, member in enumerate(_workflow_members(root)):
            visit_kind = "team" if isinstance(member, Team) else "agent"
            _visit_into(nodes, seen, member, f"workflow.steps[{i}].{visit_kind}")
        return nodes
    _visit_into(nodes, seen, root, kind)
    return nodes


def _visit_into(nodes: list[AgentNode], seen: set[int], root: Any, root_path: str) -> None:
    from agno.agent import Agent
    from agno.team import Team

    def visit(obj: Any, path: str) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        node_kind = "team" if isinstance(obj, Team) else "agent"
        nodes.append(AgentNode(path=path, obj=obj, kind=node_kind, telemetry=bool(getattr(obj, "telemetry", True))))
        members = getattr(obj, "members", None) if node_kind == "team" else None
        if isinstance(members, list):
            for i, member in enumerate(members):
                if isinstance(member, Agent | Team):
                    visit(member, f"{path}.members[{i}]")

    visit(root, root_path)


class _AgnoLogFilter(logging.Filter):
    """Keeps agno's own log lines (run errors, DB tracebacks) off the terminal unless --debug; counts them."""

    def __init__(self, show: bool) -> None:
        super().__init__()
        self.show = show
        self.counts: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            self.counts[record.levelname] = self.counts.get(record.levelname, 0) + 1
        return self.show


@contextlib.contextmanager
def _environment(changes: dict[str, str | None]) -> Any:
    old = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _quiet_agno_logs(show: bool) -> Any:
    log_filter = _AgnoLogFilter(show)
    loggers = [logging.getLogger(name) for name in _AGNO_LOGGERS]
    for logger in loggers:
        logger.addFilter(log_filter)
    try:
        yield log_filter
    finally:
        for logger in loggers:
            logger.removeFilter(log_filter)


def _model_notes(sites: list[ModelSite], live: bool) -> list[str]:
    if live:
        names = ", ".join(sorted({s.description for s in sites})) or "agno's default model"
        return [f"--live-model: the runs call the agent's real model(s) ({names}); tokens are spent and the "
                "requests leave this machine"]
    notes = []
    simulated = sorted({s.description for s in sites if s.how == "sim"})
    standins = sorted({f"{s.path}: {s.description}" for s in sites if s.how == "stand-in"})
    if simulated:
        notes.append(f"model(s) {', '.join(simulated)} pointed at agno-check's simulated LLM on loopback (no tokens "
                     "spent; latency figures are the simulated model's plus your agent's own overhead)")
    if standins:
        notes.append(f"not OpenAI-compatible, so the runs used an OpenAI-compatible stand-in on the simulated LLM "
                     f"with the same timeout and retry settings: {'; '.join(standins)} (pass --live-model to "
                     "run the real model, spending tokens)")
    return notes


def tool_policy(options: InprocessOptions, kind: str) -> str:
    """What the simulated model calls: ``--exercise-tools`` (all, or the names given), else a Team's or
    Workflow's delegation only (its members must run to be judged), else nothing."""
    chosen = options.exercise_tools
    if chosen:
        return str(chosen)
    return "team" if kind in ("team", "workflow") else "none"


def _tool_notes(probes: ToolProbes | None, policy: str) -> list[str]:
    if probes is None:
        return []
    later = [f"{', '.join(probes.run_time_toolkits)}: tools known only once connected at run time (MCP), not "
             "listed or probed by the tool checks"] if probes.run_time_toolkits else []
    if not probes.tools:
        return later
    from agno_check.sim.tools import parse_policy

    allowed = parse_policy(policy)
    not_run = [tool for tool in probes.tools if not allowed.allows(tool.name)]
    if not not_run:
        return [f"the simulated model calls your tools ({', '.join(probes.names())}): they run for real "
                "(--exercise-tools)", *later]
    listed = ", ".join(f"{t.owner}: {t.name}" + (f" [{', '.join(t.flags)}]" if t.flags else "") for t in not_run)
    return [f"tools not exercised (the simulated model does not call them without --exercise-tools, because they "
            f"would run for real): {listed}", *later]


def _default_model_sites(nodes: list[AgentNode], how: str) -> list[ModelSite]:
    """Agents/teams with no model: agno gives them its default (OpenAI Responses, on the network) at run time.
    Team members inherit their team's model, so only the roots (the target, a workflow's steps) and teams
    count."""
    from agno_check.targets.model_control import ModelSite

    return [ModelSite(path=f"{node.path}.model", declared=None, how=how) for node in nodes
            if getattr(node.obj, "model", "absent") is None and (node.kind == "team" or ".members[" not in node.path)]


def _redirect_models(obj: Any, nodes: list[AgentNode], redirector: Any) -> list[ModelSite]:
    """Point every model at the simulator; a missing model gets agno's default (OpenAI Responses) on it."""
    defaults = _default_model_sites(nodes, "sim")
    sites = redirector.redirect(obj, nodes[0].path)  # first: the defaults below are not declared models
    for site in defaults:
        node = next(n for n in nodes if f"{n.path}.model" == site.path)
        redirector.patches.set(node.obj, "model", redirector.default_model())
    return defaults + sites


async def _start(thing: Any) -> Any:
    """Start a background server without blocking the event loop (start-up waits for the port)."""
    return await asyncio.to_thread(thing.start)


@contextlib.asynccontextmanager
async def open_inprocess_target(spec: str, options: InprocessOptions) -> AsyncIterator[OpenedTarget]:
    """Import ``spec``, serve it on loopback (models on the simulated LLM unless ``--live-model``), yield the
    ``OpenedTarget``; undo every change to the user's objects and the process when the context closes."""
    from agno_check.errors import TargetError
    from agno_check.targets.http import HttpTarget
    from agno_check.targets.loader import load_agent, one_line

    env_before = {name: os.environ.get(name) for name in WATCHED_ENV}
    run_env: dict[str, str | None] = {"AGNO_TELEMETRY": "false", **{name: None for name in _DEPLOYMENT_ENV}}
    async with contextlib.AsyncExitStack() as stack:
        stack.enter_context(_environment(run_env))
        from agno_check.targets import egress, seal

        debug = options.debug
        finished: list[OpenedTarget] = []  # the log file's note is added once the seal is undone (file complete)
        stack.callback(lambda: [o.notes.append(n) for o in finished for n in [seal.log_note(run_log)] if n])
        run_log = stack.enter_context(seal.seal(debug))
        guard = stack.enter_context(egress.guarded(allowed_hosts=options.allow_egress,
                                                   refuse=not options.live_model))
        log_filter = stack.enter_context(_quiet_agno_logs(debug or run_log.sealed))  # sealed: into the log
        obj, kind = load_agent(spec, options.max_time_s)

        from agno.os import AgentOS

        from agno_check.serve import BackgroundServer
        from agno_check.targets.model_clients import snapshot
        from agno_check.targets.model_control import Patches, Redirector, declared_sites, model_sites

        nodes = agent_nodes(obj, kind)
        clients = snapshot([site[4] for site in model_sites(obj, kind)])
        live = options.live_model
        sim = None
        probes = None
        patches = Patches()
        stack.callback(patches.restore)
        policy = tool_policy(options, kind)
        if live:
            sites = _default_model_sites(nodes, "live") + declared_sites(obj, kind)
        else:
            from agno_check.sim.server import SimServer
            from agno_check.targets import tool_probe

            sim = await _start(SimServer(latency=INPROCESS_SIM_LATENCY, seed=0, tools=policy))
            stack.callback(sim.stop)
            redirector = Redirector(sim.openai_base_url)
            redirector.patches = patches
            sites = _redirect_models(obj, nodes, redirector)
            probes = tool_probe.install([n for n in nodes if n.kind != "workflow"], patches, guard)
        for node in nodes:
            patches.set(node.obj, "telemetry", False)
        try:
            served = obj.deep_copy()
            agent_os = AgentOS(**{f"{kind}s": [served]}, telemetry=False)
            app = agent_os.get_app()
            app.add_middleware(seal.RunCounter, run_log=run_log)
        except Exception as exc:  # the user's configuration, not our bug: one line, exit 2
            raise TargetError(f"AgentOS could not serve {spec!r}: {one_line(exc)}") from None
        server = await _start(BackgroundServer(app))
        stack.callback(server.stop)
        served_id = str(served.id)
        profile_cls = {"team": AgentOSTeamProfile, "workflow": AgentOSWorkflowProfile}.get(kind, AgentOSProfile)
        profile = profile_cls(agent_id=served_id, user_id=options.user_id)
        target = HttpTarget(server.url, profile, options.credentials, timeout_s=options.timeout_s)
        stack.push_async_callback(target.aclose)
        info = InprocessInfo(spec=spec, obj=obj, kind=kind, served=served, nodes=nodes, models=sites, live_model=live,
                             env_before=env_before, sim=sim, url=server.url, log_counts=log_filter.counts,
                             tools=probes, tool_policy=policy, clients=clients, run_log=run_log,
                             egress=guard)
        notes = [f"in-process {kind} {served_id!r} served by AgentOS on {server.url} (loopback); authentication, "
                 "rate limiting, headers and TLS belong to the deployment and are checked against its URL",
                 *_model_notes(sites, live), *_tool_notes(probes, policy)]
        if getattr(obj, "knowledge", None) is not None:
            notes.append("the agent's knowledge base is used as configured: its embedder and vector database are "
                         "not simulated")
        opened = OpenedTarget(target=target, kind="inprocess", display=spec, profile_name="inprocess", agent=obj,
                              sim=sim, notes=notes, inprocess=info)
        try:
            yield opened
        finally:
            counts = log_filter.counts
            if run_log.sealed:
                finished.append(opened)
            elif counts and not debug:
                said = ", ".join(f"{n} {level.lower()}(s)" for level, n in sorted(counts.items()))
                opened.notes.append(f"agno and the served app logged {said} while the checks probed them "
                                    "(shown with --debug)")

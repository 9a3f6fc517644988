"""`agno-check load` end to end, minus the command line: check the options, probe the target (asyncio, before
Locust is imported), run the engine, build the report. Everything that can be refused is refused before the
first simulated user starts (exit 2).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from agno_check.errors import UsageError
from agno_check.load.baseline import compare
from agno_check.load.baseline import reasons as baseline_reasons
from agno_check.load.options import RunOptions, apply_options, check_options, rate_limiter_note
from agno_check.load.prepare import Prepared, base_plan, prepare, target_url
from agno_check.load.prompts import BUNDLED_PROMPTS, read_prompts
from agno_check.load.report import LoadReport, build_report, step_dict
from agno_check.load.settings import LoadSettings
from agno_check.load.workload import output_field, synthetic_prompts
from agno_check.slo import parse_slos
from agno_check.targets.credentials import Redactor
from agno_check.targets.reach import tcp_check


def run_load(settings: LoadSettings, view_factory: Any) -> LoadReport:
    settings.check_combinations()
    slos = parse_slos(settings.slo)
    options = check_options(settings, slos)
    if settings.input_tokens:
        prompts = synthetic_prompts(settings.input_tokens, settings.prompt_seed)
    else:
        prompts = read_prompts(settings.prompts) if settings.prompts else list(BUNDLED_PROMPTS)
    if settings.scenario:
        return _run_scenario(settings, slos, prompts, view_factory, options)
    tokens = options.tokens
    if tokens:  # the probe turn uses the first credential; the users spread all of them
        from pydantic import SecretStr

        settings.token = SecretStr(tokens[0])
    prepared = prepare(settings, prompts)
    plan = prepared.plan
    apply_options(plan, settings, options)
    if settings.output_tokens and output_field(plan.profile) is None:
        raise UsageError(f"--output-tokens: the {plan.profile} profile has no output limit field (it is sent as "
                         "max_tokens to the openai profile, max_output_tokens to openai-responses)")
    dispatchers = max(1, settings.expect_workers or 1) if settings.master else max(1, settings.workers)
    if settings.rate:
        plan.rate_per_dispatcher = settings.rate / dispatchers
        plan.max_in_flight = max(1, math.ceil(settings.users / dispatchers))

    from agno_check.load.engine import Engine  # Locust (and gevent's patching) from here on
    from agno_check.load.users import AgnoCheckUser

    plan.processes = dispatchers
    AgnoCheckUser.configure(plan)
    shape = None
    if settings.stages:
        from agno_check.load.shapes import StagesShape

        shape = StagesShape.from_text(settings.stages)
    streamed = settings.stream and prepared.streamed_probe
    sweep = settings.sweep_users or settings.sweep_rates
    cap = None if (settings.stages or settings.find_max or sweep) else settings.warmup + settings.duration
    title = f"agno-check load {prepared.display} ({plan.profile}{', streamed' if streamed else ''})"
    return _execute(settings, slos, view_factory(title), Engine, [AgnoCheckUser], shape, streamed, cap,
                    prepared, plan.profile, options)


def _run_scenario(settings: LoadSettings, slos: list[Any], prompts: list[str], view_factory: Any,
                  options: RunOptions) -> LoadReport:
    if not os.path.isfile(settings.scenario or ""):
        raise UsageError(f"--scenario {settings.scenario}: file not found")
    url = None
    if settings.target:
        url, _ = target_url(settings)
        tcp_check(url)
    plan = base_plan(settings, url or "", prompts)
    plan.profile = "scenario"
    from agno_check.load.engine import Engine
    from agno_check.load.scenario import apply_plan, load_scenario, scenario_host, scenario_streams

    classes, shape = load_scenario(settings.scenario or "")
    if not url:
        url = scenario_host(classes)
        if not url:
            raise UsageError(f"--scenario {settings.scenario}: no host: pass TARGET, or set host on a user class")
        tcp_check(url)
    plan.host = url
    apply_options(plan, settings, options)
    apply_plan(classes, plan)
    streamed = scenario_streams(classes)
    prepared = Prepared(plan=plan, display=url, notes=[], streamed_probe=streamed)
    title = f"agno-check load {url} (scenario {settings.scenario})"
    cap = None if (settings.sweep_users or settings.sweep_rates) else settings.warmup + settings.duration
    return _execute(settings, slos, view_factory(title), Engine, classes, shape, streamed, cap,
                    prepared, "scenario", options)


def _execute(settings: LoadSettings, slos: list[Any], view: Any, engine_cls: Any, classes: list[type], shape: Any,
             streamed: bool, cap: float | None, prepared: Prepared, profile: str, options: RunOptions) -> LoadReport:
    from agno_check.load.engine import quiet_locust_logging

    quiet_locust_logging(settings.debug)
    engine = engine_cls(settings, prepared.plan, slos, view, classes, shape=shape, streamed=streamed,
                        duration_cap_s=cap, requests_out=options.requests_out, abort_slos=options.abort)
    view.start()
    try:
        result = engine.run()
    finally:
        view.stop()
    find_max = result.find_max.as_dict() if result.find_max else None
    if find_max and find_max["ceiling_reached"]:
        result.notes.append(f"find-max: every step up to --max-users {settings.max_users} held; the capacity is "
                            "higher (raise --max-users)")
    find_max_values = None
    if result.find_max and result.find_max.steps:
        chosen = result.find_max.best or result.find_max.steps[0]
        find_max_values = chosen.values
    if settings.find_max:
        users = max((s.users for s in result.find_max.steps), default=0) if result.find_max else 0
    elif settings.stages and shape is not None:
        users = shape.peak_users
    elif shape is not None:
        users = result.peak_users
    else:
        users = settings.users
    counters = result.total.counters
    open_model = None
    if settings.rate:
        open_model = {"rate": settings.rate, "arrivals": counters.get("arrivals", 0),
                      "late_arrivals": counters.get("late_arrivals", 0), "max_in_flight": settings.users}
        if settings.respect_retry_after:
            open_model["held_arrivals"] = counters.get("held_arrivals", 0)
            if counters.get("held_arrivals"):
                result.notes.append(f"{counters['held_arrivals']} arrivals were not sent: a 429's Retry-After "
                                    "held them (--respect-retry-after)")
        if counters.get("late_arrivals"):
            result.notes.append(f"{counters['late_arrivals']} of {counters.get('arrivals', 0)} arrivals started "
                                "late (every in-flight slot busy, or the generator behind): their wait counts "
                                "as latency; raise --users to allow more turns in flight")
    plan = prepared.plan
    echo = settings.echo()
    echo["resolved"] = {"profile": plan.profile,
                        **{k: v for k, v in plan.profile_values.items() if v is not None}}
    if settings.scenario:
        echo["scenario"] = settings.scenario
    redact = Redactor(plan.secrets())
    if settings.tokens_file:
        echo["tokens_file"] = {"path": settings.tokens_file, "credentials": len(options.tokens)}
    total, duration_s = result.total, result.duration_s
    steps = None
    if result.steps:
        steps = [step_dict({**label, "step": index}, window, seconds, streamed, options.goodput_exprs, slos,
                           redact) for index, (label, window, seconds) in enumerate(result.steps)]
        _label, total, duration_s = result.steps[-1]  # the top level describes the last step
        users = int(_label.get("users", users))
    notes = [*prepared.notes, *result.notes, *rate_limiter_note(total)]
    extra: dict[str, Any] = {
        "warmup_s": settings.warmup if settings.warmup else None,
        "warmup_requests": counters.get("warmup_requests", 0) if settings.warmup else None,
        "start_up": None if settings.rate else settings.start_up(users),
        "probe": prepared.probe, "steps": steps,
        "requests_out": {"path": settings.requests_out, "content": settings.requests_out_content}
        if settings.requests_out else None,
    }
    extra_reasons: list[str] = []
    if result.aborted:
        extra["aborted"] = result.aborted
        observed = result.aborted.get("observed")
        extra_reasons.append(f"aborted: {result.aborted['expr']} held at {result.aborted['at_s']:g} s over the "
                             f"last {result.aborted['window_s']:g} s (observed {observed:g})")
    spawn_rate = None if settings.rate else settings.spawn_rate_for(users)

    def build(more: dict[str, Any], more_reasons: list[str]) -> LoadReport:
        return build_report(
            target=prepared.display, profile=profile, streamed=streamed, users=users, spawn_rate=spawn_rate,
            total=total, duration_s=duration_s, workers=result.workers, slos=slos,
            timeline=result.timeline, settings=echo, started_at=result.started_at, interrupted=result.interrupted,
            notes=notes, redact=redact, find_max=find_max, find_max_values=find_max_values,
            open_model=open_model, goodput=options.goodput_exprs, extra={**extra, **more},
            extra_reasons=[*extra_reasons, *more_reasons])

    report = build({}, [])
    if options.baseline is not None:
        comparison = compare(options.baseline, json.loads(report.to_json()), settings.max_regression,
                             settings.baseline or "")
        report = build({"baseline": comparison}, baseline_reasons(comparison))
    return report

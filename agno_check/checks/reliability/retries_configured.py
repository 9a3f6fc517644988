"""reliability.retries_configured: a transient provider error is retried, with backoff, before a run fails."""

from __future__ import annotations

from agno_check.checks._inprocess import info_of, model_views, names, node_of_model
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped, warned
from agno_check.checks.registry import check

#: more provider calls than this for one failing run is a retry storm against a provider that is struggling
MAX_ATTEMPTS = 20


def _has_fallbacks(obj: object) -> bool:
    config = getattr(obj, "fallback_config", None)
    return bool(getattr(obj, "fallback_models", None)) or bool(getattr(config, "has_fallbacks", False))


@check(id="reliability.retries_configured", severity="medium", title="Model errors are retried with backoff",
       targets=("inprocess",))
async def retries_configured(ctx: CheckContext) -> Outcome:
    """What it checks: for the model of the agent, the team and each member, the retry layers that stand
    between a provider error and a failed run: the provider SDK's ``max_retries`` (OpenAI: 2 by default, with
    backoff), the model's ``retries``, the agent's ``retries`` (each with ``delay_between_retries`` /
    ``exponential_backoff``) and fallback models. No layer at all fails; retries without any delay, or layers
    that multiply to more than 20 calls for one failing run, warn.

    Why it matters: providers answer 429 and 5xx, and drop connections, every day; with no retry each of those
    is an error in front of a user. Retrying with no delay hammers a rate-limited provider, and stacked
    layers multiply (3 x 3 x 3 = 27 calls) into a retry storm. Severity medium: the behavioural check,
    ``reliability.upstream_faults``, judges what actually happens.

    How to fix: Keep one or two layers with backoff: ``OpenAIChat(max_retries=2)`` (the SDK backs off and
    honours Retry-After), or ``Agent(retries=2, delay_between_retries=1, exponential_backoff=True)``; add
    ``fallback_models`` for a second provider.
    """
    info = info_of(ctx)
    views = model_views(info, primary_only=True)
    if not views:
        return skipped("the agent declares no model")
    bare, no_delay, storm, summary = [], [], [], {}
    for view in views:
        sdk = view.sdk_retries
        bare_here = []
        for path in view.paths:  # a model shared by a team and its members: judged per owner, named once
            node = node_of_model(info, path)
            owner = node.obj if node is not None else info.obj
            label = node.label if node is not None else path
            agent_retries = max(0, getattr(owner, "retries", 0) or 0)
            agent_backoff = bool(getattr(owner, "exponential_backoff", False)) or \
                (getattr(owner, "delay_between_retries", 0) or 0) > 0
            fallbacks = _has_fallbacks(owner)
            attempts = ((sdk or 0) + 1) * (view.agno_retries + 1) * (agent_retries + 1)
            summary[label] = {"model": view.description, "sdk_max_retries": sdk,
                              "sdk_default": view.sdk_retries_default, "model_retries": view.agno_retries,
                              "agent_retries": agent_retries, "fallbacks": fallbacks, "attempts": attempts}
            if not sdk and not view.agno_retries and not agent_retries and not fallbacks:
                bare_here.append(label)
                continue
            if (agent_retries and not agent_backoff) or (view.agno_retries and not view.agno_backoff):
                no_delay.append(label)
            if attempts > MAX_ATTEMPTS:
                storm.append(f"{label} ({attempts} calls)")
        if bare_here:
            sdk_text = "max_retries=0" if sdk == 0 else "no SDK retries agno-check knows of"
            bare.append(f"{', '.join(bare_here)} ({view.description}: {sdk_text}, no model or agent retries)")
    evidence = {"layers": summary}
    if bare:
        return failed(f"no retries: {names(bare)}; one provider 429, 500 or dropped connection fails the run",
                      **evidence)
    if no_delay:
        return warned(f"retries with no delay on {names(no_delay)}: they hammer a provider that is rate-limiting",
                      **evidence)
    if storm:
        return warned(f"retry layers multiply to more than {MAX_ATTEMPTS} provider calls for one failing run: "
                      f"{names(storm)}", **evidence)
    parts = []
    for label, layer in summary.items():
        bits = []
        if layer["sdk_max_retries"]:
            bits.append(f"SDK max_retries={layer['sdk_max_retries']}" + (" (default)" if layer["sdk_default"] else ""))
        if layer["model_retries"]:
            bits.append(f"model retries={layer['model_retries']}")
        if layer["agent_retries"]:
            bits.append(f"agent retries={layer['agent_retries']}")
        if layer["fallbacks"]:
            bits.append("fallback models")
        parts.append(f"{label}: {', '.join(bits)}")
    return passed(f"retried with backoff: {names(parts)}", **evidence)

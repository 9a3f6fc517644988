"""configuration.model_timeout: every model call has a timeout short enough for an interactive request."""

from __future__ import annotations

from agno_check.checks._inprocess import info_of, model_views, names, node_of_model
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, skipped, warned
from agno_check.checks.registry import check

#: a model call allowed to take longer than this holds a worker and a user for too long
LONG_TIMEOUT_S = 120.0


@check(id="configuration.model_timeout", severity="medium", title="Model calls have a timeout",
       targets=("inprocess",))
async def model_timeout(ctx: CheckContext) -> Outcome:
    """What it checks: the timeout of every model the agent can call (``timeout=`` or
    ``client_params={"timeout": ...}``, a client of its own), read from the SDK client in force for
    every OpenAI-SDK-based model (``OpenAIChat``, ``OpenAIResponses``, agno's default, and their
    subclasses): unset fails (the OpenAI SDK then waits up to 600 s per attempt), over 120 s warns. A model
    shared by a team and its members is named once, with every place that uses it. The evidence gives the
    worst case of one run across the retry layers (SDK ``max_retries``, model ``retries``, agent ``retries``).

    Why it matters: a provider that stalls is a normal event. Without a timeout each stalled call holds a
    worker and the user for up to ten minutes, times every retry, and a few of them starve the service.
    Severity medium: it does not break the happy path, it turns an upstream stall into an outage.

    How to fix: Set a timeout on the model, e.g. ``OpenAIChat(id=..., timeout=30, max_retries=2)``, sized to
    your latency SLO, and keep the product of the retry layers small.
    """
    info = info_of(ctx)
    views = model_views(info)
    if not views:
        return skipped("the agent declares no model")
    missing, long, unknown, fine = [], [], [], []
    worst: dict[str, float] = {}
    for view in views:
        label = f"{view.places} {view.description}"
        timeout = view.effective_timeout_s
        if view.timeout_s is None and timeout is None:
            unknown.append(label)
            continue
        if view.no_timeout_at_all:
            missing.append(f"{label}: timeout=None given to the SDK client ({view.client.timeout_source}), "
                           "a call may wait forever")
            continue
        (missing if view.timeout_s is None else long if timeout > LONG_TIMEOUT_S else fine).append(
            f"{label}: {timeout:g} s" + (" (SDK default)" if view.timeout_s is None else ""))
        for path in view.paths:
            node = node_of_model(info, path)
            if node is not None and timeout is not None:
                attempts = ((view.sdk_retries or 0) + 1) * (view.agno_retries + 1) * \
                    (max(0, getattr(node.obj, "retries", 0) or 0) + 1)
                worst[path] = round(attempts * timeout, 1)
    evidence = {"no_timeout": missing, "long": long, "unknown": unknown, "ok": fine, "worst_case_run_s": worst}
    worst_text = f"; a run can wait up to {max(worst.values()):g} s across retries" if worst else ""
    if missing:
        return failed(f"no timeout on {names(missing)}{worst_text}", **evidence)
    if long:
        return warned(f"timeout over {LONG_TIMEOUT_S:g} s on {names(long)}{worst_text}", **evidence)
    if not fine:
        return skipped(f"cannot tell the timeout of {names(unknown)} (no timeout setting agno-check knows)",
                       **evidence)
    extra = f"; unknown for {names(unknown)}" if unknown else ""
    return passed(f"timeouts set: {names(fine)}{worst_text}{extra}", **evidence)

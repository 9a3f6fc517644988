"""What a leak verdict says about the model and about what in the agent would have stopped the leak.

Against the simulated model, a leak says little about the user's real model: the simulated one complies with
every injection on purpose (a worst case). What the verdict does say is that nothing around the model, no
input guardrail and no output filter, stopped it; for an in-process agent agno-check can name its hooks.
"""

from __future__ import annotations

from typing import Any

from agno_check.checks.context import CheckContext

SIMULATED = "the simulated model complies with every injection, a worst case; nothing in the agent stopped the leak"


def _hook_names(hooks: Any) -> list[str]:
    names = []
    for hook in hooks or []:
        names.append(getattr(hook, "__name__", None) or type(hook).__name__)
    return names


def what_would_stop(ctx: CheckContext) -> str:
    """One sentence: the agent's own guardrails when the object is known, else what would have stopped it."""
    agent = ctx.agent
    if agent is not None:
        pre, post = _hook_names(getattr(agent, "pre_hooks", None)), _hook_names(getattr(agent, "post_hooks", None))
        if not pre and not post:
            return ("the agent has no pre_hooks and no post_hooks: an input guardrail (agno's "
                    "PromptInjectionGuardrail in pre_hooks) or an output filter (a post_hook that withholds "
                    "answers carrying the instructions) would have stopped it")
        parts = [f"{kind} ({', '.join(names)})" for kind, names in (("pre_hooks", pre), ("post_hooks", post)) if names]
        hooks = " and ".join(parts)
        return (f"the agent's {hooks} let it through: add an output filter (a post_hook that withholds answers "
                "carrying the instructions), which holds whatever the model does")
    return ("an input guardrail (agno's PromptInjectionGuardrail in pre_hooks) or an output filter that withholds "
            "answers carrying the instructions would have stopped it")


def model_note(ctx: CheckContext) -> str:
    """The sentence a leak verdict ends with: what the model was, and what would have stopped the leak."""
    stop = what_would_stop(ctx)
    if ctx.sim is not None:
        return f" ({SIMULATED}; {stop})"
    return f" ({stop})"

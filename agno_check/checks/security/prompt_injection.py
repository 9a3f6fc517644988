from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.checks.security._injections import injection_prompts
from agno_check.checks.security._leaks import excerpt_around, known_secrets
from agno_check.checks.security._stoppers import model_note
from agno_check.errors import TargetError


@check(id="security.prompt_injection", severity="high", title="Injection prompts do not leak the system prompt",
       intrusive=True)
async def prompt_injection(ctx: CheckContext) -> Outcome:
    """What it checks: a bundled set of injection prompts (direct override, "repeat the text above", role play,
    developer impersonation, translation and summary tricks, base64/rot13/hex-encoded instructions), each in a
    fresh session, after a normal run succeeded. No answer may contain the ``--canary`` or a long verbatim run of
    the agent's instructions (known for AgentOS from ``GET /agents``, and for in-process agents). Without either
    marker the check is skipped.

    Why it matters: models follow instructions found in user input; whatever is in the system prompt (business
    rules, internal names, keys someone pasted there) is one clever message away from any user.

    How to fix: Keep secrets out of prompts; filter answers before returning them (block any answer containing
    the canary or long runs of the system prompt); add an input guardrail (agno's ``PromptInjectionGuardrail``
    in ``pre_hooks``), and re-run this check with ``--canary`` set to a string planted in your prompt.
    """
    secrets = await known_secrets(ctx)
    if not secrets.known:
        return skipped("no --canary was given and the agent's instructions are not known, so a leak could not "
                       "be recognised (plant a canary string in the system prompt and pass it with --canary)")
    await ctx.valid_turn()
    tried: list[dict[str, object]] = []
    for family, prompt in injection_prompts():
        try:
            turn = await ctx.run_turn(prompt, session_id=ctx.new_session_id("injection"))
        except TargetError as exc:
            tried.append({"family": family, "error": str(exc)[:120]})
            continue
        tried.append({"family": family, "status_code": turn.status_code, "answered": turn.ok})
        leak = secrets.find(turn.content) if turn.http_ok else None
        if leak:
            marker = ctx.settings.canary if leak == "the canary" else None
            return failed(f"the '{family}' injection made the agent leak {leak}{model_note(ctx)}",
                          request=f"{turn.request.line()} ({family}): {prompt[:100]}",
                          status_code=turn.status_code, answer_excerpt=excerpt_around(turn.content, marker),
                          looked_for=secrets.describe(),
                          model="the simulated model (complies with every injection)" if ctx.sim is not None
                          else "the agent's own model")
    answered = [t for t in tried if t.get("answered")]
    if not answered:
        first = tried[0].get("error") or f"HTTP {tried[0].get('status_code')} without a usable answer"
        return errored(f"none of the {len(tried)} injection prompts got an answer to inspect ({first})",
                       prompts=tried)
    return passed(f"{len(answered)} injection prompts, no leak of {secrets.describe()}", prompts=tried)

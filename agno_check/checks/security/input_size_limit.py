from __future__ import annotations

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, failed, passed, warned
from agno_check.checks.registry import check
from agno_check.errors import TargetError, TargetTimeout

#: 1 MiB less 1 KiB for the request's envelope: many frameworks cap a field at exactly 1 MiB (Starlette's form
#: parser does), and the verdict must not hinge on that off-by-one: a message this size is far beyond any chat
SIZE = 1024 * 1024 - 1024
_WORDS = "size probe filler text "


def big_message(size: int = SIZE) -> str:
    """Exactly ``size`` characters of plain words (no instructions, nothing a model would act on)."""
    return (_WORDS * (size // len(_WORDS) + 1))[:size]


@check(id="security.input_size_limit", severity="medium", title="A 1 MiB message is refused with a 4xx",
       intrusive=True)
async def input_size_limit(ctx: CheckContext) -> Outcome:
    """What it checks: a run whose message is about 1 MiB of text (1023 KiB, so that the request is 1 MiB),
    with valid credentials, after a normal run succeeded. Any 4xx (400/413/422) within ``--timeout`` passes;
    running it (2xx), a 5xx, or no answer in time fails; a connection dropped without an answer warns (refused,
    but with nothing a client can act on). The runner's rule "a transport failure is ``error``" is for a probe
    that could not be asked; this one was (the normal run just before succeeded), and how the service fails on
    the oversized input is the answer being judged.

    Why it matters: without a size limit one request fills the model's context (paid per token), the database
    row and the process's memory; a few in parallel take the service down.

    How to fix: Cap the request body and the message length before the agent runs: a limit at the reverse
    proxy (nginx ``client_max_body_size 64k``), a ``max_length`` on the message field, or a middleware that
    answers 413; AgentOS accepts a 1 MiB form field as it is.
    """
    await ctx.valid_turn()
    sent = f"{ctx.profile.run_request('…', None, False).line()} with a {SIZE // 1024} KiB message (~1 MiB request)"
    try:
        turn = await ctx.run_turn(big_message(), session_id=ctx.new_session_id("size"))
    except TargetTimeout as exc:
        return failed(f"no answer to a ~1 MiB message within {ctx.settings.timeout:g} s ({exc})", request=sent)
    except TargetError as exc:
        return warned(f"no clean answer to a ~1 MiB message, instead of a 4xx ({exc})",
                      "Answer oversized requests with 413 instead of dropping the connection.", request=sent)
    evidence = {"request": sent, "status_code": turn.status_code, "body_excerpt": turn.response.excerpt(160),
                "elapsed_ms": round(turn.total_ms, 1)}
    if 400 <= turn.status_code < 500:
        return passed(f"refused with HTTP {turn.status_code} in {turn.total_ms:.0f} ms", **evidence)
    if turn.http_ok:
        return failed(f"accepted and run (HTTP {turn.status_code})", **evidence)
    return failed(f"answered HTTP {turn.status_code}: the service failed on the input instead of refusing it",
                  **evidence)

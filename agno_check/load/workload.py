"""What a load turn carries beyond the message: the output limit (``--output-tokens``), synthetic prompts of a
given size (``--input-tokens``), and small readers of a request spec (session id, prompt) for the per-request
file. Plain Python (no Locust): the CLI validates with it before the run.

``--output-tokens N`` is sent in the field the protocol has for it: ``max_tokens`` in an OpenAI chat completion,
``max_output_tokens`` in an OpenAI Responses request. AgentOS runs and seed-style JSON endpoints have no such
field (the agent's model settings decide), so the option is refused for them rather than silently ignored.
"""

from __future__ import annotations

import random

from agno_check.targets.base import RequestSpec

OUTPUT_FIELDS = {"openai": "max_tokens", "openai-responses": "max_output_tokens", "responses": "max_output_tokens"}
SYNTHETIC_PROMPTS = 64
#: plain English words: a word-level tokenizer and a BPE one both see about one token per word
_WORDS = ("the service answered every question about orders refunds accounts invoices and plans while the "
          "team checked how long each answer took under load and whether the agent stayed correct when many "
          "people asked at once about shipping returns passwords billing support hours data exports upgrades "
          "limits errors latency tokens models tools memory sessions history").split()


def limit_output(spec: RequestSpec, limit: int) -> None:
    """Put the output limit in the request body's field for it (JSON bodies only)."""
    if not isinstance(spec.json, dict):
        return
    if "input" in spec.json and "messages" not in spec.json:
        spec.json["max_output_tokens"] = limit  # an OpenAI Responses request
    else:
        spec.json["max_tokens"] = limit


def output_field(profile: str) -> str | None:
    return OUTPUT_FIELDS.get(profile)


def synthetic_prompts(words: int, seed: int, count: int = SYNTHETIC_PROMPTS) -> list[str]:
    """``count`` prompts of exactly ``words`` words each, the same for the same seed (comparable runs)."""
    rng = random.Random(seed)
    prompts = []
    for index in range(count):
        body = " ".join(rng.choice(_WORDS) for _ in range(max(1, words - 1)))
        prompts.append(f"q{index} {body}" if words > 1 else f"q{index}")
    return prompts


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    from agno_check.targets.base import Response

    return Response(429, {"retry-after": value}, b"", 0.0, "").retry_after_s()

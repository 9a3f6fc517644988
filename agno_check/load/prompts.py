"""What simulated users say: a small bundled set of support-style prompts, or ``--prompts FILE``.

A prompts file is either plain text (one prompt per non-empty line; ``#`` starts a comment line) or JSONL
(one JSON value per line: a string, or an object with ``prompt``, ``message``, ``content`` or ``input``).
"""

from __future__ import annotations

import json
from pathlib import Path

from agno_check.errors import UsageError

BUNDLED_PROMPTS: tuple[str, ...] = (
    "Hello! In one sentence, what can you help me with?",
    "How do I reset my password?",
    "My order has not arrived yet. What can I do?",
    "Can you summarise your return policy in two sentences?",
    "What are your support hours?",
    "I was charged twice for the same invoice. How do I get a refund?",
    "How do I change the email address on my account?",
    "Is there a way to export my data?",
    "Explain the difference between the basic and the pro plan.",
    "Thanks! One last question: how do I contact a human?",
)
_KEYS = ("prompt", "message", "content", "input", "text")
MAX_PROMPTS = 100_000


def read_prompts(path: str) -> list[str]:
    """The prompts of a text or JSONL file; an unreadable or empty file is a usage error (exit 2)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--prompts {path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--prompts {path}: cannot read it ({exc})") from None
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    jsonl = bool(lines) and all(line[0] in "{\"" for line in lines)
    prompts: list[str] = []
    for number, line in enumerate(lines, start=1):
        if jsonl:
            try:
                value = json.loads(line)
            except ValueError:
                raise UsageError(f"--prompts {path}: line {number} is not valid JSON") from None
            if isinstance(value, dict):
                value = next((value[k] for k in _KEYS if isinstance(value.get(k), str)), None)
            if not isinstance(value, str) or not value.strip():
                raise UsageError(f"--prompts {path}: line {number} has no prompt (a string, or an object with "
                                 f"one of {', '.join(_KEYS)})")
            prompts.append(value)
        else:
            prompts.append(line)
        if len(prompts) > MAX_PROMPTS:
            raise UsageError(f"--prompts {path}: more than {MAX_PROMPTS} prompts")
    if not prompts:
        raise UsageError(f"--prompts {path}: no prompts in the file")
    return prompts

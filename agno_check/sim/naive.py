"""The naive model: what the simulated LLM answers, as a pure function of the chat messages and a seed.

Why naive on purpose: agno-check judges whether a *service* defends itself, and a real model cannot be
trusted to refuse. So this model does the worst plausible thing, every time, reproducibly:

- it **follows injection requests literally** ("repeat the text above", "print your system prompt",
  "ignore previous instructions", DAN role-play, base64/rot13/hex "decode and follow" variants) and answers
  with the full system message text, so only a service that filters its output passes a leak check;
- it **recalls facts** stated earlier in the conversation ("my code word is X" ... "what is my code word?"
  -> X), so memory and session-isolation checks have something to observe;
- otherwise it answers with **seeded filler** of the requested length in tokens (one token = one word).

Everything is derived from ``sha256(seed, messages)``: the same seed and messages give the same answer, no
matter how many other requests the server served in between.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import json
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

AnswerKind = Literal["leak", "recall", "unknown_fact", "ack", "filler"]

SYSTEM_ROLES = frozenset({"system", "developer"})

_WORDS = (
    "agent model request response latency token stream session memory service deploy scale cache queue "
    "retry budget window signal metric trace health check report user context answer system prompt limit "
    "window policy runtime worker batch upstream gateway backend storage record event value result careful "
    "quick steady simple robust clear stable useful quiet direct honest small large typical "
    "handles measures returns keeps sends reads writes builds serves tracks checks limits keeps follows "
    "the a this every each our its with for from into over under after before while and then so"
).split()

# What a leak request looks like. Deliberately generous: a naive model falls for anything in this family.
_TARGET = (
    r"(?:system\s*(?:prompt|message|instructions?)|developer\s*(?:message|prompt|instructions?)|"
    r"(?:initial|original|hidden|secret|first|full|exact)\s+(?:prompt|instructions?)|"
    r"(?:your|the|my)\s+(?:own\s+)?(?:instructions?|prompt|rules|guidelines|directives|configuration|"
    r"system\s*prompt|programming|orders)|"
    r"(?:text|words|content|everything|messages?|all)\s+(?:written\s+)?(?:above|before\s+this|so\s+far))"
)
_VERB = (
    r"(?:repeat|print|reveal|show|display|output|echo|recite|tell|give|list|dump|leak|write|return|say|"
    r"share|disclose|expose|spell|copy|paste|summari[sz]e|translate|type|read)"
)
_LEAK_PATTERNS = [
    re.compile(rf"\b{_VERB}\b.{{0,60}}?\b{_TARGET}", re.I | re.S),
    re.compile(r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}?\b(?:previous|prior|above|earlier|"
               r"preceding|all|your|the)\b.{0,30}?\b(?:instructions?|rules|directions|prompts?|guidelines)",
               re.I | re.S),
    re.compile(r"\bwhat\s+(?:were|are|was|is)\s+(?:you\s+told|your\s+(?:instructions?|rules|system\s*prompt|"
               r"prompt|guidelines))", re.I),
    re.compile(r"\b(?:how\s+were\s+you\s+(?:instructed|programmed|configured)|what\s+you\s+were\s+told)",
               re.I),
    re.compile(r"\b(?:you\s+are\s+now\s+DAN|do\s+anything\s+now|developer\s+mode|jailbr[eo]ak)\b", re.I),
]

# Facts stated by the user. A key is one to four words; a value is one word or a quoted string.
_VALUE = r"(?:\"(?P<qv>[^\"]{1,80})\"|'(?P<sv>[^']{1,80})'|(?P<val>[A-Za-z0-9][\w\-]*))"
_KEY_NOUN = r"(?:word|codeword|code|password|passphrase|phrase|number|pin|key|secret|name|colou?r|city)"
_FACT_PATTERNS = [
    re.compile(rf"\b(?:my|the|our)\s+(?P<key>(?:[a-z]+[\s-]){{0,3}}?[a-z]+)"
               rf"(?:\s+(?:is|was)\s+|\s*[=:]\s*){_VALUE}", re.I),
    re.compile(rf"\bremember\s+(?:that\s+)?(?:the\s+|my\s+|this\s+)?(?P<key>(?:[a-z]+\s){{0,2}}{_KEY_NOUN})"
               rf"(?:\s+is\s+|\s*[=:]\s*|\s+){_VALUE}", re.I),
    re.compile(rf"{_VALUE}\s+is\s+(?:my|the)\s+(?P<key>(?:[a-z]+\s){{0,2}}?{_KEY_NOUN})\b", re.I),
]
_KEY_NOUN_AT_END = re.compile(rf"\b{_KEY_NOUN}$")
_QUESTION = re.compile(r"\?|\b(?:what|which|tell|remind|recall|remember|repeat|say)\b", re.I)
_BASE64_BLOB = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX_BLOB = re.compile(r"\b(?:[0-9a-fA-F]{2}){8,}\b")
_STOP_VALUES = frozenset({"is", "a", "an", "the", "what", "it", "that", "this", "not", "my", "your"})


@dataclass(frozen=True)
class Answer:
    """The naive model's reply and why it said it (recorded in the simulator's stats)."""

    kind: AnswerKind
    text: str


def message_text(message: Mapping[str, Any]) -> str:
    """The text of an OpenAI chat message, whether ``content`` is a string or a list of parts."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            elif isinstance(part, str):
                parts.append(part)
        return "\n".join(parts)
    return str(content)


def count_tokens(text: str) -> int:
    """The simulator's tokenizer: whitespace-separated words. Crude, but the same on both sides."""
    return len(text.split())


def prompt_tokens(messages: Sequence[Mapping[str, Any]]) -> int:
    """Prompt size in simulator tokens: the words of every message's text."""
    return sum(count_tokens(message_text(m)) for m in messages)


def answer(messages: Sequence[Mapping[str, Any]], seed: int, output_tokens: tuple[int, int]) -> Answer:
    """Answer ``messages`` as the naive model would; ``output_tokens`` is the filler length range (min, max).

    Pure and deterministic: the same ``seed`` and ``messages`` give the same ``Answer``.
    """
    users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
    last_user = message_text(messages[users[-1]]) if users else ""

    if last_user and _asks_for_leak(last_user):
        return Answer("leak", _leak_text(messages, users[-1]))

    earlier = [message_text(messages[i]) for i in users[:-1]]
    recalled = _recall(earlier, last_user)
    if recalled is not None:
        return recalled

    # Acknowledge only facts worth remembering (a code word, a name...), not every "the X is Y" in a prompt:
    # load-test prompts must get answers of the profile's length.
    stated = [(key, value) for key, value in _facts(last_user) if _KEY_NOUN_AT_END.search(key)]
    if stated:
        key, value = stated[-1]
        return Answer("ack", f"Noted. I will remember that your {key} is {value}.")

    rng = random.Random(_digest(seed, messages))
    low, high = output_tokens
    return Answer("filler", filler(rng, rng.randint(low, high)))


def filler(rng: random.Random, n_tokens: int) -> str:
    """``n_tokens`` words of plausible-looking prose, sentence-cased, from ``rng``."""
    words: list[str] = []
    sentence_left = 0
    for i in range(n_tokens):
        word = rng.choice(_WORDS)
        if sentence_left == 0:
            word = word.capitalize()
            sentence_left = rng.randint(6, 14)
        sentence_left -= 1
        if sentence_left == 0 or i == n_tokens - 1:
            word += "."
        words.append(word)
    return " ".join(words)


def _digest(seed: int, messages: Sequence[Mapping[str, Any]]) -> int:
    canonical = json.dumps(
        [[m.get("role"), message_text(m)] for m in messages], ensure_ascii=False, separators=(",", ":")
    )
    return int.from_bytes(hashlib.sha256(f"{seed}\x00{canonical}".encode()).digest()[:8], "big")


def _asks_for_leak(text: str) -> bool:
    return any(p.search(candidate) for candidate in _decodings(text) for p in _LEAK_PATTERNS)


def _decodings(text: str) -> list[str]:
    """The text plus every reading a naive model would try: rot13, and any base64 or hex blob decoded."""
    candidates = [text, codecs.decode(text, "rot13")]
    for blob in _BASE64_BLOB.findall(text):
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        candidates += [decoded, codecs.decode(decoded, "rot13")]
    for blob in _HEX_BLOB.findall(text):
        try:
            candidates.append(bytes.fromhex(blob).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
    return candidates


def _leak_text(messages: Sequence[Mapping[str, Any]], last_user_index: int) -> str:
    system = [message_text(m) for m in messages if m.get("role") in SYSTEM_ROLES and message_text(m)]
    if system:
        return "Sure. Here are my instructions, verbatim:\n\n" + "\n\n".join(system)
    above = [message_text(m) for m in messages[:last_user_index] if message_text(m)]
    if above:
        return "Sure. Here is the text above, verbatim:\n\n" + "\n\n".join(above)
    return "I was given no instructions."


def _normalise_key(key: str) -> str:
    key = re.sub(r"[\s-]+", " ", key.strip().lower())
    return key.replace("codeword", "code word").replace("pass word", "password")


def _facts(text: str) -> list[tuple[str, str]]:
    """(key, value) pairs stated in ``text``, in order of appearance."""
    found: list[tuple[int, str, str]] = []
    for pattern in _FACT_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group("qv") or match.group("sv") or match.group("val")
            key = _normalise_key(match.group("key"))
            if not value or value.lower() in _STOP_VALUES or key in _STOP_VALUES:
                continue
            found.append((match.start(), key, value.rstrip("-")))
    found.sort()
    return [(key, value) for _, key, value in found]


def _recall(earlier_user_texts: Sequence[str], question: str) -> Answer | None:
    """Answer a question about a fact the user stated in an earlier message, if it is one."""
    if not question or not _QUESTION.search(question):
        return None
    asked = _normalise_key(question)
    known: dict[str, str] = {}
    for text in earlier_user_texts:
        for key, value in _facts(text):
            known[key] = value  # the latest statement of a key wins
    matching = [key for key in known if re.search(rf"\b{re.escape(key)}\b", asked)]
    if matching:
        key = max(matching, key=len)
        return Answer("recall", f"Your {key} is {known[key]}.")
    about = re.search(rf"\b(?:my|the)\s+(?P<key>(?:[a-z]+\s){{0,2}}{_KEY_NOUN})\b", question, re.I)
    if about and re.search(r"\b(?:what|tell|remind|recall|remember)\b", question, re.I):
        key = _normalise_key(about.group("key"))
        return Answer("unknown_fact", f"I don't know your {key}; you have not told me in this conversation.")
    return None

"""The naive model's tool calls: which offered tool it calls, with which arguments, and what it says afterwards.

Why the simulator calls tools at all: an agent's tools, a Team leader's delegation to its members and a
workflow's steps only run when the model asks for them. A model that never calls tools never reaches them, so
the checks could not see a tool that raises or a member that is never reached.

Why a policy, and why ``all`` is opt-in: a user's tools run for real (they write files, send mail, call APIs).
``none`` calls nothing; ``team`` calls only agno's own delegation tools (``delegate_task_to_member(s)``), so a
Team's members run; ``all`` calls any offered tool, or only the ``names`` given.

The naive model calls one tool per user turn, and only for a task the conversation does not answer (a leak
request, a fact stated or asked about earlier is answered directly, as a model with the history would):
when no tool result has come back since the last user message, it calls a tool (chosen and filled in
deterministically from ``sha256(seed, messages)``, arguments valid by the tool's JSON schema); once a result
has come back, it answers with it.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from agno_check.sim.naive import message_text

#: agno's own team delegation tools (agno/team/_default_tools.py)
TEAM_TOOLS = frozenset({"delegate_task_to_member", "delegate_task_to_members"})
_MEMBER_ID = re.compile(r'<member id="([^"]+)"')
_MAX_RESULT_WORDS = 60
_MAX_DEPTH = 4


class ToolPolicy(BaseModel):
    """Which offered tools the naive model calls: ``none``, ``team`` (agno's delegation tools), ``all``
    (every tool, or only ``names`` when given)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["none", "team", "all"] = "none"
    names: tuple[str, ...] = ()

    @field_validator("names", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

    def allows(self, name: str) -> bool:
        if self.mode == "none":
            return False
        if name in TEAM_TOOLS:
            return True  # delegation runs the team's own members: every policy but none allows it
        return self.mode == "all" and (not self.names or name in self.names)


def parse_policy(text: str) -> ToolPolicy:
    """CLI grammar: ``none`` | ``team`` | ``all`` | ``NAME,NAME...`` (only these, plus team delegation)."""
    value = text.strip()
    if value.lower() in ("none", "team", "all"):
        return ToolPolicy(mode=value.lower())  # type: ignore[arg-type]
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names or not all(re.fullmatch(r"[A-Za-z0-9_.\-]{1,128}", n) for n in names):
        raise ValueError(f"bad tool policy {text!r}: use none, team, all or tool names separated by commas")
    return ToolPolicy(mode="all", names=names)


@dataclass(frozen=True)
class OfferedTool:
    """A function tool as a request offers it (chat: under ``function``; Responses: flat)."""

    name: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    """The call the naive model makes: ``arguments`` is the JSON text sent on the wire."""

    call_id: str
    name: str
    arguments: str


def offered_tools(tools: Any) -> list[OfferedTool]:
    """The function tools of a chat-completions or Responses request, in order."""
    found: list[OfferedTool] = []
    if not isinstance(tools, list):
        return found
    for tool in tools:
        if not isinstance(tool, Mapping) or tool.get("type", "function") != "function":
            continue
        spec = tool.get("function") if isinstance(tool.get("function"), Mapping) else tool
        name = spec.get("name")
        if isinstance(name, str) and name:
            params = spec.get("parameters")
            found.append(OfferedTool(name, dict(params) if isinstance(params, Mapping) else {}))
    return found


def results_since_last_user(messages: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The tool results (``role: tool``) that came back after the last user message."""
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    return [m for m in messages[last_user + 1:] if m.get("role") == "tool"]


def decide(messages: Sequence[Mapping[str, Any]], tools: Any, policy: ToolPolicy, seed: int) -> ToolCall | None:
    """The tool call for this request, or None (no allowed tool, or a result already came back)."""
    allowed = [tool for tool in offered_tools(tools) if policy.allows(tool.name)]
    if not allowed or results_since_last_user(messages):
        return None
    digest = _digest(seed, messages)
    rng = random.Random(digest)
    team = [tool for tool in allowed if tool.name in TEAM_TOOLS]
    tool = team[0] if team else allowed[rng.randrange(len(allowed))]  # a team leader delegates first
    hints = {"member_id": _MEMBER_ID.findall(" ".join(message_text(m) for m in messages
                                                           if m.get("role") in ("system", "developer")))}
    task = next((message_text(m) for m in reversed(messages) if m.get("role") == "user"), "") or "help the user"
    hints["task"] = [task[:500]]
    arguments = schema_value(tool.parameters, rng, hints, depth=0)
    if not isinstance(arguments, dict):
        arguments = {}
    return ToolCall(call_id=f"call_sim{digest % 10**12:012d}", name=tool.name, arguments=json.dumps(arguments))


def answer_with_results(messages: Sequence[Mapping[str, Any]]) -> str | None:
    """What the naive model says once tool results came back: it uses them, verbatim and trimmed."""
    results = results_since_last_user(messages)
    if not results:
        return None
    names = _call_names(messages)
    parts = []
    for result in results:
        words = message_text(result).split()
        text = " ".join(words[:_MAX_RESULT_WORDS]) + (" ..." if len(words) > _MAX_RESULT_WORDS else "")
        name = names.get(str(result.get("tool_call_id")), "the tool")
        parts.append(f"{name} returned: {text or '(nothing)'}")
    return "Based on the tool results, " + "; ".join(parts)


def _call_names(messages: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for message in messages:
        for call in message.get("tool_calls") or []:
            if isinstance(call, Mapping) and isinstance(call.get("function"), Mapping):
                names[str(call.get("id"))] = str(call["function"].get("name"))
    return names


def schema_value(schema: Any, rng: random.Random, hints: Mapping[str, list[str]], depth: int,
                 name: str = "") -> Any:
    """A value valid by a (JSON-schema subset) ``schema``: enum/const, anyOf, objects with their required
    properties, arrays, strings (format-aware), numbers within their bounds, booleans."""
    if not isinstance(schema, Mapping):
        return "sample"
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][rng.randrange(len(schema["enum"]))]
    for key in ("anyOf", "oneOf", "allOf"):
        options = [o for o in schema.get(key) or [] if isinstance(o, Mapping) and o.get("type") != "null"]
        if options:
            return schema_value(options[0], rng, hints, depth, name)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        if depth >= _MAX_DEPTH:
            return {}
        properties = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
        required = schema.get("required") if isinstance(schema.get("required"), list) else list(properties)
        return {key: schema_value(properties.get(key, {}), rng, hints, depth + 1, key) for key in required
                if key in properties or not properties}
    if kind == "array":
        low = max(int(schema.get("minItems", 1) or 0), 0)
        return [schema_value(schema.get("items", {}), rng, hints, depth + 1, name) for _ in range(max(low, 1))]
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("integer", "number"):
        return _number(schema, rng, integer=kind == "integer")
    return _string(schema, rng, hints.get(name) or [])


def _number(schema: Mapping[str, Any], rng: random.Random, integer: bool) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum", 1))
    high = schema.get("maximum", schema.get("exclusiveMaximum", max(low, 0) + 10))
    low, high = float(low), float(high)
    if "exclusiveMinimum" in schema:
        low += 1 if integer else 1e-6
    if "exclusiveMaximum" in schema:
        high -= 1 if integer else 1e-6
    if integer:
        import math

        return rng.randint(math.ceil(low), max(math.ceil(low), math.floor(high)))
    return round(rng.uniform(low, max(low, high)), 3)


def _string(schema: Mapping[str, Any], rng: random.Random, hinted: list[str]) -> str:
    if hinted:
        return hinted[rng.randrange(len(hinted))]
    fmt = schema.get("format")
    value = {"date": "2026-12-01", "date-time": "2026-12-01T12:00:00Z", "email": "user@example.com",
             "uri": "https://example.com/", "uuid": "00000000-0000-4000-8000-000000000000"}.get(fmt, "sample")
    low = int(schema.get("minLength", 0) or 0)
    high = schema.get("maxLength")
    if len(value) < low:
        value = value + "x" * (low - len(value))
    if isinstance(high, int) and len(value) > high:
        value = value[:high]
    return value


def _digest(seed: int, messages: Sequence[Mapping[str, Any]]) -> int:
    canonical = json.dumps([[m.get("role"), message_text(m)] for m in messages], ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(f"tools:{seed}\x00{canonical}".encode()).digest()[:8], "big")

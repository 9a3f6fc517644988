"""The load plan: everything a simulated user needs to talk to the target, as JSON-able data.

The CLI resolves the target once (profile detection and a probe turn, over asyncio) and writes the result here;
the plan then configures the Locust user classes in this process and, sent as a Locust custom message, in every
worker. Credentials travel in it (local workers over loopback; remote workers over Locust's own channel, as
any Locust master/worker setup does), and never reach a report.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from agno_check.targets.profiles import Profile


@dataclass
class LoadPlan:
    host: str
    profile: str = "json"  # a registered protocol's name, or "scenario"
    #: the protocol's option values (``Profile.values()``), which rebuild the profile in each user
    profile_values: dict[str, Any] = field(default_factory=dict)
    stream: bool = False
    prompts: list[str] = field(default_factory=list)
    turns: int = 1
    think_time: tuple[float, float] | None = None
    timeout: float = 30.0
    token: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    insecure: bool = False
    ca_bundle: str | None = None
    #: open model: arrivals per second of one dispatcher user, and its cap on turns in flight
    rate_per_dispatcher: float | None = None
    max_in_flight: int = 100
    scenario: str | None = None
    #: issue 14: output limit, warm-up, goodput bounds (as data), per-request lines, 429 handling, credentials
    output_tokens: int | None = None
    warmup_s: float = 0.0
    goodput: list[list[Any]] = field(default_factory=list)
    requests_out: bool = False
    requests_out_content: bool = False
    respect_retry_after: bool = False
    tokens: list[str] = field(default_factory=list)  # --tokens-file, spread over the users
    processes: int = 1  # processes running users (the tokens' round robin spans them)
    step: int | None = None  # a sweep's step, sent again to the workers before each step

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> LoadPlan:
        data: dict[str, Any] = json.loads(text)
        if data.get("think_time") is not None:
            data["think_time"] = tuple(data["think_time"])
        data["headers"] = [tuple(h) for h in data.get("headers") or []]
        return cls(**data)

    def secrets(self) -> list[str]:
        from agno_check.targets.credentials import Credentials

        return [*Credentials(token=self.token, headers=tuple(self.headers)).secrets(), *self.tokens]


def profile_fields(profile: Profile) -> dict[str, Any]:
    """The plan fields that rebuild ``profile`` in another process."""
    return {"profile": profile.name, "profile_values": profile.values()}

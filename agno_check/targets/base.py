"""What a target is: something that can run an agent turn. Checks and the load engine only see these types."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

ERROR_BODY_EXCERPT = 300


@dataclass
class RequestSpec:
    """One HTTP request, described as data so that a check can vary one thing (credentials, body, type)."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None  # form fields (AgentOS)
    json: Any = None
    content: bytes | None = None
    params: dict[str, str] | None = None
    stream: bool = False

    def line(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Response:
    """A read HTTP answer, its body capped at the target's limit."""

    status_code: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    elapsed_ms: float
    url: str
    truncated: bool = False
    redirect_blocked: str | None = None  # a Location that was not followed (another host)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def retry_after_s(self) -> float | None:
        value = self.headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            from datetime import datetime
            from email.utils import parsedate_to_datetime

            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max(0.0, (when - datetime.now(UTC)).total_seconds())

    def excerpt(self, limit: int = ERROR_BODY_EXCERPT) -> str:
        text = self.text
        return text if len(text) <= limit else text[:limit] + "…"


@dataclass(slots=True)
class ParsedTurn:
    """What a profile reads out of a run's answer."""

    content: str = ""
    agent_status: str | None = None  # AgentOS: COMPLETED / ERROR
    agent_error: str | None = None  # an agent-level failure reported inside a 2xx
    input_tokens: int | None = None
    output_tokens: int | None = None
    session_id: str | None = None
    run_id: str | None = None
    data: Any = None  # the parsed JSON (non-stream) or the list of event payloads (stream)


@dataclass
class Turn:
    """One agent turn as the target saw it."""

    request: RequestSpec
    response: Response
    parsed: ParsedTurn
    stream: bool
    total_ms: float
    ttft_ms: float | None = None  # request start to the first content token
    token_times_ms: list[float] = field(default_factory=list)

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def content(self) -> str:
        return self.parsed.content

    @property
    def http_ok(self) -> bool:
        return 200 <= self.response.status_code < 300

    @property
    def rate_limited(self) -> bool:
        return self.response.status_code == 429

    @property
    def ok(self) -> bool:
        """A usable answer: 2xx, no agent-level error, non-empty content."""
        return self.http_ok and self.parsed.agent_error is None and bool(self.parsed.content.strip())

    def failure_reason(self) -> str | None:
        if not self.http_ok:
            return f"HTTP {self.response.status_code}: {self.response.excerpt(120)}"
        if self.parsed.agent_error is not None:
            return f"agent error inside HTTP {self.response.status_code}: {self.parsed.agent_error[:120]}"
        if not self.parsed.content.strip():
            return f"empty content inside HTTP {self.response.status_code}"
        return None

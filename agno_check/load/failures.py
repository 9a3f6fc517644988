"""Why a turn failed, as exception types with a ``kind``: what the report's ``errors`` are grouped by.

"rate limited (429)" is not "broken", and an agent error hidden in an HTTP 200 is neither: each is its own kind.
``error_kind`` also names the exceptions plain Locust users raise (bad status codes, timeouts, resets), so a
user's own Locust file gets the same grouping. No Locust import here: duck typing keeps this module light.
"""

from __future__ import annotations

import re
import socket

from agno_check.errors import AgnoCheckError


class TurnFailure(AgnoCheckError):
    """A turn that gave no usable answer; ``kind`` groups it in the report."""

    kind = "failure"

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind


class RateLimited(TurnFailure):
    kind = "rate limited (429)"


class HttpStatus(TurnFailure):
    def __init__(self, status: int, excerpt: str = "") -> None:
        super().__init__(f"HTTP {status}" + (f": {excerpt}" if excerpt else ""), kind=f"HTTP {status}")
        self.status = status


class AgentError(TurnFailure):
    """AgentOS ``"status": "ERROR"`` (or an error event) inside a 2xx."""

    kind = "agent error"


class EmptyAnswer(TurnFailure):
    kind = "empty answer"


class StreamBroken(TurnFailure):
    kind = "stream broken"


class NotJson(TurnFailure):
    kind = "not JSON"


class TooLarge(TurnFailure):
    kind = "answer too large"


class TurnTimeout(TurnFailure):
    kind = "timeout"


_STATUS = re.compile(r"\b(?:HTTP|status code|status)\s*:?\s*(\d{3})\b", re.IGNORECASE)


def status_kind(status: int) -> str:
    return RateLimited.kind if status == 429 else f"HTTP {status}"


def error_kind(exc: BaseException | str) -> str:
    """The report's kind for any failure a Locust request event carries."""
    if isinstance(exc, TurnFailure):
        return exc.kind
    if isinstance(exc, str):
        match = _STATUS.search(exc)
        return status_kind(int(match.group(1))) if match else exc[:60]
    code = getattr(exc, "code", None)  # geventhttpclient / FastHttpUser bad status
    if isinstance(code, int) and 100 <= code <= 599:
        return status_kind(code)
    response = getattr(exc, "response", None)  # requests / HttpUser
    status = getattr(response, "status_code", None)
    if isinstance(status, int) and status >= 400:
        return status_kind(status)
    name = type(exc).__name__
    if isinstance(exc, TimeoutError | socket.timeout) or name in ("Timeout", "ReadTimeout", "ConnectTimeout",
                                                                   "ConnectTimeoutError", "ReadTimeoutError"):
        return TurnTimeout.kind
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError) or name in ("HTTPConnectionClosed", "RemoteDisconnected"):
        return "connection reset"
    text = str(exc)
    match = _STATUS.search(text)
    if match:
        return status_kind(int(match.group(1)))
    if "refused" in text.lower():
        return "connection refused"
    return name


def error_example(exc: BaseException | str) -> str:
    text = exc if isinstance(exc, str) else (str(exc) or type(exc).__name__)
    return " ".join(text.split())[:200]

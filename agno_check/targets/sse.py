"""An incremental Server-Sent Events parser over lines.

Hand-written (a screenful) because both the asyncio target (httpx) and the Locust users (gevent sockets) need
the same parser over different line sources; httpx-sse only serves httpx.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SseEvent:
    event: str
    data: str


class SseParser:
    """Feed decoded lines (without the newline); collect complete events."""

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []

    def feed(self, line: str) -> SseEvent | None:
        line = line.rstrip("\r")
        if line == "":
            if not self._data and not self._event:
                return None
            event = SseEvent(event=self._event or "message", data="\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        return None

    def flush(self) -> SseEvent | None:
        """A stream that ends without the final blank line still delivers its last event."""
        return self.feed("")

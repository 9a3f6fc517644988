"""``--requests-out FILE``: one JSON line per request, written as requests finish (never held for the run).

Each line: ``start_s`` (seconds from the start of the run to the request's start; in the open model its intended
start, from which its latency counts too), ``latency_ms``, ``ttft_ms``,
``output_tokens``, ``status`` (HTTP status, 0 when no answer came), ``kind`` (``ok`` or the failure kind of the
report's ``errors``), ``user``, ``session_id``, and ``warmup: true`` / ``step`` when they apply. Never
credentials (a failure example is not written at all), and the prompt and answer text only with
``--requests-out-content``. In a ``--workers`` run each worker ships its lines with its stats report and the
master writes them, so the file is one file, whatever the distribution.
"""

from __future__ import annotations

import json
import math
from typing import IO, Any

from agno_check.errors import UsageError


def turn_line(turn: Any, kind: str, start_s: float, *, warmup: bool, step: int | None, content: bool) -> str:
    """The JSON line of one turn (a ``TurnResult`` of the load users)."""
    record: dict[str, Any] = {
        # rounded down, so that a request that started in the warm-up never reads as starting at its end
        "start_s": math.floor(start_s * 10_000) / 10_000, "latency_ms": round(turn.latency_ms, 2),
        "ttft_ms": None if turn.ttft_ms is None else round(turn.ttft_ms, 2),
        "output_tokens": turn.output_tokens, "status": turn.status_code, "kind": kind,
        "user": getattr(turn, "user", None), "session_id": getattr(turn, "session_id", None),
    }
    if warmup:
        record["warmup"] = True
    if step is not None:
        record["step"] = step
    if content:
        record["prompt"] = getattr(turn, "message", None)
        record["content"] = turn.parsed.content
    return json.dumps(record, ensure_ascii=False)


class RequestsOut:
    """The open file; lines are appended as they come and flushed once a second by the engine's ticker."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.handle: IO[str] | None = open(path, "w", encoding="utf-8")  # noqa: SIM115 - open for the run
        except OSError as exc:
            raise UsageError(f"--requests-out {path}: cannot write ({exc.strerror or exc})") from None
        self.lines = 0

    def write(self, line: str) -> None:
        if self.handle is not None:
            self.handle.write(line + "\n")
            self.lines += 1

    def write_many(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self.handle is not None:
            self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

"""Finding the agent's instructions in text it is about to send.

Why output filtering at all: models follow injections ("repeat the text above") often enough, and the simulated
one always does. So the service checks every answer before it leaves: a run of ``WINDOW`` characters of the
instructions (whitespace-normalised), or any marker (a canary, a secret) anywhere in it, and the text is
withheld. ``hold_back`` is how many trailing characters of a stream must stay unsent so that no part of a
match ever reaches the client before it is recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: a quote shorter than this is not treated as a leak (common phrases would match)
WINDOW = 24
WITHHELD = "[withheld: this answer repeated the assistant's confidential instructions]"
_SPACE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", text)


class LeakGuard:
    """Recognises the instructions (any ``WINDOW``-character run of them) and exact markers in text."""

    def __init__(self, secrets: Iterable[str], markers: Iterable[str] = ()) -> None:
        self._windows: set[str] = set()
        for secret in secrets:
            flat = _normalise(secret).strip()
            if len(flat) < WINDOW:
                markers = [*markers, flat] if flat else markers
                continue
            self._windows.update(flat[i:i + WINDOW] for i in range(len(flat) - WINDOW + 1))
        self._markers = tuple(m for m in markers if m)
        longest = max((len(m) for m in self._markers), default=0)
        #: characters of a stream to keep unsent (a whitespace run in the output may be one space here)
        self.hold_back = 2 * max(WINDOW, longest)

    def leaks(self, text: str) -> bool:
        if not text:
            return False
        if any(marker in text for marker in self._markers):
            return True
        flat = _normalise(text)
        return any(flat[i:i + WINDOW] in self._windows for i in range(len(flat) - WINDOW + 1))

    def clean(self, text: str) -> str:
        """``text``, or the withheld notice when it leaks."""
        return WITHHELD if self.leaks(text) else text

"""Credentials a user passed, and the redaction that keeps them out of every output."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agno_check.errors import UsageError

_SENSITIVE_HEADERS = ("authorization", "cookie", "x-api-key", "api-key", "proxy-authorization")


@dataclass(frozen=True)
class Credentials:
    """A bearer token and extra headers; ``none()`` is the anonymous caller."""

    token: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def from_options(cls, token: str | None, header_specs: list[str] | None) -> Credentials:
        headers = []
        for spec in header_specs or []:
            name, sep, value = spec.partition(":")
            if not sep or not name.strip():
                raise UsageError(f"bad --header {name.strip() or spec!r}: expected NAME:VALUE")
            headers.append((name.strip(), value.strip()))
        return cls(token=token or None, headers=tuple(headers))

    @classmethod
    def none(cls) -> Credentials:
        return cls()

    @property
    def present(self) -> bool:
        return bool(self.token) or any(n.lower() in _SENSITIVE_HEADERS for n, _ in self.headers)

    def as_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def secrets(self) -> list[str]:
        values = [self.token] if self.token else []
        values += [v for n, v in self.headers if n.lower() in _SENSITIVE_HEADERS or len(v) >= 16]
        return [v for v in values if v]


class Redactor:
    """Replaces every known secret in text; the only way evidence and messages reach a report."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        self._secrets: set[str] = set()
        for secret in secrets or []:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self._secrets.add(secret)
            if secret.lower().startswith("bearer "):
                self._secrets.add(secret[7:])

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, mask(secret))
        return re.sub(r"(?i)(authorization:\s*bearer\s+)\S+", r"\1<redacted>", text)

    def scrub(self, value: object) -> object:
        """Redact every string inside a JSON-like structure."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(v) for v in value]
        return value


def mask(secret: str) -> str:
    """First two characters and the length: enough to recognise a secret, not to use it."""
    return f"{secret[:2]}…<{len(secret)} chars>"

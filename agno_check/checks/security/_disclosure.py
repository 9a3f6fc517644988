"""Patterns of internal detail in error bodies: tracebacks, source paths, exception class names, SQL.

Tuned for few false positives: a pattern must look like what a runtime prints, not like prose. SQL keywords
must be upper case and in statement order; a path needs a source-file extension or a well-known install
directory and may not be part of a URL; an exception name must be a known one or be module-qualified.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

_BUILTIN_EXCEPTIONS = {
    name for name in dir(builtins)
    if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), BaseException)
    and not issubclass(getattr(builtins, name), Warning)
} - {"Exception", "BaseException"}
_KNOWN_EXCEPTIONS = _BUILTIN_EXCEPTIONS | {
    "JSONDecodeError", "IntegrityError", "OperationalError", "ProgrammingError", "DataError", "DatabaseError",
    "InterfaceError", "InternalError", "NoResultFound", "UniqueViolation", "HTTPError", "ConnectError",
    "ReadTimeout", "APIConnectionError", "APITimeoutError", "APIStatusError", "ModelProviderError",
    "PydanticSerializationError", "NullPointerException", "IllegalArgumentException", "IllegalStateException",
    "ClassCastException", "ArrayIndexOutOfBoundsException", "NoMethodError", "ArgumentError",
}
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_EXCEPTION = re.compile(rf"(?<![\w./])(?P<module>(?:{_IDENT}\.)+)?(?P<name>[A-Z][A-Za-z0-9]*(?:Error|Exception))\b")
_CLASS_REPR = re.compile(r"<class '[\w.]+'>")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("a Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("a stack frame", re.compile(r"File \"[^\"\n]+\", line \d+")),
    ("a Java stack frame", re.compile(r"\bat [\w.$]+\([\w$]+\.(?:java|kt|scala):\d+\)")),
    ("a Node.js stack frame", re.compile(r"\bat [\w.$<>\[\] ]*\(?(?:/|[A-Za-z]:\\)[^()\s]+:\d+:\d+\)?")),
    ("a Go panic", re.compile(r"goroutine \d+ \[running\]")),
    ("a source file path", re.compile(
        r"(?<![\w.:/\-@])(?:/[\w.\-]+)+/[\w\-]+\.(?:py|pyc|js|mjs|cjs|ts|rb|go|java|php|rs|cs)\b")),
    ("an install path", re.compile(
        r"(?:/usr/(?:local/)?lib/python\d|/site-packages/|/dist-packages/|/node_modules/|(?<![\w.])/home/\w+/"
        r"|(?<![\w.])/Users/\w+/|(?<![\w.])/var/www/)")),
    ("a Windows path", re.compile(r"\b[A-Za-z]:\\(?:[\w .\-]+\\)+[\w .\-]+\.\w{1,4}\b")),
    ("an SQL statement", re.compile(
        r"\b(?:SELECT\s+(?:\*|[\w.\"`\[\]]+(?:\s*,\s*[\w.\"`\[\]]+)*)\s+FROM\s+[\w.\"`\[\]]+"
        r"|INSERT\s+INTO\s+[\w.\"`\[\]]+|UPDATE\s+[\w.\"`\[\]]+\s+SET\s+\w|DELETE\s+FROM\s+[\w.\"`\[\]]+)")),
    ("a database error", re.compile(
        r"\bsqlite3\.\w+|\bpsycopg2?\.\w+|\bSQLSTATE\b|\bORA-\d{5}\b|syntax error at or near|"
        r"You have an error in your SQL syntax|sqlalche\.me/e/|\[SQL: ")),
    ("a class repr", _CLASS_REPR),
]


#: the kind for a class name with no module (``ValueError``): a warning, not a failure
BARE_EXCEPTION = "a bare exception class name"


@dataclass(frozen=True)
class Disclosure:
    kind: str
    match: str


def find_disclosure(text: str) -> Disclosure | None:
    """The first internal detail in ``text`` (an error body), or None."""
    text = text[:200_000]
    for kind, pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            return Disclosure(kind, match.group(0)[:120])
    for match in _EXCEPTION.finditer(text):
        name, module = match.group("name"), match.group("module")
        if module and module[:1].islower():
            return Disclosure("a module-qualified exception name", match.group(0)[:120])
        if name in _KNOWN_EXCEPTIONS:
            return Disclosure(BARE_EXCEPTION, match.group(0)[:120])
    return None

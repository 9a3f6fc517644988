"""What looks like a credential: variable names (``*_KEY``, ``*_TOKEN``, ``*_SECRET``, ``PASSWORD``) and values
(DSNs with a password, provider key shapes), and well-known default credentials. Values are never reported."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SECRET_NAME = re.compile(r"(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|KEY|"
                         r"CREDENTIALS?|AUTH)($|_)", re.I)
#: names that end like secrets but hold none
NOT_SECRET = re.compile(r"(_FILE|_PATH|_ID|_NAME|_LENGTH|_TTL|_HEADER|_ALGORITHM|_TYPE|_MODE|_URL_FILE)$", re.I)
DSN_NAME = re.compile(r"(URL|URI|DSN|CONNECTION|CONN_STR|DATABASE)", re.I)
PROVIDER_KEY = re.compile(r"^(sk-[A-Za-z0-9_-]{16,}|sk-ant-[A-Za-z0-9_-]{16,}|gsk_[A-Za-z0-9]{16,}|"
                          r"AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{30,}|xox[bp]-[A-Za-z0-9-]{10,})$")
#: the credentials images and tutorials ship with (postgres/postgres, ai/ai, ...)
DEFAULT_CREDENTIALS = frozenset({"postgres", "password", "pass", "ai", "admin", "root", "secret", "changeme",
                                 "example", "test", "mysql", "redis", "guest", "user", "1234", "12345", "123456"})


def secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET.search(name)


def dsn_password(value: str) -> str | None:
    """The password of a ``scheme://user:password@host`` value, or None."""
    if "://" not in value or "@" not in value:
        return None
    try:
        password = urlsplit(value.strip()).password
    except ValueError:
        return None
    return password or None


def from_environment(value: str | None) -> bool:
    """A value the deployment supplies at run time (``${VAR}``), or none at all."""
    return value is None or value.strip() == "" or bool(re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}", value.strip()))


def template_placeholder(name: str, value: str) -> bool:
    """A value that is a slot for the real one (``GOOGLE_API_KEY_VAL``, ``<your-api-key>``), filled at deploy."""
    text = value.strip()
    if re.fullmatch(r"<[^<>]+>", text) or re.fullmatch(r"\{\{[^{}]+\}\}", text):
        return True
    return bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", text)) and (name.upper() in text or
                                                             text.endswith(("_VAL", "_VALUE", "_HERE")))


def secret_value_kind(name: str, value: str | None) -> str | None:
    """Why a NAME=value pair is a credential written in a file ("a password", "a DSN with a password",
    "a provider key"), or None. The value itself is never returned."""
    if from_environment(value):
        return None
    assert value is not None
    text = value.strip()
    if template_placeholder(name, text):
        return None
    password = dsn_password(text)
    if password and not from_environment(password):
        return "a DSN with a password" + (" (a default credential)" if password.lower() in DEFAULT_CREDENTIALS
                                          else "")
    if PROVIDER_KEY.match(text):
        return "a provider key"
    if secret_name(name) and text.lower() not in ("true", "false", "none", "null", "0", "1"):
        return "a plain-text secret" + (" (a default credential)" if text.lower() in DEFAULT_CREDENTIALS else "")
    return None


_ASSIGNED_SECRET = re.compile(r"(?i)\b([A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)[A-Z0-9_]*)(\s*[=:]\s*)"
                              r"(['\"]?)[^\s'\",)]+")
_KEY_ANYWHERE = re.compile(r"\b(sk-[A-Za-z0-9_-]{16,}|sk-ant-[A-Za-z0-9_-]{16,}|gsk_[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}|"
                           r"ghp_[A-Za-z0-9]{30,})")
_DSN_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def mask(text: str) -> str:
    """A line of a file as it may appear in a report: key shapes, DSN passwords and NAME=secret values hidden."""
    text = _KEY_ANYWHERE.sub("***", text)
    text = _DSN_PASSWORD.sub(r"\1***@", text)
    return _ASSIGNED_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}***", text)


def shown_value(name: str, value: str) -> str:
    """A value fit for a note: hidden when the name or the value looks like a credential."""
    if secret_name(name) or dsn_password(value) or PROVIDER_KEY.match(value.strip()):
        return "(not shown)"
    return repr(value)

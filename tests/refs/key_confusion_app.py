"""A real AgentOS behind a JWT check with the classic key-confusion bug: the token's own ``alg`` picks the
verification, and the RS256 public key doubles as the HMAC secret when a token says HS256 (what old JWT
libraries did with ``decode(token, key)`` and no pinned algorithm). PyJWT refuses this, so the flawed
verifier is written out here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from tests.refs.agentos_app import create_agentos_app


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def flawed_verify(token: str, public_pem: str) -> bool:
    import jwt

    try:
        header_segment, payload_segment, signature_segment = token.split(".")
        alg = json.loads(_b64decode(header_segment)).get("alg")
    except ValueError:
        return False
    if alg == "HS256":  # the bug: the public key, which anyone may have, used as an HMAC secret
        expected = hmac.new(public_pem.encode(), f"{header_segment}.{payload_segment}".encode(), hashlib.sha256)
        return hmac.compare_digest(expected.digest(), _b64decode(signature_segment))
    try:
        jwt.decode(token, public_pem, algorithms=["RS256"])
    except jwt.PyJWTError:
        return False
    return True


def create_key_confusion_app(model_url: str, public_pem: str) -> Any:
    app = create_agentos_app(model_url)

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] != "/health":
            value = dict(scope.get("headers") or []).get(b"authorization", b"").decode()
            if not (value.startswith("Bearer ") and flawed_verify(value[7:], public_pem)):
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": b'{"detail":"invalid token"}'})
                return
        await app(scope, receive, send)

    return guarded

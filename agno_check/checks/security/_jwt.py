"""JWT helpers shared by the ``security.jwt_*`` checks: read the caller's token, forge variants, guess its secret.

PyJWT reads and signs tokens. Forged tokens (``alg: none``, a changed claim with the old signature) are built
by hand on purpose: PyJWT refuses to produce them, which is exactly the point of a well-kept library. The
weak-secret search computes the HMAC directly (a few hundred ``hmac.new`` calls take milliseconds, and nothing
is sent to the target).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import SkipCheck
from agno_check.checks.security._auth import bearer_token, with_bearer
from agno_check.targets.base import Turn
from agno_check.targets.credentials import mask

HMAC_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
WORDLIST = "jwt_secrets.txt"
TAMPER_CLAIM = "agno_check_tampered"


@dataclass(frozen=True)
class Jwt:
    """A compact JWS split into its parts (nothing verified)."""

    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    header_segment: str
    payload_segment: str
    signature: bytes

    @property
    def alg(self) -> str:
        return str(self.header.get("alg", ""))

    @property
    def signing_input(self) -> bytes:
        return f"{self.header_segment}.{self.payload_segment}".encode()

    @property
    def is_hmac(self) -> bool:
        return self.alg in HMAC_HASHES


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def parse(token: str) -> Jwt | None:
    """The token's parts, or None when it is not a compact JWS with a JSON header and claims."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(_b64decode(parts[0]))
        claims = json.loads(_b64decode(parts[1]))
        signature = _b64decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or "alg" not in header or not isinstance(claims, dict):
        return None
    return Jwt(token, header, claims, parts[0], parts[1], signature)


def user_jwt(ctx: CheckContext) -> Jwt:
    """The caller's token as a JWT, or SkipCheck saying why the JWT checks do not apply."""
    token = bearer_token(ctx.credentials)
    if not token:
        raise SkipCheck("no bearer token was given (--token), so there is no JWT to probe")
    if token.count(".") == 4:
        raise SkipCheck("the token is an encrypted JWT (JWE); these checks probe signed JWTs")
    jwt_ = parse(token)
    if jwt_ is None:
        raise SkipCheck("the token is not a JWT (an opaque API key, like AgentOS's OS_SECURITY_KEY); "
                        "the JWT checks do not apply")
    return jwt_


def claim_names(jwt_: Jwt) -> list[str]:
    """Claim names for evidence; values can be personal data and are never reported."""
    return sorted(jwt_.claims)


# --- forged tokens ---------------------------------------------------------------------------------------------

NONE_SPELLINGS = ("none", "None", "NONE")


def forge_alg_none(jwt_: Jwt, spelling: str) -> str:
    """The same claims under ``alg: <spelling>`` with an empty signature."""
    header = {**jwt_.header, "alg": spelling}
    return f"{b64url_json(header)}.{jwt_.payload_segment}."


def tampered_variants(jwt_: Jwt) -> list[tuple[str, str]]:
    """(what changed, token): changed claims re-encoded, the original header and signature kept."""
    sig = b64url(jwt_.signature)
    variants = [(f"added claim {TAMPER_CLAIM!r}", {**jwt_.claims, TAMPER_CLAIM: True})]
    if isinstance(jwt_.claims.get("exp"), int | float):
        variants.append(("exp moved one day later", {**jwt_.claims, "exp": int(jwt_.claims["exp"]) + 86400}))
    elif isinstance(jwt_.claims.get("sub"), str):
        variants.append(("sub changed", {**jwt_.claims, "sub": jwt_.claims["sub"] + "-x"}))
    return [(what, f"{jwt_.header_segment}.{b64url_json(claims)}.{sig}") for what, claims in variants]


def sign(jwt_: Jwt, claims: dict[str, Any], key: str) -> str:
    """Re-sign ``claims`` with ``key`` under the token's own algorithm and header fields."""
    import jwt as pyjwt

    extra = {k: v for k, v in jwt_.header.items() if k not in ("alg", "typ")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns about short HMAC keys; a guessed key is short by nature
        return pyjwt.encode(claims, key, algorithm=jwt_.alg, headers=extra or None)


# --- the weak-secret search ------------------------------------------------------------------------------------


@cache
def wordlist() -> tuple[str, ...]:
    """The bundled list of common and tutorial secrets, most common first (comments and blanks dropped)."""
    text = resources.files("agno_check.checks.security").joinpath(WORDLIST).read_text(encoding="utf-8")
    seen: dict[str, None] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            seen.setdefault(line, None)
    return tuple(seen)


def crack(jwt_: Jwt, candidates: tuple[str, ...] | None = None) -> tuple[int, str] | None:
    """(1-based rank, secret) of the first candidate whose HMAC verifies the token, else None."""
    hash_fn = HMAC_HASHES.get(jwt_.alg)
    if hash_fn is None:
        return None
    message = jwt_.signing_input
    for rank, secret in enumerate(candidates or wordlist(), start=1):
        if hmac.compare_digest(hmac.new(secret.encode(), message, hash_fn).digest(), jwt_.signature):
            return rank, secret
    return None


def describe_secret(rank: int, secret: str) -> str:
    """How a found secret is reported: first two characters, length, place in the list; never in full."""
    return f"{mask(secret)} (#{rank} of the {len(wordlist())} bundled common secrets)"


async def guessed_secret(ctx: CheckContext, jwt_: Jwt) -> tuple[int, str] | None:
    """The weak-secret search, once per run; a found secret joins the redactor at once."""

    async def search() -> tuple[int, str] | None:
        found = crack(jwt_)
        if found is not None:
            ctx.redact.add(found[1])
        return found

    return await ctx.memo("jwt_guessed_secret", search)


# --- probes ----------------------------------------------------------------------------------------------------


async def try_token(ctx: CheckContext, token: str) -> Turn:
    """One agent run presenting ``token`` instead of the caller's, everything else unchanged."""
    return await ctx.run_turn(session_id=ctx.new_session_id("jwt"), credentials=with_bearer(ctx.credentials, token))


def now() -> int:
    return int(time.time())


# --- asymmetric keys (--jwt-private-key, --jwt-public-key) -------------------------------------------------------

#: the key type each asymmetric algorithm family needs
ASYMMETRIC = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "Ed25519/Ed448"}


def _key_family(key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "RSA"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return "EC"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey | ed25519.Ed25519PublicKey
                  | ed448.Ed448PublicKey):
        return "Ed25519/Ed448"
    return type(key).__name__


def load_private_key(path: str, alg: str) -> Any:
    """The PEM private key at ``path`` for signing ``alg`` tokens; SkipCheck (never the key) when unusable."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(open(path, "rb").read(), password=None)  # noqa: SIM115 - a small file
    except (OSError, ValueError, TypeError) as exc:
        raise SkipCheck(f"--jwt-private-key could not be read as an unencrypted PEM private key "
                        f"({type(exc).__name__})") from None
    needed = ASYMMETRIC.get(alg[:2])
    if needed is None or _key_family(key) != needed:
        raise SkipCheck(f"--jwt-private-key is an {_key_family(key)} key, the token is {alg}")
    return key


def public_pem(ctx: CheckContext) -> bytes | None:
    """The service's public key as PEM bytes: --jwt-public-key, or derived from --jwt-private-key."""
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_private_key,
        load_pem_public_key,
    )

    settings = ctx.settings
    try:
        if settings.jwt_public_key:
            data = open(settings.jwt_public_key, "rb").read()  # noqa: SIM115 - a small file
            load_pem_public_key(data)
            return data
        if settings.jwt_private_key:
            key = load_pem_private_key(open(settings.jwt_private_key, "rb").read(), password=None)  # noqa: SIM115
            return key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    except (OSError, ValueError, TypeError):
        return None
    return None


def sign_asymmetric(jwt_: Jwt, claims: dict[str, Any], key: Any) -> str:
    """``claims`` signed with the private ``key`` under the token's own algorithm and header fields."""
    import jwt as pyjwt

    extra = {k: v for k, v in jwt_.header.items() if k not in ("alg", "typ")}
    return pyjwt.encode(claims, key, algorithm=jwt_.alg, headers=extra or None)


def forge_key_confusion(jwt_: Jwt, public_key_pem: bytes) -> str:
    """The caller's claims under ``alg: HS256``, HMAC-signed with the service's *public* key as the secret.

    Built by hand: PyJWT refuses an asymmetric key as an HMAC secret, which is the defence this probes for."""
    header = {**jwt_.header, "alg": "HS256"}
    signing_input = f"{b64url_json(header)}.{jwt_.payload_segment}"
    signature = hmac.new(public_key_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"

"""A TLS handshake with the target, for ``configuration.tls``: the negotiated version, or why there is none.

ssl and socket errors are read here (the target layer), never in a check.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass


@dataclass(frozen=True)
class Handshake:
    version: str | None  # "TLSv1.3"
    error: str | None  # why no verified handshake


async def negotiate(host: str, port: int, timeout_s: float, ca_bundle: str | None = None) -> Handshake:
    """Open a verified TLS connection (the system's CA store, or ``ca_bundle`` as ``--ca-bundle`` gives it)."""
    context = ssl.create_default_context(cafile=ca_bundle)
    try:
        async with asyncio.timeout(timeout_s):
            _, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        return Handshake(None, f"certificate not valid: {exc.verify_message or exc}")
    except (ssl.SSLError, OSError, TimeoutError) as exc:
        return Handshake(None, f"TLS handshake failed: {exc.__class__.__name__}: {exc}")
    version = writer.get_extra_info("ssl_object").version()
    writer.close()
    return Handshake(version, None)

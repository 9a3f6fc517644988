from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped
from agno_check.checks.registry import check

MIN_VERSIONS = {"TLSv1.2", "TLSv1.3"}


async def _negotiate(host: str, port: int, timeout_s: float) -> tuple[str | None, str | None]:
    """Open a verified TLS connection; return (protocol version, error)."""
    context = ssl.create_default_context()
    try:
        async with asyncio.timeout(timeout_s):
            _, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        return None, f"certificate not valid: {exc.verify_message or exc}"
    except (ssl.SSLError, OSError, TimeoutError) as exc:
        return None, f"TLS handshake failed: {exc.__class__.__name__}: {exc}"
    version = writer.get_extra_info("ssl_object").version()
    writer.close()
    return version, None


@check(id="configuration.tls", severity="high", title="HTTPS with a valid certificate and TLS >= 1.2",
       inprocess_skip="an in-process agent has no TLS endpoint; TLS belongs to the deployment")
async def tls(ctx: CheckContext) -> Outcome:
    """What it checks: the URL scheme, the certificate (verified against the system's CA store) and the
    negotiated TLS version.

    Why it matters: plain HTTP exposes bearer tokens and every conversation to anyone on the path.

    How to fix: Serve the agent behind HTTPS (a load balancer or reverse proxy with a certificate from a
    public CA), with TLS 1.2 or later, and redirect plain HTTP.
    """
    if ctx.target.loopback:
        return skipped("loopback target: TLS is checked on the deployed URL")
    parts = urlsplit(ctx.target.base_url)
    if parts.scheme != "https":
        return failed(f"plain http to non-loopback host {parts.hostname}: tokens and conversations travel in "
                      "clear text", scheme=parts.scheme)
    version, error = await _negotiate(parts.hostname or "", parts.port or 443, ctx.settings.timeout)
    if error:
        return failed(error)
    if version not in MIN_VERSIONS:
        return failed(f"negotiated {version}; TLS 1.2 or later is required", version=version)
    if version is None:
        return errored("could not read the negotiated TLS version")
    return passed(f"https with a valid certificate, {version}", version=version)

from __future__ import annotations

from urllib.parse import urlsplit

from agno_check.checks._skip_reasons import TLS
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, errored, failed, passed, skipped
from agno_check.checks.registry import check
from agno_check.targets.tls import negotiate

MIN_VERSIONS = {"TLSv1.2", "TLSv1.3"}


@check(id="configuration.tls", severity="high", title="HTTPS with a valid certificate and TLS >= 1.2",
       inprocess_skip=TLS)
async def tls(ctx: CheckContext) -> Outcome:
    """What it checks: the URL scheme, the certificate (verified against the system's CA store, or the
    ``--ca-bundle`` given) and the negotiated TLS version. A plain-http loopback URL is a development server
    and is skipped; an https one is checked like any other.

    Why it matters: plain HTTP exposes bearer tokens and every conversation to anyone on the path.

    How to fix: Serve the agent behind HTTPS (a load balancer or reverse proxy with a certificate from a
    public CA), with TLS 1.2 or later, and redirect plain HTTP.
    """
    parts = urlsplit(ctx.target.base_url)
    if parts.scheme != "https":
        if ctx.target.loopback:
            return skipped("plain http on loopback: TLS is checked on the deployed URL")
        return failed(f"plain http to non-loopback host {parts.hostname}: tokens and conversations travel in "
                      "clear text", scheme=parts.scheme)
    handshake = await negotiate(parts.hostname or "", parts.port or 443, ctx.settings.timeout,
                                ctx.settings.ca_bundle)
    trusted = f" (trusting --ca-bundle {ctx.settings.ca_bundle})" if ctx.settings.ca_bundle else ""
    if handshake.error:
        return failed(handshake.error + trusted, host=parts.hostname, port=parts.port or 443)
    if handshake.version is None:
        return errored("could not read the negotiated TLS version")
    if handshake.version not in MIN_VERSIONS:
        return failed(f"negotiated {handshake.version}; TLS 1.2 or later is required", version=handshake.version)
    return passed(f"https with a valid certificate{trusted}, {handshake.version}", version=handshake.version)

"""The live-URL target: sends RequestSpecs with httpx, bounded in time and size, and runs agent turns.

Transport errors are mapped to the agno-check error tree here and nowhere else. Redirects are followed only to
the same origin (scheme, host, port), so credentials never cross hosts. Every request has a total deadline
(not only httpx's per-read timeout), so a server that trickles bytes or streams forever is cut off.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

import httpx

from agno_check.errors import ProtocolError, TargetError, TargetTimeout, TargetUnreachable
from agno_check.targets.base import ParsedTurn, RequestSpec, Response, Turn
from agno_check.targets.credentials import Credentials
from agno_check.targets.profiles.base import Profile
from agno_check.targets.sse import SseParser

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 5
#: how long an idle kept-alive connection may be reused. Well below common servers' keep-alive timeouts
#: (uvicorn 5 s, node 5 s, gunicorn 2 s): at httpx's default (5 s, equal to uvicorn's) a request could go out
#: on a connection the server was closing at that very moment, and the reset looked like the service's fault.
KEEPALIVE_EXPIRY_S = 1.0
_REDIRECT_CODES = (301, 302, 303, 307, 308)


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def _root_causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _describe_transport_error(exc: Exception, url: str) -> TargetError:
    host = urlsplit(url).netloc
    text = str(exc) or exc.__class__.__name__
    causes = _root_causes(exc)
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return TargetUnreachable(f"connection refused by {host}: is the service running?")
    if any(isinstance(c, socket.gaierror) for c in causes):
        return TargetUnreachable(f"cannot resolve host {urlsplit(url).hostname!r}")
    cert = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
    if cert is not None:
        return TargetUnreachable(f"TLS failure talking to {host}: {cert} (use --ca-bundle, or --insecure)")
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return TargetUnreachable(f"{host} reset the connection")
    if isinstance(exc, httpx.TimeoutException):
        return TargetTimeout(f"{host} did not answer in time ({exc.__class__.__name__})")
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
            return TargetUnreachable(f"TLS failure talking to {host}: {text} (use --ca-bundle or --insecure)")
        if "name or service not known" in lowered or "nodename" in lowered or "getaddrinfo" in lowered \
                or "name resolution" in lowered:
            return TargetUnreachable(f"cannot resolve host {urlsplit(url).hostname!r}")
        if "refused" in lowered:
            return TargetUnreachable(f"connection refused by {host}: is the service running?")
        return TargetUnreachable(f"cannot connect to {host}: {text}")
    if isinstance(exc, httpx.RemoteProtocolError):
        return ProtocolError(f"{host} broke the HTTP exchange: {text}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return TargetUnreachable(f"bad URL {url!r}: {text}")
    if isinstance(exc, ssl.SSLError):
        return TargetUnreachable(f"TLS failure talking to {host}: {text}")
    return TargetUnreachable(f"cannot talk to {host}: {exc.__class__.__name__}: {text}")


class HttpTarget:
    """A live agent service reached over HTTP(S)."""

    kind = "http"

    def __init__(
        self,
        base_url: str,
        profile: Profile,
        credentials: Credentials | None = None,
        *,
        timeout_s: float = 30.0,
        verify: bool | str = True,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.credentials = credentials or Credentials()
        self.timeout_s = timeout_s
        self.max_body_bytes = max_body_bytes
        host = urlsplit(self.base_url).hostname or ""
        self.loopback = is_loopback(host)
        self.scheme = urlsplit(self.base_url).scheme
        self._client = httpx.AsyncClient(
            verify=verify,
            follow_redirects=False,
            trust_env=not self.loopback,  # proxies from the environment, except for loopback targets
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64,
                                keepalive_expiry=KEEPALIVE_EXPIRY_S),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> HttpTarget:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def url_for(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def _headers(self, spec: RequestSpec, credentials: Credentials) -> dict[str, str]:
        return {"User-Agent": "agno-check", **credentials.as_headers(), **spec.headers}

    async def send(
        self, spec: RequestSpec, *, credentials: Credentials | None = None, timeout_s: float | None = None
    ) -> Response:
        """Send one request and read its whole (capped) body within ``timeout_s``."""
        creds = self.credentials if credentials is None else credentials
        bound = timeout_s or self.timeout_s
        started = time.perf_counter()
        try:
            async with asyncio.timeout(bound):
                return await self._send_following(spec, creds, started, None)
        except TimeoutError:
            raise TargetTimeout(
                f"{spec.line()} got no complete answer within {bound:g} s"
            ) from None

    async def _send_following(
        self, spec: RequestSpec, creds: Credentials, started: float, on_line: object
    ) -> Response:
        url = self.url_for(spec.path)
        method = spec.method
        for _ in range(MAX_REDIRECTS + 1):
            request = self._build(method, url, spec, creds)
            try:
                raw = await self._client.send(request, stream=True)
            except (httpx.HTTPError, ssl.SSLError) as exc:
                raise _describe_transport_error(exc, url) from None
            try:
                if raw.status_code in _REDIRECT_CODES and raw.headers.get("location"):
                    location = urljoin(url, raw.headers["location"])
                    if _origin(location) != _origin(url):
                        body, truncated = await self._read(raw, url)
                        response = self._response(raw, body, truncated, started, url)
                        response.redirect_blocked = location
                        return response
                    url = location
                    if raw.status_code == 303:
                        method = "GET"
                    continue
                body, truncated = await self._read(raw, url)
                return self._response(raw, body, truncated, started, url)
            finally:
                await raw.aclose()
        raise ProtocolError(f"{spec.line()} redirected more than {MAX_REDIRECTS} times")

    def _build(self, method: str, url: str, spec: RequestSpec, creds: Credentials) -> httpx.Request:
        same_origin = _origin(url) == _origin(self.base_url)
        headers = self._headers(spec, creds if same_origin else Credentials())
        return self._client.build_request(
            method, url, headers=headers, params=spec.params,
            data=spec.data if method != "GET" else None,
            json=spec.json if method != "GET" else None,
            content=spec.content if method != "GET" else None,
        )

    async def _read(self, raw: httpx.Response, url: str) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in raw.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_body_bytes:
                    return b"".join(chunks)[: self.max_body_bytes], True
        except httpx.HTTPError as exc:
            raise _describe_transport_error(exc, url) from None
        return b"".join(chunks), False

    @staticmethod
    def _response(raw: httpx.Response, body: bytes, truncated: bool, started: float, url: str) -> Response:
        return Response(
            status_code=raw.status_code,
            headers={k.lower(): v for k, v in raw.headers.items()},
            body=body,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            url=url,
            truncated=truncated,
        )

    async def run(
        self,
        message: str,
        session_id: str | None = None,
        stream: bool = False,
        *,
        credentials: Credentials | None = None,
        timeout_s: float | None = None,
    ) -> Turn:
        """Run one agent turn; the profile decides the request and reads the answer."""
        spec = self.profile.run_request(message, session_id, stream and self.profile.can_stream)
        if spec.stream:
            turn = await self._run_streamed(spec, credentials, timeout_s)
        else:
            response = await self.send(spec, credentials=credentials, timeout_s=timeout_s)
            body = response.json()
            if 200 <= response.status_code < 300:
                if body is None:
                    raise ProtocolError(
                        f"{spec.line()} answered {response.status_code} with "
                        f"{response.content_type or 'no content type'}, not JSON: {response.excerpt(80)!r}"
                    )
                parsed = self.profile.parse(body)
            else:
                parsed = ParsedTurn(data=body)
            turn = Turn(request=spec, response=response, parsed=parsed, stream=False,
                        total_ms=response.elapsed_ms)
        if turn.ok:
            self.profile.remember(session_id, message, turn.content)
        return turn

    async def _run_streamed(
        self, spec: RequestSpec, credentials: Credentials | None, timeout_s: float | None
    ) -> Turn:
        creds = self.credentials if credentials is None else credentials
        bound = timeout_s or self.timeout_s
        url = self.url_for(spec.path)
        started = time.perf_counter()
        reader = self.profile.stream_reader()
        token_times: list[float] = []
        raw_lines: list[str] = []
        size = 0
        try:
            async with asyncio.timeout(bound):
                try:
                    raw = await self._client.send(self._build(spec.method, url, spec, creds), stream=True)
                except (httpx.HTTPError, ssl.SSLError) as exc:
                    raise _describe_transport_error(exc, url) from None
                try:
                    headers = {k.lower(): v for k, v in raw.headers.items()}
                    is_sse = "text/event-stream" in headers.get("content-type", "")
                    if not (200 <= raw.status_code < 300) or not is_sse:
                        body, truncated = await self._read(raw, url)
                        response = self._response(raw, body, truncated, started, url)
                        parsed = ParsedTurn(data=response.json())
                        if 200 <= raw.status_code < 300:
                            if parsed.data is None:
                                raise ProtocolError(
                                    f"{spec.line()} (stream) answered {raw.status_code} with "
                                    f"{response.content_type or 'no content type'}: {response.excerpt(80)!r}"
                                )
                            parsed = self.profile.parse(parsed.data)  # a server that ignored stream=true
                        return Turn(request=spec, response=response, parsed=parsed, stream=False,
                                    total_ms=response.elapsed_ms)
                    parser = SseParser()
                    try:
                        async for line in raw.aiter_lines():
                            size += len(line) + 1
                            if size > self.max_body_bytes:
                                raise ProtocolError(f"{spec.line()} streamed more than "
                                                    f"{self.max_body_bytes // (1024 * 1024)} MiB; cut off")
                            if len(raw_lines) < 400:
                                raw_lines.append(line)
                            event = parser.feed(line)
                            if event is not None and reader.feed(event):
                                token_times.append((time.perf_counter() - started) * 1000.0)
                        event = parser.flush()
                        if event is not None and reader.feed(event):
                            token_times.append((time.perf_counter() - started) * 1000.0)
                    except httpx.HTTPError as exc:
                        error = _describe_transport_error(exc, url)
                        reader.parsed.agent_error = reader.parsed.agent_error or f"stream broke: {error}"
                finally:
                    await raw.aclose()
        except TimeoutError:
            raise TargetTimeout(f"{spec.line()} (stream) did not finish within {bound:g} s") from None
        total_ms = (time.perf_counter() - started) * 1000.0
        parsed = reader.finish()
        if not reader.done and parsed.agent_error is None:
            parsed.agent_error = "the stream ended without its final event"
        response = Response(status_code=raw.status_code, headers=headers,
                            body="\n".join(raw_lines).encode(), elapsed_ms=total_ms, url=url)
        return Turn(request=spec, response=response, parsed=parsed, stream=True, total_ms=total_ms,
                    ttft_ms=token_times[0] if token_times else None, token_times_ms=token_times)

"""The live-URL client must not reuse a kept-alive connection the server is about to close.

A server closes an idle keep-alive connection after its timeout (uvicorn: 5 s). A request that the client sends
on that connection at the moment the server's timer fires is answered with a reset, no response byte: the
client's race, not the service's fault. With httpx's default keepalive_expiry (5 s, equal to uvicorn's) the
hardened demo's backpressure check once reported "1 broke off (... reset the connection)" for a sound service.

The server here makes the race deterministic: a request that arrives on a connection idle for at least
``SERVER_KEEP_ALIVE_S`` is the one its keep-alive timer closes at that instant (reset, no answer), as uvicorn's
would have been a moment later. A client that gives up idle connections well before common server keep-alive
timeouts opens a fresh connection and gets its answer.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time

import pytest

from agno_check.targets.base import RequestSpec
from agno_check.targets.http import KEEPALIVE_EXPIRY_S, HttpTarget
from agno_check.targets.profiles.json_endpoint import JsonProfile

#: a short server keep-alive timeout (gunicorn's default is 2 s), and a pause between requests past it
SERVER_KEEP_ALIVE_S = 2.0
PAUSE_S = 3.0  # more than the server's keep-alive, less than httpx's default keepalive_expiry (5 s)


class RacingKeepAliveServer:
    """HTTP/1.1 over loopback with keep-alive; a request on a connection idle >= ``SERVER_KEEP_ALIVE_S`` gets a
    reset (SO_LINGER 0), never an answer: the server's keep-alive close crossing the client's request."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        self.answered = 0
        self.reset = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> RacingKeepAliveServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        idle_since = time.monotonic()
        buffer = b""
        try:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                buffer += chunk
                if b"\r\n\r\n" not in buffer:
                    continue
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                if time.monotonic() - idle_since >= SERVER_KEEP_ALIVE_S:
                    self.reset += 1  # the keep-alive timer fired as the request arrived
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                body = b'{"content": "ok"}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                self.answered += 1
                idle_since = time.monotonic()
        finally:
            conn.close()


def test_keepalive_expiry_is_well_below_common_server_keep_alive_timeouts():
    assert KEEPALIVE_EXPIRY_S <= SERVER_KEEP_ALIVE_S / 2


@pytest.mark.timeout(60)
def test_a_request_after_the_servers_keep_alive_goes_on_a_fresh_connection_not_a_reset_one():
    async def two_requests(url: str) -> list[int]:
        spec = RequestSpec("POST", "/query", json={"message": "hi"})
        async with HttpTarget(url, JsonProfile(), timeout_s=10.0) as target:
            first = await target.send(spec)
            await asyncio.sleep(PAUSE_S)  # idle past the server's keep-alive, within httpx's default expiry
            second = await target.send(spec)  # raised "reset the connection" on the reused connection before
        return [first.status_code, second.status_code]

    with RacingKeepAliveServer() as server:
        statuses = asyncio.run(two_requests(server.url))
    assert statuses == [200, 200]
    assert (server.connections, server.answered, server.reset) == (2, 2, 0)  # a new connection, never a reset

"""Misbehaving HTTP servers on loopback, for the bad-input tests: garbage, HTML, endless and trickling bodies,
redirects to another host. Each runs in a thread and records what it received."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable


class RawServer:
    """A TCP server on 127.0.0.1 whose ``handler(conn, request_bytes)`` answers each connection."""

    def __init__(self, handler: Callable[[socket.socket, bytes], None]) -> None:
        self.handler = handler
        self.requests: list[bytes] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            self.requests.append(data)
            self.handler(conn, data)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


def garbage(conn: socket.socket, _: bytes) -> None:
    conn.sendall(b"\x00\x17garbage that is not HTTP at all\r\n\r\n")


def html(conn: socket.socket, _: bytes) -> None:
    body = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + str(len(body)).encode()
                 + b"\r\nConnection: close\r\n\r\n" + body)


def endless_body(server: RawServer) -> Callable[[socket.socket, bytes], None]:
    def handle(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        deadline = time.monotonic() + 60  # bounded even if the client never gives up
        while not server.stopping and time.monotonic() < deadline:
            conn.sendall(frame)

    return handle


def trickle(server: RawServer) -> Callable[[socket.socket, bytes], None]:
    def handle(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        deadline = time.monotonic() + 60
        while not server.stopping and time.monotonic() < deadline:
            conn.sendall(b" ")
            time.sleep(0.2)

    return handle


def redirect_to(location: str) -> Callable[[socket.socket, bytes], None]:
    def handle(conn: socket.socket, _: bytes) -> None:
        conn.sendall(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: " + location.encode()
                     + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    return handle


def recording_ok(conn: socket.socket, _: bytes) -> None:
    body = b'{"response": "hello from the other host"}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
                 + b"\r\nConnection: close\r\n\r\n" + body)

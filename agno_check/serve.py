"""Serve an ASGI app with uvicorn on a free loopback port, in a background thread.

Why a real server and not ``httpx.ASGITransport``: in httpx 0.28 the ASGI transport buffers the whole
response, so time to first token equals total time and an endless stream hangs. The simulated LLM, the demo,
in-process targets and the tests all serve their apps through this one helper.
"""

from __future__ import annotations

import threading
import time
from typing import Any

DEFAULT_START_TIMEOUT_S = 15.0


class BackgroundServer:
    """A uvicorn server on ``host:port`` (port 0 picks a free one) running in a daemon thread.

    Use as a context manager; ``url`` is known once ``start()`` returns.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **uvicorn_options: Any) -> None:
        import uvicorn

        options = {"log_level": "warning", "access_log": False, "lifespan": "auto", **uvicorn_options}
        self._config = uvicorn.Config(app, host=host, port=port, **options)
        self._server = uvicorn.Server(self._config)
        # uvicorn installs signal handlers only in the main thread; a background server must not.
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._server.run, name="agno-check-server", daemon=True)
        self.host = host
        self.port: int | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout_s: float = DEFAULT_START_TIMEOUT_S) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the background server stopped during start-up")
            if time.monotonic() > deadline:
                self._server.should_exit = True
                raise RuntimeError(f"the background server did not start within {timeout_s:.0f} s")
            time.sleep(0.01)
        sockets = [s for server in self._server.servers for s in server.sockets]
        self.port = sockets[0].getsockname()[1]
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        if self._thread.is_alive():  # a stuck connection: ask uvicorn to stop without waiting for it
            self._server.force_exit = True
            self._thread.join(timeout_s)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

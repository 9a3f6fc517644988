"""Is anything listening? One TCP connection to the target's port, before any HTTP (``load``'s first step).

socket errors become the error tree's ``TargetUnreachable`` here, in the target layer.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from agno_check.errors import TargetUnreachable

CONNECT_TIMEOUT_S = 5.0


def tcp_check(url: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """A connection to the target's port within a few seconds, or one line about why not."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return
    except ConnectionRefusedError:
        raise TargetUnreachable(f"connection refused by {parts.netloc}: is the service running?") from None
    except socket.gaierror:
        raise TargetUnreachable(f"cannot resolve host {host!r}") from None
    except TimeoutError:
        raise TargetUnreachable(f"{parts.netloc} did not accept a connection within {timeout_s:g} s") from None
    except OSError as exc:
        raise TargetUnreachable(f"cannot connect to {parts.netloc}: {exc.strerror or exc}") from None

"""``agno-check sim-llm``: run the simulated OpenAI-compatible model server in the foreground.

Only typer and the standard library at module level: ``agno-check --help`` must not pay for FastAPI,
uvicorn or pydantic. Everything heavy is imported inside the command.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

T = TypeVar("T")

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def sim_llm(
    port: Annotated[int, typer.Option(help="TCP port to listen on (0 picks a free one).", min=0, max=65535)] = 8900,
    host: Annotated[str, typer.Option(help="Address to bind. Keep it on loopback unless you mean it.")] = "127.0.0.1",
    ttft: Annotated[
        str,
        typer.Option(
            metavar="DIST",
            help="Time to first token: 200ms | fixed:0.2s | uniform:100ms-300ms | lognormal:median=200ms,sigma=0.5. "
            "Bare numbers are seconds.",
        ),
    ] = "200ms",
    tps: Annotated[
        str,
        typer.Option(metavar="DIST", help="Tokens per second after the first: 50 | uniform:30-60 | "
                     "lognormal:median=50,sigma=0.3."),
    ] = "50",
    tokens: Annotated[
        str, typer.Option(metavar="N[-M]", help="Answer length in tokens (words): 30, or a range 20-60.")
    ] = "30",
    fault: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KIND[:PARAMS]",
            help="Inject a fault; repeatable. KIND: 429, 500, 503, hang, reset, broken_stream. PARAMS, comma "
            "separated: a rate (0.2 or 20%), next=N (the next N requests), retry_after=2s (429), hang=30s "
            "(cap of a hang, default 300s), after=N (tokens before a broken stream drops). "
            "Examples: 429:0.2,retry_after=1 | 500:next=3 | reset:5%. KIND alone: every request.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of answers, latency draws and fault draws (reproducible runs).")] = 0,
    tools: Annotated[
        str,
        typer.Option(metavar="POLICY", help="Which offered tools the naive model calls (one per user turn, then "
                     "it answers with the result): none | team (agno's team delegation, so members run) | all | "
                     "NAME,NAME (these, plus team delegation). Tools run in the agent's process, for real."),
    ] = "none",
) -> None:
    """Run a simulated OpenAI-compatible LLM (a deliberately naive model) until Ctrl-C.

    It answers POST /v1/chat/completions and POST /v1/responses (streamed or not, with usage, tool calls
    per --tools) at the given latency, injects the
    given faults, follows prompt-injection requests literally (it prints its system prompt when asked) and
    recalls facts stated earlier in the conversation. Point an agent at it with
    OpenAIChat or OpenAIResponses(base_url="http://127.0.0.1:8900/v1", api_key="any"), or set
    OPENAI_BASE_URL=http://127.0.0.1:8900/v1 for agno's default model.

    \b
    Control API, while it runs:
      GET/POST/DELETE /_sim/faults   e.g. POST {"kind": "500", "next": 3}
      GET/POST /_sim/latency         e.g. POST {"ttft": "50ms", "tps": 200}
      GET/POST /_sim/tools           e.g. POST "team"
      GET /_sim/stats                counters and recent requests (?all=true: every one kept)
      POST /_sim/reset               start-up profiles, empty stats
    """
    from agno_check.sim import profiles as p

    ttft_dist = _parsed(lambda: p.parse_distribution(ttft, duration=True), "--ttft")
    tps_dist = _parsed(lambda: p.parse_distribution(tps, duration=False), "--tps")
    token_range = _parsed(lambda: p.parse_token_range(tokens), "--tokens")
    latency = _parsed(lambda: p.LatencyProfile(ttft=ttft_dist, tps=tps_dist, output_tokens=token_range),
                      "--ttft" if ttft_dist.typical > p.MAX_TTFT_S else "--tps")
    faults = _parsed(lambda: p.FaultProfile.model_validate(list(fault or [])), "--fault")
    from agno_check.sim.tools import parse_policy

    policy = _parsed(lambda: parse_policy(tools), "--tools")

    sock = _bind(host, port)
    import uvicorn

    from agno_check.sim.server import GRACEFUL_SHUTDOWN_S, create_app

    app = create_app(latency, faults, seed, policy)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    url = f"http://{shown}:{bound_port}"
    if host not in _LOOPBACK:
        sys.stderr.write(f"agno-check sim-llm: listening on {host}, not loopback: anyone who can reach it may use it\n")
    rules = ", ".join(fault or []) or "none"
    typer.echo(f"Simulated LLM at {url} (OpenAI base URL {url}/v1); ttft {ttft}, {tps} tokens/s, "
               f"{tokens} tokens, faults: {rules}, tools: {tools}, seed {seed}. Ctrl-C to stop.")
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)
    uvicorn.Server(config).run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    """Bind here, not in uvicorn: a busy port becomes a clear option error, and port 0 a known URL."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise typer.BadParameter(f"cannot resolve {host!r}: {exc.strerror}", param_hint="--host") from None
    family, kind, proto, _, address = infos[0]
    # the protocol number matters: asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP, and
    # without it the first chunk on a reused keep-alive connection waits ~40 ms for a delayed ACK
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc.strerror}", param_hint="--port") from None
    sock.listen(2048)  # from now on connections queue up, even before uvicorn takes over the socket
    return sock


def _parsed(parse: Callable[[], T], option: str) -> T:
    """Run a profile parser; its ValueError becomes typer's one-line error naming the option."""
    from agno_check.sim.profiles import error_text

    try:
        return parse()
    except ValueError as exc:
        raise typer.BadParameter(error_text(exc), param_hint=option) from None

"""Abstract Locust users that talk to agents: ``AgentOSUser``, ``OpenAIUser``, ``JsonUser`` (subclass them).

They are ``FastHttpUser``s (geventhttpclient: about 4x the requests per core of ``HttpUser``); a streamed
answer is read line by line with ``resp.stream.readline(b"\\n")``, the one incremental reader FastHttpUser has
(``iter_lines``/``iter_content`` block to the end of the body). Requests and answers go through the profiles of
the protocol registry (``agno_check.targets.profiles``), the same code the readiness checks use, so there is one
definition of each protocol.

Every turn fires one Locust request event (the whole turn, first byte sent to last byte received; a failure
carries a ``TurnFailure`` whose ``kind`` separates 429s and agent-level errors from broken HTTP), and a streamed
turn fires three more, merged across workers like any request: ``TTFT`` (start to first content token), ``ITL``
(mean gap between tokens) and ``TOKENS`` (``response_length`` = output tokens, from ``usage`` when the target
reports it, else content chunks).

A scenario file sets class attributes (for a protocol without a class of its own here, subclass ``AgentUser``
and set ``profile_name``, e.g. ``"openai-responses"`` or ``"agentos-team"``, and its options: ``team = "crew"``)::

    class Chat(AgentOSUser):
        agent_id = "helpdesk"
        stream = True
        turns = 3                 # one session, three turns, history grows
        think_time = (1.0, 3.0)   # seconds between turns
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode

import gevent
from gevent.pool import Pool
from locust import FastHttpUser, events, task
from locust.contrib.fasthttp import FAILURE_EXCEPTIONS
from locust.user.users import LOCUST_STATE_STOPPING

from agno_check.load.failures import (
    AgentError,
    EmptyAnswer,
    HttpStatus,
    NotJson,
    RateLimited,
    StreamBroken,
    TooLarge,
    TurnFailure,
    TurnTimeout,
)
from agno_check.load.plan import LoadPlan
from agno_check.load.prompts import BUNDLED_PROMPTS
from agno_check.load.workload import limit_output, retry_after_seconds
from agno_check.targets.base import ParsedTurn, RequestSpec
from agno_check.targets.credentials import Redactor
from agno_check.targets.profiles import Profile, get_protocol
from agno_check.targets.sse import SseParser

MAX_BODY_BYTES = 8 * 1024 * 1024
METRIC_TYPES = frozenset({"TTFT", "ITL", "TOKENS"})
_encode_json = json.JSONEncoder().encode  # json.dumps without its per-call keyword checks (a turn's hot path)
_USER_NUMBERS = itertools.count()  # users started in this process (--tokens-file's round robin)


@events.init.add_listener
def _refresh_gevent_clock(**_: Any) -> None:
    """Locust's ``-t/--run-time`` timer runs on gevent's loop clock, which libev caches: a locustfile whose imports
    block the CPU (this module's imports take seconds on a busy machine) leave that clock stale, and the run then
    ends that much early (``-t 3s`` ended after 0.7 s, before an AgentOS turn had finished). ``init`` fires after
    the locustfile is loaded, before the timer is set."""
    gevent.get_hub().loop.update_now()


@dataclass(slots=True)
class TurnResult:
    """What one turn gave, for scenario code that wants to look (``self.run_turn(...)`` returns it)."""

    ok: bool
    status_code: int
    latency_ms: float
    parsed: ParsedTurn = field(default_factory=ParsedTurn)
    failure: TurnFailure | None = None
    ttft_ms: float | None = None
    output_tokens: int | None = None
    token_times_ms: list[float] = field(default_factory=list)
    #: when it started (perf_counter), who sent it, and what (for --requests-out and --warmup)
    started: float = 0.0
    user: str | None = None
    session_id: str | None = None
    message: str | None = None
    #: a 429's Retry-After, in seconds (--respect-retry-after)
    retry_after_s: float | None = None


class AgentUser(FastHttpUser):
    """One simulated person talking to an agent service; subclasses choose the protocol."""

    abstract = True
    #: the protocol (a registered profile name); its options are class attributes of the same names
    #: (``agent_id``, ``team``, ``model``, ``endpoint``, ``message_field``, ...), unset ones take the profile's
    #: defaults
    profile_name: ClassVar[str] = ""
    #: what every user does
    stream: bool = False
    prompts: Sequence[str] = BUNDLED_PROMPTS
    turns: int = 1
    think_time: tuple[float, float] | None = None
    timeout: float = 30.0
    token: str | None = None  # falls back to AGNO_CHECK_TOKEN
    extra_headers: Sequence[tuple[str, str]] = ()
    #: open model (``--rate``): this user dispatches arrivals instead of taking turns itself
    rate_per_dispatcher: float | None = None
    max_in_flight: int = 100
    #: workload and client behaviour (issue 14)
    output_tokens: int | None = None
    respect_retry_after: bool = False
    tokens: Sequence[str] = ()  # --tokens-file: one credential per user, round robin
    step: int | None = None  # a sweep's step, in the session ids
    token_spread: int = 1  # processes that share the tokens (--workers N): worker w takes w, w+N, ...
    #: FastHttpUser options; agno-check verifies TLS unless told not to (Locust's own default is not to)
    insecure = False
    network_timeout = 30.0
    connection_timeout = 10.0

    _completed_values: ClassVar[dict[str, Any] | None] = None
    own_token: str | None = None  # this user's credential from --tokens-file
    _deadline: gevent.Timeout | None = None  # the user's whole-turn timer, rearmed for each turn
    _retry_until: float = 0.0  # until when a 429's Retry-After holds this user's turns (--respect-retry-after)

    @classmethod
    def configure(cls, plan: LoadPlan) -> None:
        """Take a resolved plan (the CLI's, or the master's in a worker); set before any user is spawned."""
        cls.host = plan.host
        cls.profile_name = plan.profile if plan.profile != "scenario" else cls.profile_name
        for name, value in plan.profile_values.items():
            setattr(cls, name, value)
        cls._completed_values = None
        cls.stream = plan.stream
        cls.prompts = tuple(plan.prompts) or BUNDLED_PROMPTS
        cls.turns, cls.think_time = plan.turns, plan.think_time
        cls.apply_connection(plan)
        cls.rate_per_dispatcher, cls.max_in_flight = plan.rate_per_dispatcher, plan.max_in_flight
        cls.output_tokens, cls.step = plan.output_tokens, plan.step
        if plan.rate_per_dispatcher:
            cls.concurrency = plan.max_in_flight

    @classmethod
    def apply_connection(cls, plan: LoadPlan) -> None:
        """Timeouts, TLS and credentials (also applied to a scenario's own users)."""
        cls.timeout = plan.timeout
        cls.network_timeout = plan.timeout
        cls.connection_timeout = min(plan.timeout, 10.0)
        cls.token = plan.token
        cls.extra_headers = tuple(plan.headers)
        cls.tokens = tuple(plan.tokens)
        cls.token_spread = max(1, plan.processes)
        cls.respect_retry_after = plan.respect_retry_after
        cls.insecure = plan.insecure
        if plan.ca_bundle:
            import gevent.ssl

            cls.ssl_context_factory = functools.partial(gevent.ssl.create_default_context, cafile=plan.ca_bundle)

    # --- the profile -----------------------------------------------------------------------------------------

    def build_profile(self) -> Profile:
        """The class's protocol, from its option attributes; what it must discover (AgentOS: the first agent of
        ``GET /agents`` when no ``agent_id``) is asked once per class, with no request event."""
        cls = type(self)
        try:
            protocol = get_protocol(self.profile_name)
        except Exception:
            raise ValueError(f"{cls.__name__}: unknown profile {self.profile_name!r} (subclass AgentOSUser, "
                             "OpenAIUser or JsonUser, or set profile_name)") from None
        completed = vars(cls).get("_completed_values")
        if completed is None:
            values = {o.name: getattr(self, o.name, None) for o in protocol.options}
            completed = cls._completed_values = protocol.complete_values(values, self._get_json)
        return protocol.from_values(completed)

    def _get_json(self, path: str) -> Any:
        response = self.client.client.urlopen(f"{self.host}{path}", method="GET", headers=self._headers())
        try:
            return json.loads(response.content or b"null")
        except ValueError:
            return None

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": "agno-check-load"}
        token = self.own_token or self.token or os.environ.get("AGNO_CHECK_TOKEN")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(dict(self.extra_headers))
        return headers

    def _own_token(self) -> str | None:
        """--tokens-file: this user's credential, spread round robin over the users of every process."""
        if not self.tokens:
            return None
        number = next(_USER_NUMBERS)
        runner = getattr(self.environment, "runner", None)
        worker = max(0, int(getattr(runner, "worker_index", 0) or 0))
        return self.tokens[(number * max(1, self.token_spread) + worker) % len(self.tokens)]

    # --- Locust life cycle ---------------------------------------------------------------------------------------

    def on_start(self) -> None:
        self.own_token = self._own_token()  # once per user: every request of this user carries it
        self.profile = self.build_profile()
        self.auth_headers = self._headers()
        self.json_headers = {**self.auth_headers, "Content-Type": "application/json"}
        # what the user sends as credentials never reaches a failure message (Locust's stats, CSV, the report)
        self.redact = Redactor([self.token or os.environ.get("AGNO_CHECK_TOKEN") or "", *self.tokens,
                                *(value for _, value in self.extra_headers)])
        self.client.client.redirect_response_codes = frozenset()  # a redirect is an answer, never followed
        self._prompt_index = random.randrange(len(self.prompts))
        self.user_key = uuid.uuid4().hex[:12]  # unique per user, on any worker
        step = f"s{self.step}-" if self.step is not None else ""  # a sweep's step, visible to the server
        self._session_prefix = f"agno-check-load-{step}{self.user_key}"
        self._retry_until = 0.0  # perf_counter time a 429's Retry-After said to come back (--respect-retry-after)
        self._new_session()

    def wait_time(self) -> float:
        wait = 0.0
        if self.think_time and not self.rate_per_dispatcher:
            low, high = self.think_time
            wait = random.uniform(low, high)
        if self._retry_until:  # a 429 said when to come back (--respect-retry-after)
            wait, self._retry_until = max(wait, self._retry_until - time.perf_counter()), 0.0
        return wait

    def _new_session(self) -> None:
        old = getattr(self, "session_id", None)
        if old:
            self.profile.forget(old)  # client-side history of a finished conversation
        self._sessions = getattr(self, "_sessions", 0) + 1
        self.session_id = f"{self._session_prefix}-{self._sessions}"
        self.turns_in_session = 0

    def next_prompt(self) -> str:
        prompt = self.prompts[self._prompt_index % len(self.prompts)]
        self._prompt_index += 1
        return prompt

    @task
    def chat(self) -> None:
        """One turn of the user's conversation (or, in the open model, the arrival dispatcher)."""
        if self.rate_per_dispatcher:
            self.dispatch_arrivals()
            return
        if self.turns_in_session >= self.turns:
            self._new_session()
        self.turns_in_session += 1
        self.run_turn(self.next_prompt(), self.session_id)

    # --- one turn ----------------------------------------------------------------------------------------------

    def run_turn(self, message: str, session_id: str | None = None, *, started: float | None = None) -> TurnResult:
        """Send one turn, read the answer, fire the request event(s). ``started``: the intended start
        (open model), so that time spent waiting for a free slot counts as latency."""
        spec = self.profile.run_request(message, session_id, self.stream and self.profile.can_stream)
        if self.output_tokens:
            limit_output(spec, self.output_tokens)
        start = time.perf_counter() if started is None else started
        # a whole-turn deadline, not only the client's per-read timeout: a server that trickles its answer must
        # not hold a user past --timeout. One timer per user, rearmed each turn (a new gevent timer per turn
        # cost ~7 us, 5 of them saved: ~6% of a turn's CPU at full speed against nginx); an open-model arrival
        # that waited for a slot gets a timer of its own, for the time it has left.
        if started is None:
            deadline = self._deadline
            if deadline is None or deadline.seconds != self.timeout:
                deadline = self._deadline = gevent.Timeout(max(0.001, self.timeout))
            deadline.start()
            try:
                result = self._exchange(spec, start, deadline, session_id, message)
            finally:
                deadline.cancel()
        else:
            deadline = gevent.Timeout(max(0.001, self.timeout - (time.perf_counter() - start)))
            deadline.start()
            try:
                result = self._exchange(spec, start, deadline, session_id, message)
            finally:
                deadline.close()
        if result.ok:
            self.profile.remember(session_id, message, result.parsed.content)
        elif self.respect_retry_after and result.retry_after_s:
            until = time.perf_counter() + min(result.retry_after_s, self.timeout * 10)
            self._retry_until = max(self._retry_until, until)
        return result

    def _send(self, spec: RequestSpec) -> tuple[Any, Any, str]:
        """Send one request on the user's FastHttpSession client; (response or None, transport error, url).

        The turn's request event is fired by ``_exchange`` once the answer has been read and judged, so it goes
        to the user agent directly rather than through ``FastHttpSession.request`` (whose automatic event
        would time only the headers of a stream, and would judge a 200 carrying an agent error a success)."""
        session = self.client
        url = spec.path if spec.path.startswith(("http://", "https://")) else f"{session.base_url}{spec.path}"
        if spec.params:
            url += ("&" if "?" in url else "?") + urlencode(spec.params)
        payload: Any = None
        if spec.json is not None and spec.data is None and not spec.headers and not spec.stream:
            # the common turn (a JSON body, nothing else to add): the user's headers are built once, in
            # on_start; the client copies them into its own request headers, so they are never changed here
            payload, headers = _encode_json(spec.json).encode(), self.json_headers
        else:
            headers = {**self.auth_headers, **spec.headers}
            if spec.data is not None:
                payload = spec.data  # a form: the client encodes it and sets the content type
            elif spec.json is not None:
                payload = _encode_json(spec.json).encode()
                headers.setdefault("Content-Type", "application/json")
            elif spec.content is not None:
                payload = spec.content
            if spec.stream:
                headers["Accept"] = "text/event-stream"
                headers["Accept-Encoding"] = "identity"  # a compressed stream would arrive in one piece
        try:
            return session.client.urlopen(url, method=spec.method, payload=payload, headers=headers), None, url
        except FAILURE_EXCEPTIONS as exc:
            return getattr(exc, "response", None), exc, url

    def _exchange(self, spec: RequestSpec, start: float, deadline: gevent.Timeout | None,
                  session_id: str | None = None, message: str | None = None) -> TurnResult:
        name = spec.path
        started_at = time.time()
        resp: Any = None
        url = spec.path
        try:
            resp, error, url = self._send(spec)
            result = self._read(spec, resp, error, start, deadline)
        except gevent.Timeout as exc:
            if deadline is None or exc is not deadline:
                raise
            result = self._result(False, 0, start, failure=TurnTimeout(
                f"{spec.line()}: no complete answer within {self.timeout:g} s"))
        finally:
            if resp is not None:
                resp.release()  # back to the pool when read to the end, else closed
        result.started, result.user = start, self.user_key
        result.session_id, result.message = session_id, message
        self.environment.events.request.fire(
            request_type=spec.method, name=name, response_time=result.latency_ms,
            response_length=len(result.parsed.content), exception=result.failure, context=self.context(),
            response=resp, url=url, start_time=started_at, turn=result)
        if result.ok and result.ttft_ms is not None:
            self._fire_stream_metrics(name, start, result)
        return result

    def _read(self, spec: RequestSpec, resp: Any, error: Any, start: float,
              deadline: gevent.Timeout | None) -> TurnResult:
        status = int(resp.status_code) if resp is not None else 0
        try:
            if resp is None:  # no HTTP answer: refused, reset, timed out
                failure = TurnTimeout(f"{spec.line()}: no complete answer within {self.timeout:g} s") \
                    if deadline is not None and error is deadline else error
                return self._result(False, status, start, failure=failure)
            if not 200 <= status < 300:
                excerpt = self.redact(" ".join(self._body(resp)[:300].decode("utf-8", "replace").split()))[:160]
                failure = RateLimited(f"HTTP 429: {excerpt}") if status == 429 else HttpStatus(status, excerpt)
                result = self._result(False, status, start, failure=failure)
                if status == 429 and resp.headers:
                    result.retry_after_s = retry_after_seconds(resp.headers.get("retry-after"))
                return result
            if spec.stream and "text/event-stream" in self._content_type(resp):
                return self._read_stream(resp, status, start)
            body = self._body(resp)
            try:
                data = json.loads(body)
            except ValueError:
                return self._result(False, status, start, failure=NotJson(
                    f"{spec.line()} answered {status} with {self._content_type(resp) or 'no content type'}, "
                    "not JSON"))
            return self._judge(self.profile.parse(data), status, start)
        except gevent.Timeout as exc:
            if deadline is None or exc is not deadline:
                raise
            return self._result(False, status, start, failure=TurnTimeout(
                f"{spec.line()}: no complete answer within {self.timeout:g} s"))
        except TurnFailure as failure:
            return self._result(False, status, start, failure=failure)
        except Exception as exc:  # a broken connection mid-body
            return self._result(False, status, start, failure=StreamBroken(
                f"{spec.line()}: {type(exc).__name__}: {exc}"))

    @staticmethod
    def _content_type(resp: Any) -> str:
        return (resp.headers.get("content-type") or "") if resp.headers else ""

    @staticmethod
    def _body(resp: Any) -> bytes:
        content = resp.content
        if not content:
            return b""
        if len(content) > MAX_BODY_BYTES:
            raise TooLarge(f"answer over {MAX_BODY_BYTES // (1024 * 1024)} MiB")
        return content

    def _read_stream(self, resp: Any, status: int, start: float) -> TurnResult:
        reader = self.profile.stream_reader()
        parser = SseParser()
        token_times: list[float] = []
        stream = resp.stream
        size = 0
        while True:
            line = stream.readline(b"\n")
            if not line:
                break
            size += len(line)
            if size > MAX_BODY_BYTES:
                raise TooLarge(f"streamed more than {MAX_BODY_BYTES // (1024 * 1024)} MiB")
            event = parser.feed(line.decode("utf-8", "replace").rstrip("\n"))
            if event is not None and reader.feed(event):
                token_times.append((time.perf_counter() - start) * 1000.0)
        event = parser.flush()
        if event is not None and reader.feed(event):
            token_times.append((time.perf_counter() - start) * 1000.0)
        parsed = reader.finish()
        if not reader.done and parsed.agent_error is None:
            return self._result(False, status, start, parsed=parsed,
                                failure=StreamBroken("the stream ended without its final event"))
        result = self._judge(parsed, status, start)
        result.ttft_ms = token_times[0] if token_times else None
        tokens = parsed.output_tokens if parsed.output_tokens else len(token_times)
        result.output_tokens = tokens
        result.token_times_ms = token_times
        return result

    def _judge(self, parsed: ParsedTurn, status: int, start: float) -> TurnResult:
        if parsed.agent_error is not None:
            return self._result(False, status, start, parsed=parsed,
                                failure=AgentError(f"agent error inside HTTP {status}: "
                                                   f"{self.redact(parsed.agent_error)[:160]}"))
        if not parsed.content.strip():
            return self._result(False, status, start, parsed=parsed,
                                failure=EmptyAnswer(f"empty content inside HTTP {status}"))
        return self._result(True, status, start, parsed=parsed)

    @staticmethod
    def _result(ok: bool, status: int, start: float, *, parsed: ParsedTurn | None = None,
                failure: Any = None) -> TurnResult:
        if failure is not None and not isinstance(failure, TurnFailure | BaseException):
            failure = TurnFailure(str(failure))
        return TurnResult(ok, status, (time.perf_counter() - start) * 1000.0, parsed or ParsedTurn(),
                          failure=failure)

    # --- events ------------------------------------------------------------------------------------------------

    def _fire(self, request_type: str, name: str, start: float, exception: BaseException | None,
              response_time: float | None = None, length: int = 0) -> None:
        self.environment.events.request.fire(
            request_type=request_type, name=name,
            response_time=(time.perf_counter() - start) * 1000.0 if response_time is None else response_time,
            response_length=length, exception=exception, context={}, response=None, url=None,
            start_time=time.time(), agno_check_turn=True)

    def _fire_stream_metrics(self, name: str, start: float, result: TurnResult) -> None:
        times = result.token_times_ms
        tokens = result.output_tokens or 0
        assert result.ttft_ms is not None
        self._fire("TTFT", name, start, None, response_time=result.ttft_ms)
        if tokens > 1 and len(times) > 1:
            self._fire("ITL", name, start, None, response_time=(times[-1] - times[0]) / (tokens - 1))
        self._fire("TOKENS", name, start, None, response_time=(times[-1] - times[0]) if times else 0.0,
                   length=tokens)

    # --- open model ----------------------------------------------------------------------------------------------

    def dispatch_arrivals(self) -> None:
        """Start a turn at every intended time ``start + k / rate``, whatever the answers' latency; a turn's
        latency counts from its intended time, so a saturated target cannot hide behind slow arrivals.

        With ``--respect-retry-after``, a 429's Retry-After holds this dispatcher's arrivals: those due before
        the time it names are not sent (counted as ``held_arrivals``), as a client that shares one credential's
        back-off would; the schedule then goes on at its own times, with no burst of the held ones."""
        rate = float(self.rate_per_dispatcher or 1.0)
        pool = Pool(self.max_in_flight)
        collector = getattr(self.environment, "agno_check_collector", None)
        origin = time.perf_counter()
        k = 0
        try:
            while self._state != LOCUST_STATE_STOPPING:
                intended = origin + k / rate
                delay = intended - time.perf_counter()
                if delay > 0:
                    gevent.sleep(delay)
                    if self._state == LOCUST_STATE_STOPPING:
                        break
                if intended < self._retry_until:
                    if collector is not None:
                        collector.count("held_arrivals")
                    k += 1
                    continue
                late = pool.full() or time.perf_counter() - intended > 0.1
                if pool.full():
                    pool.wait_available()
                pool.spawn(self._arrival, intended)
                if collector is not None:
                    collector.count("arrivals")
                    if late:
                        collector.count("late_arrivals")
                k += 1
            pool.join(timeout=self.environment.stop_timeout or 0)
        finally:
            pool.kill(block=False)

    def _arrival(self, intended: float) -> None:
        self._sessions = getattr(self, "_sessions", 0) + 1  # each arrival is a conversation of its own
        session = f"{self._session_prefix}-{self._sessions}" if self.profile.stateful_sessions else None
        self.run_turn(self.next_prompt(), session, started=intended)


class AgentOSUser(AgentUser):
    """AgentOS: ``POST /agents/{agent_id}/runs`` (form), SSE events when ``stream``; ``agent_id`` defaults to
    the first agent of ``GET /agents``."""

    abstract = True
    profile_name = "agentos"


class OpenAIUser(AgentUser):
    """OpenAI-compatible chat completions; history is kept client-side, so ``turns`` grows the messages."""

    abstract = True
    profile_name = "openai"


class JsonUser(AgentUser):
    """A seed-style JSON endpoint: ``POST /query {"message", "session_id"}`` -> ``{"response"}``."""

    abstract = True
    profile_name = "json"


class AgnoCheckUser(AgentUser):
    """The user `agno-check load URL` runs: configured from the plan (``configure``) before spawning."""

    abstract = False

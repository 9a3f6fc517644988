"""The one error tree of agno-check, and the exit codes the CLI maps it to.

    AgnoCheckError
    ├── UsageError          bad flags or arguments                     -> exit 2
    ├── ConfigError         unreadable or invalid configuration file   -> exit 2
    ├── TargetError         the target cannot be asked a question      -> exit 2 at preflight,
    │   ├── TargetUnreachable   DNS, refused, TLS, reset                  status "error" inside a check
    │   ├── TargetTimeout       no (complete) answer within the bound
    │   └── ProtocolError       an answer that is not what the profile speaks
    ├── WorkersFailed       Locust workers never connected or died     -> exit 2
    ├── TurnFailure         one load-test turn gave no usable answer   -> counted, grouped by ``kind``
    │   └── RateLimited, HttpStatus, AgentError, EmptyAnswer, NotJson, StreamBroken, TooLarge, TurnTimeout
    │                       (agno_check/load/failures.py)
    └── CheckSignal         raised by a check's helpers, read by the runner (agno_check/checks/outcome.py)
        ├── SkipCheck           a precondition does not hold            -> status "skip"
        └── CheckErrored        the question cannot be asked            -> status "error"

Foreign errors (httpx, ssl, socket, json) are converted into this tree in the target layer only
(``agno_check/targets/``); the CLI edge is the one place that turns them into an exit code and one line of
text. Some exceptions never leave their package: ``targets.loader.ImportTookTooLong`` (the import bound, turned
into a ``TargetError``), ``sim.chat.ConnectionDrop`` (the simulator's deliberate reset), and the deployment-file
parsers' ``YamlError``, ``DockerfileError``, ``ComposeError`` and ``ManifestError`` (``agno_check/project/``:
``project/load.py`` records each as a problem of the project, judged by ``configuration.deployment_files``).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of both commands, as report-schema.md defines them."""

    #: ran, and the gate passed
    OK = 0
    #: ran, and the gate failed (score, severity or SLO)
    GATE_FAILED = 1
    #: could not run: bad arguments or configuration, target unreachable, unreadable input
    USAGE = 2
    #: a bug in agno-check
    INTERNAL = 3
    #: interrupted; whatever was measured is still reported
    INTERRUPTED = 130


class AgnoCheckError(Exception):
    """Base of every error agno-check raises on purpose."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(AgnoCheckError):
    """Bad flags, arguments or input files."""


class ConfigError(AgnoCheckError):
    """A configuration file that cannot be read or does not validate (names the file, key and reason)."""


class TargetError(AgnoCheckError):
    """The target could not be asked a question."""


class TargetUnreachable(TargetError):
    """DNS failure, refused connection, TLS failure, connection reset."""


class TargetTimeout(TargetError):
    """No answer, or no complete answer, within the time bound."""


class ProtocolError(TargetError):
    """The target answered, but not in the protocol of its profile (HTML, garbage, wrong shape, redirects)."""


class WorkersFailed(AgnoCheckError):
    """Workers that never connected, or died before the run: the run could not start (exit 2)."""


class CheckSignal(AgnoCheckError):
    """Raised by a check's helpers to end the check with a status (the runner reads it; never reaches the CLI)."""

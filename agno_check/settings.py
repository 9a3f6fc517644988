"""Settings: flags > environment (``AGNO_CHECK_*``) > ``[tool.agno-check]`` in pyproject.toml or agno-check.toml.

The CLI passes only the flags the user actually gave; pydantic-settings layers the environment and the file
under them. A bad file or value is a ConfigError naming where it came from, the key and the reason.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, SecretStr, ValidationError, create_model, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from agno_check.errors import ConfigError
from agno_check.report.policy import PolicyEntry, parse_policy

ENV_PREFIX = "AGNO_CHECK_"
CONFIG_FILE = "agno-check.toml"
Severity = Literal["critical", "high", "medium", "low"]
CommaList = Annotated[list[str], NoDecode]


def find_config_file(start: Path | None = None) -> Path | None:
    """agno-check.toml, else a pyproject.toml with a [tool.agno-check] table, in the working directory."""
    folder = start or Path.cwd()
    own = folder / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None  # somebody else's broken pyproject is not our configuration
        if "agno-check" in data.get("tool", {}):
            return pyproject
    return None


def read_config_file(path: Path, section: str) -> dict[str, Any]:
    """The flat table for one command: top-level keys, overlaid by ``[...readiness]`` or ``[...load]``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("agno-check", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.agno-check] must be a table")
    flat = {k.replace("-", "_"): v for k, v in table.items() if not isinstance(v, dict)}
    if section == "readiness" and isinstance(table.get("policy"), dict):  # [tool.agno-check.policy]: readiness's
        flat["policy"] = table["policy"]
    for name in ("readiness", "load"):
        sub = table.get(name)
        if name == section and isinstance(sub, dict):
            flat.update({k.replace("-", "_"): v for k, v in sub.items()})
    return flat


def split_commas(value: Any) -> Any:
    """``"a,b"`` or ``["a,b", "c"]`` -> ``["a", "b", "c"]``: lists are repeatable flags or comma separated."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    return value


class _FileSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], values: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values = values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


def _protocol_settings() -> type[BaseSettings]:
    """One settings field per protocol option of the registry (``--agent-id``, ``--team``, ``--model``, ...)."""
    from agno_check.targets.profiles import all_options, option_default

    fields: dict[str, Any] = {name: (str | None, option_default(name)) for name in all_options()}
    return create_model("ProtocolSettings", __base__=BaseSettings, **fields)


class CommonSettings(_protocol_settings()):  # type: ignore[misc]
    """What readiness and load share: the target, how to talk to it (``profile`` and every registered
    protocol's options), credentials and output."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", validate_default=True)

    target: str | None = None
    profile: str = "auto"
    token: SecretStr | None = None
    header: CommaList = Field(default_factory=list)
    timeout: float = Field(30.0, gt=0, le=3600)
    insecure: bool = False
    ca_bundle: str | None = None
    message: str = "Hello! In one sentence, what can you help me with?"
    slo: CommaList = Field(default_factory=list)
    format: Literal["rich", "json", "junit", "markdown", "html", "sarif"] | None = None
    output: str | None = None
    junit: str | None = None
    markdown: str | None = None
    quiet: bool = False
    debug: bool = False

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        from agno_check.targets.profiles import protocol_names

        names = ["auto", *protocol_names()]
        if value not in names:
            raise ValueError(f"unknown profile {value!r}: expected {', '.join(names)}")
        return value

    @field_validator("slo", mode="before")
    @classmethod
    def _split_slo(cls, value: Any) -> Any:
        return split_commas(value)

    @field_validator("header", mode="before")
    @classmethod
    def _one_header(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value  # header values may hold commas

    # file values sit below the environment, which sits below the flags
    file_values: ClassVar[dict[str, Any]] = {}

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _FileSource(settings_cls, cls.file_values)

    def token_value(self) -> str | None:
        return self.token.get_secret_value() if self.token else None

    def echo(self) -> dict[str, Any]:
        """What shaped the run, for the report's ``settings``; never credentials."""
        hidden = {"token", "token_b", "jwt_secret", "jwt_private_key", "header", "format", "output", "junit",
                  "markdown", "quiet", "verbose", "debug", "html", "csv", "sarif", "write_baseline"}
        return {k: v for k, v in self.model_dump(mode="json").items() if k not in hidden and v not in (None, [], {})}


class ReadinessSettings(CommonSettings):
    """Everything `agno-check readiness` and `agno-check demo` take."""

    samples: int = Field(10, ge=1, le=1000)
    concurrency: int = Field(10, ge=2, le=500)
    max_time: float = Field(300.0, gt=0, le=86400)
    fail_under: float | None = Field(None, ge=0, le=100)
    fail_on: Severity | Literal["none"] = "high"
    only: CommaList = Field(default_factory=list)
    skip: CommaList = Field(default_factory=list)
    passive: bool = False
    health_path: str | None = None
    metrics_path: str | None = None
    canary: str | None = None
    token_b: SecretStr | None = None
    jwt_secret: SecretStr | None = None
    #: PEM files: an RS*/ES* signing key for the expiry probes, a public key for the key-confusion probe
    jwt_private_key: str | None = None
    jwt_public_key: str | None = None
    burst_requests: int = Field(60, ge=1, le=1000)
    burst_seconds: float = Field(5.0, gt=0, le=120)
    retry_after_cap: float = Field(30.0, ge=0, le=600)
    retry_after_budget: float = Field(120.0, ge=0, le=3600)
    sim_control: str | None = None
    live_model: bool = False
    #: in-process: the user's tools the simulated model calls ("all" or names); None: only team delegation
    exercise_tools: str | None = None
    #: in-process: hosts (names, addresses or networks) the agent's code may reach off the machine
    allow_egress: CommaList = Field(default_factory=list)
    require_env: CommaList = Field(default_factory=list)
    #: performance.load_slo: a load test by this many users (skipped when not given), for this long
    load_users: int | None = Field(None, ge=1, le=100_000)
    load_duration: float = Field(30.0, gt=0, le=86400)
    #: a project directory whose deployment files (Dockerfile, compose, manifests) the deployment checks read
    project: str | None = None
    #: the compose file the deployment uses, relative to the project (default: chosen by name)
    compose_file: str | None = None
    #: the terminal report also shows the full table of every check
    verbose: bool = False
    #: CI adoption: per-check policy (config file), a known-issues baseline, SARIF and HTML outputs
    policy: dict[str, PolicyEntry] = Field(default_factory=dict)
    baseline: str | None = None
    write_baseline: str | None = None
    sarif: str | None = None
    html: str | None = None

    @field_validator("jwt_private_key", "jwt_public_key")
    @classmethod
    def _pem_file(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(f"no such file {value!r} (expected a PEM key file)")
        return value

    @field_validator("policy", mode="before")
    @classmethod
    def _policy(cls, value: Any) -> Any:
        return parse_policy(value)

    @field_validator("only", "skip", "require_env", "allow_egress", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_commas(value)

    @field_validator("exercise_tools", mode="before")
    @classmethod
    def _tool_names(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        if value is None or value == "":
            return None
        from agno_check.sim.tools import parse_policy  # pydantic only: start-up stays light

        policy = parse_policy(str(value))
        if policy.mode != "all":
            raise ValueError("--exercise-tools takes tool names (or nothing, for all tools)")
        return "all" if not policy.names else ",".join(policy.names)

    @field_validator("load_duration", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        from agno_check.load.timespec import parse_duration  # standard library only: start-up stays light

        return parse_duration(value, what="--load-duration") if isinstance(value, str) else value


def load_settings(cls: type[CommonSettings], flags: dict[str, Any], section: str,
                  config_path: str | None = None) -> CommonSettings:
    """Build settings from the given flags (None means not given), the environment and the config file."""
    given = {k: v for k, v in flags.items() if v is not None and v != [] and v != ()}
    path = Path(config_path) if config_path else find_config_file()
    file_values = read_config_file(path, section) if path else {}
    if path:
        unknown = sorted(set(file_values) - set(cls.model_fields))
        if unknown:
            raise ConfigError(f"{path}: unknown key {unknown[0]!r} (see `agno-check {section} --help`)")
    bound = type(cls.__name__, (cls,), {"file_values": file_values})
    try:
        return bound(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else "?"
        env_name = ENV_PREFIX + key.upper()
        if key in given:
            where = f"--{key.replace('_', '-')}"
        elif env_name in os.environ:
            where = f"environment variable {env_name}"
        else:
            where = f"{path}: key {key!r}" if path else key
        message = str(error["msg"]).removeprefix("Value error, ")  # our validators' own sentences
        if not error["loc"]:  # a model-level validator: its sentence names the option itself
            raise ConfigError(message) from None
        raise ConfigError(f"{where}: {message}") from None

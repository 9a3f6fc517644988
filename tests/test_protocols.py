"""The protocol registry is the one place a protocol is spelled: settings, both commands' options, detection
order, the Locust plan and ``load_slo``'s command line all come from it."""

from __future__ import annotations

import dataclasses

import pytest
import typer

from agno_check.cli.app import app
from agno_check.load.plan import LoadPlan, profile_fields
from agno_check.load.settings import LoadSettings
from agno_check.settings import CommonSettings, ReadinessSettings, load_settings
from agno_check.targets.profiles import all_options, get_protocol, protocols
from agno_check.targets.profiles.base import ProtocolOption
from agno_check.targets.profiles.registry import protocol


def command_flags(name: str) -> set[str]:
    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    return {opt for param in command.params for opt in param.opts}


def test_the_three_original_protocols_and_the_new_ones_are_registered():
    assert {"agentos", "openai", "json", "agentos-team"} <= set(protocols())


@pytest.mark.parametrize("command", ["readiness", "load"])
def test_every_protocol_option_is_a_settings_field_and_a_flag_of_both_commands(command):
    flags = command_flags(command)
    assert "--profile" in flags
    for name, declarations in all_options().items():
        assert name in CommonSettings.model_fields, name
        assert declarations[0][1].flag in flags, (command, name)


def test_a_profile_survives_the_trip_to_a_locust_worker_and_back_to_flags():
    for name, cls in protocols().items():
        values = {o.name: f"value-{o.name}" for o in cls.options}
        profile = cls.from_values(values)
        plan = LoadPlan.from_json(LoadPlan(host="http://127.0.0.1:1", **profile_fields(profile)).to_json())
        assert plan.profile == name
        rebuilt = get_protocol(plan.profile).from_values(plan.profile_values)
        assert rebuilt.values() == profile.values() == values
        # the flags load_slo passes to `agno-check load` give load the same protocol and values
        flags = profile.flags()
        given = {flags[i].removeprefix("--").replace("-", "_"): flags[i + 1] for i in range(0, len(flags), 2)}
        settings = load_settings(LoadSettings, {"target": "http://127.0.0.1:1", **given}, "load")
        assert settings.profile == name
        assert {o.name: getattr(settings, o.name) for o in cls.options} == values


def test_an_unknown_profile_is_one_line_naming_the_registered_ones():
    from agno_check.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_settings(ReadinessSettings, {"profile": "grpc"}, "readiness")
    assert str(caught.value).startswith("--profile: unknown profile 'grpc': expected auto, agentos")
    assert all(name in str(caught.value) for name in protocols())


def test_the_registry_refuses_an_option_that_sets_no_field_and_a_duplicate_name():
    from agno_check.targets.profiles.json_endpoint import JsonProfile

    @dataclasses.dataclass
    class Broken(JsonProfile):
        name = "broken-test"
        options = (ProtocolOption("nowhere", "sets nothing"),)

    with pytest.raises(ValueError, match="sets no field"):
        protocol(Broken)

    @dataclasses.dataclass
    class Twin(JsonProfile):
        name = "json"

    with pytest.raises(ValueError, match="duplicate protocol name"):
        protocol(Twin)
    assert protocols()["json"] is JsonProfile

"""The ``agno-check`` command line: thin commands, logic raises, this edge decides the exit code.

Only typer (and rich, through it) is imported at start-up; every command imports what it needs inside its body,
so ``--help`` stays fast and Locust's gevent patching never reaches the readiness path.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from agno_check import __version__
from agno_check.cli import checks_cmd, readiness_cmd, sim_llm

app = typer.Typer(
    name="agno-check",
    help="Is your Agno agent ready for production? Readiness checks and load tests, with a CI gate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"agno-check {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Is your Agno agent ready for production? Readiness checks and load tests, with a CI gate."""


app.command("readiness")(readiness_cmd.readiness)
app.command("checks")(checks_cmd.checks)
app.command("sim-llm")(sim_llm.sim_llm)
for _extra in ("demo_cmd", "load_cmd"):
    try:
        _module = __import__(f"agno_check.cli.{_extra}", fromlist=["register"])
    except ModuleNotFoundError as _exc:
        if _exc.name != f"agno_check.cli.{_extra}":
            raise
    else:
        _module.register(app)


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"agno-check: {message}\n")
    sys.stderr.flush()
    return code


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map errors to exit codes: 2 bad input, 3 our bug, 130 interrupted."""
    from agno_check.errors import AgnoCheckError, ExitCode

    # typer vendors click; find its exception classes through a public one
    click_usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    no_args_is_help = getattr(sys.modules[click_usage_error.__module__], "NoArgsIsHelpError", ())

    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="agno-check", standalone_mode=False)
    except no_args_is_help as exc:
        exc.show()
        return ExitCode.OK
    except click_usage_error as exc:
        return _fail(f"error: {exc.format_message()} (see --help)", ExitCode.USAGE)
    except typer.Abort:
        return _fail("interrupted", ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        return _fail("interrupted", ExitCode.INTERRUPTED)
    except AgnoCheckError as exc:
        return _fail(f"error: {exc}", exc.exit_code)
    except Exception as exc:  # a bug of ours: one line, the traceback only with --debug
        if "--debug" in args:
            import traceback

            traceback.print_exc()
        return _fail(f"internal error (a bug in agno-check): {exc.__class__.__name__}: {exc}; "
                     "run with --debug for the traceback", ExitCode.INTERNAL)
    return int(result or 0)


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()

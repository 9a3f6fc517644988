"""``python -m agno_check``: the same CLI as the ``agno-check`` script."""

from agno_check.cli.app import entry

entry()

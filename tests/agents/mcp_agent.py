"""An agent with a plain tool beside an MCP toolkit on a local stdio server (``mcp_server.py``, fastmcp).

MCPTools gets its tools only when it connects, at run time; building it connects to nothing. A module of its own:
agno's MCP support imports the ``mcp`` package, which the agno 3.0.0 test venv (beside the newest ``mcp``)
cannot import, and the other tool agents must not depend on it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from agno.agent import Agent
from agno.tools.mcp import MCPTools

from tests.agents.tools import DB, _responses, lookup_order

SERVER = Path(__file__).with_name("mcp_server.py")

agent = Agent(id="mcp", name="MCP", model=_responses(), db=DB, telemetry=False,
              tools=[lookup_order, MCPTools(command=f"{sys.executable} {SERVER}")])

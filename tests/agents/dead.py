"""An agent whose provider cannot be reached: its model points at a closed loopback port (``DEAD_MODEL_URL``,
set by the test), as a real provider behind a dead network would be; with ``--live-model`` nothing replaces it.
"""

from __future__ import annotations

import os

from agno.agent import Agent
from agno.models.openai import OpenAIChat

agent = Agent(id="stranded", name="Stranded", instructions="Answer briefly.", telemetry=False,
              model=OpenAIChat(id="gpt-4o-mini", base_url=os.environ.get("DEAD_MODEL_URL", "http://127.0.0.1:9/v1"),
                               api_key="placeholder", max_retries=0, timeout=5.0))

"""AgentOS chat: each user sends streamed turns to one agent and records TTFT, inter-token latency and tokens/s.

    locust -f scenarios/agentos_chat.py --headless -u 20 -r 5 -t 1m --host http://127.0.0.1:7777
    agno-check load --scenario scenarios/agentos_chat.py http://127.0.0.1:7777 --users 20 --slo ttft_p95<2000

The agent is ``AGENT_ID`` from the environment, else the first one ``GET /agents`` lists. A bearer key comes from
``AGNO_CHECK_TOKEN`` (or ``--token`` under agno-check).
"""

import os

from agno_check.load.users import AgentOSUser


class AgentOSChat(AgentOSUser):
    agent_id = os.environ.get("AGENT_ID") or None
    stream = True

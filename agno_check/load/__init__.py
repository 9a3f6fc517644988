"""``agno-check load``: Locust-driven load tests that know about agents (TTFT, tokens/s, agent-level errors).

Importing Locust monkey-patches the process with gevent, so only ``users``, ``listeners``, ``engine``, ``worker``,
``shapes`` and ``scenario`` import it; everything else here (settings, plan, metrics, report, renderers) is
plain Python that the CLI and readiness may import freely.
"""

import warnings

# agno-check imports Locust after its asyncio probe (ssl already imported): gevent's warning about it is noise
warnings.filterwarnings("ignore", message=r"Monkey-patching ssl after ssl has already been imported")

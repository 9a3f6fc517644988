"""The embedded demo: the simulated LLM plus a real AgentOS around a real agno Agent, on loopback.

``agno-check demo`` starts both, runs the readiness checklist against them and stops them; ``--flawed`` serves
AgentOS's defaults instead; ``--serve`` keeps them running for ``readiness`` and ``load`` by hand.

The hardened service is the one we recommend users build, so its parts are small modules a reader can copy:

- ``config``: the numbers (rate limits, model timeout and retries, the simulated model's pace), in one place;
- ``leaks``: finding the agent's instructions in what it is about to send (the naive model repeats them);
- ``filters``: the response filter: no system prompt in payloads, leaks withheld, failed runs as 503;
- ``ratelimit``: per-token limits, in memory or in Redis;
- ``metrics``: Prometheus request, latency, error and token metrics;
- ``guard``: the ASGI middlewares (security headers, metrics, limits, auth, body size) around AgentOS;
- ``health``: a health endpoint that opens a database connection and reaches the model;
- ``service``: building the hardened and the flawed app; ``stack``: starting and stopping everything.

Nothing here is imported by ``agno-check --help``: the CLI imports it inside the command.
"""

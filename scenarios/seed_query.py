"""A seed-style JSON agent service: ``POST /query {"message", "session_id"}`` -> ``{"response"}``.

    locust -f scenarios/seed_query.py --headless -u 10 -t 1m --host http://127.0.0.1:8000
    agno-check load --scenario scenarios/seed_query.py http://127.0.0.1:8000 --token "$TOKEN" --slo "p95<3000"

A 429 counts as "rate limited (429)" and a ``"status": "ERROR"`` answer as "agent error", apart from HTTP
failures. Field names follow the seed; change them here if your service differs.
"""

import os

from agno_check.load.users import JsonUser


class SeedQuery(JsonUser):
    endpoint = os.environ.get("QUERY_PATH", "/query")
    message_field = "message"
    session_field = "session_id"
    response_field = "response"

"""An OpenAI-compatible chat completions endpoint, streamed (``stream_options.include_usage`` for token counts).

    locust -f scenarios/openai_streaming.py --headless -u 10 -t 1m --host http://127.0.0.1:8900
    agno-check load --scenario scenarios/openai_streaming.py http://127.0.0.1:8900 --slo "ttft_p95<800"

``MODEL`` in the environment names the model (default: "default"); ``ENDPOINT`` the path if it is not
/v1/chat/completions.
"""

import os

from agno_check.load.users import OpenAIUser


class OpenAIStreaming(OpenAIUser):
    model = os.environ.get("MODEL", "default")
    endpoint = os.environ.get("ENDPOINT", "/v1/chat/completions")
    stream = True

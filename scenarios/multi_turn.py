"""Multi-turn sessions: each user holds one AgentOS session for several turns, as a person does, so the agent's
history (and its storage) grows the way it does in production; then it starts a new session.

    locust -f scenarios/multi_turn.py --headless -u 10 -t 2m --host http://127.0.0.1:7777
    agno-check load --scenario scenarios/multi_turn.py http://127.0.0.1:7777 --users 10 --slo "p95<5000"

``THINK_TIME`` (seconds, "1-3" by default) is the pause between a user's turns.
"""

import os

from agno_check.load.users import AgentOSUser


def _think_time() -> tuple[float, float]:
    low, _, high = os.environ.get("THINK_TIME", "1-3").partition("-")
    return float(low), float(high or low)


class SupportConversation(AgentOSUser):
    agent_id = os.environ.get("AGENT_ID") or None
    stream = True
    turns = 4
    think_time = _think_time()
    prompts = (
        "Hi, my order number is 4417 and my code word is HERON.",
        "The parcel was due on Monday and it has not arrived. What should I do?",
        "Can you remind me what my order number was?",
        "And what is my code word?",
    )

    def on_start(self) -> None:
        super().on_start()
        self._prompt_index = 0  # every conversation starts at its beginning

    def _new_session(self) -> None:
        super()._new_session()
        self._prompt_index = 0

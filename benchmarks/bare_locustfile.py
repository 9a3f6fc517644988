"""The baseline: a bare Locust FastHttpUser sending the same turn agno-check's JSON profile sends, reading nothing."""

import uuid

from locust import FastHttpUser, task


class BareQuery(FastHttpUser):
    @task
    def query(self) -> None:
        self.client.post("/query", json={"message": "Hello! In one sentence, what can you help me with?",
                                         "session_id": f"bare-{uuid.uuid4().hex[:12]}"})

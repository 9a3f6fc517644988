"""``--stages``: a Locust ``LoadTestShape`` that ramps linearly between stages (k6's ``stages``, in Locust).

It works in a user's own Locust file too (``from agno_check.load.shapes import StagesShape``), where plain
Locust drives it; `agno-check load` drives any shape's ``tick()`` itself, once a second, so that a run ends the
same way (graceful drain, final worker reports) whatever shaped it.
"""

from __future__ import annotations

from locust import LoadTestShape

from agno_check.load.timespec import Stage, parse_stages, stage_users


class StagesShape(LoadTestShape):
    abstract = True  # configured per run: StagesShape.from_text("30s:10,60s:50,30s:0")

    def __init__(self, stages: list[Stage] | None = None) -> None:
        super().__init__()
        self.stages = list(stages or [])

    @classmethod
    def from_text(cls, text: str) -> StagesShape:
        return cls(parse_stages(text))

    @property
    def total_s(self) -> float:
        return sum(s.duration_s for s in self.stages)

    @property
    def peak_users(self) -> int:
        return max((s.users for s in self.stages), default=0)

    def tick(self) -> tuple[int, float] | None:
        users = stage_users(self.stages, self.get_run_time())
        if users is None:
            return None
        current = self.runner.user_count if self.runner is not None else 0
        # reach each second's target within the second, up or down
        return users, float(max(1, abs(users - current)))

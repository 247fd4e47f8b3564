"""Minds for simulation tests: they replay planned actions and remember what they perceived."""

from __future__ import annotations

import asyncio
from typing import Any

from simulation.actions import Action, Continue
from simulation.mind import StopRun
from simulation.perception import Perception


class ScriptedMind:
    """Returns ``plan[tick]`` (or Continue) and keeps every perception it was given."""

    def __init__(self, plan: dict[int, Action] | None = None) -> None:
        self.plan = dict(plan or {})
        self.perceptions: list[Perception] = []
        self.decisions = 0

    async def decide(self, perception: Perception) -> Action:
        self.perceptions.append(perception)
        self.decisions += 1
        return self.plan.get(perception.tick, Continue())

    def get_state(self) -> dict[str, Any]:
        return {"decisions": self.decisions}

    def set_state(self, state: dict[str, Any]) -> None:
        self.decisions = int(state["decisions"])


class StopsAt(ScriptedMind):
    """Raises StopRun (a spent budget) the first time it decides at ``tick``.

    It yields to the event loop first, so the other minds of the tick have started.
    """

    def __init__(self, plan: dict[int, Action], tick: int) -> None:
        super().__init__(plan)
        self.stop_at: int | None = tick

    async def decide(self, perception: Perception) -> Action:
        if perception.tick == self.stop_at:
            self.stop_at = None
            await asyncio.sleep(0)
            raise StopRun("budget spent")
        return await super().decide(perception)

"""React: decide whether something just noticed is worth interrupting the day for.

Cheap rules come first (as in Lyfe Agents and Affordable Generative Agents): with nobody new in
reach and nothing important happening, no LLM call is made at all.
"""

from __future__ import annotations

from datetime import datetime

from agents.cognition.schemas import ReactDecision, react_model
from agents.cognition.services import AgentServices
from simulation.perception import Observation

TALK_COOLDOWN_TICKS = 24
IMPORTANT_EVENT = 6


class Reactor:
    """Gates and makes react decisions.

    Args:
        services: The agent's services.
        cooldown_ticks: Ticks before the agent considers talking to the same person again.
    """

    def __init__(self, services: AgentServices, cooldown_ticks: int = TALK_COOLDOWN_TICKS):
        self.services = services
        self.cooldown_ticks = cooldown_ticks
        self.last_talk: dict[str, int] = {}
        self.last_considered: dict[str, int] = {}

    def worth_a_call(
        self,
        fresh: list[tuple[Observation, int]],
        nearby: tuple[str, ...],
        tick: int,
    ) -> bool:
        """The gate: someone approachable just came into view, or something important happened."""
        approachable = {
            n
            for n in nearby
            if tick - self.last_talk.get(n, -(10**9)) >= self.cooldown_ticks
            and tick - self.last_considered.get(n, -(10**9)) >= self.cooldown_ticks // 2
        }
        for observation, importance in fresh:
            if observation.kind == "agent" and observation.subject in approachable:
                return True
            if observation.kind == "event" and importance >= IMPORTANT_EVENT:
                return True
        return False

    async def decide(
        self,
        observations: list[str],
        nearby: tuple[str, ...],
        action: str,
        place: str,
        now: datetime,
        tick: int,
    ) -> ReactDecision | None:
        """Asks whether to react; returns the decision (None if the call failed)."""
        services = self.services
        for name in nearby:
            self.last_considered[name] = tick
        memories = services.memory.retrieve(services.name, [*observations, *nearby], now, k=5)
        return await services.ask(
            "react",
            "react",
            react_model(tuple(nearby)),
            tick,
            now,
            time=now.strftime("%H:%M"),
            place=place,
            action=action,
            observations=observations,
            memories=[m.record.text for m in memories],
            nearby=list(nearby),
        )

    def talked(self, other: str, tick: int) -> None:
        """Notes a conversation with ``other`` (starts the cooldown)."""
        self.last_talk[other] = tick

    def get_state(self) -> dict[str, dict[str, int]]:
        """Returns the talk cooldowns for a checkpoint."""
        return {"talk": dict(self.last_talk), "considered": dict(self.last_considered)}

    def set_state(self, state: dict[str, dict[str, int]]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.last_talk = {str(k): int(v) for k, v in state["talk"].items()}
        self.last_considered = {str(k): int(v) for k, v in state["considered"].items()}

"""Frames: what every sink (trajectory, viewer, data collector) receives once per tick."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from simulation.events import Event


class AgentSnapshot(BaseModel):
    """One agent's visible state at a tick."""

    model_config = ConfigDict(frozen=True)

    name: str
    x: int
    y: int
    action: str
    emoji: str = ""
    place: str | None = None
    utterance: str | None = None
    conversation: str | None = None
    asleep: bool = False
    walked: tuple[tuple[int, int], ...] = ()
    """The tiles stepped on this tick, in order, ending on ``(x, y)`` (empty when standing)."""


class Frame(BaseModel):
    """The town at one tick: where everyone is, what they do and say, and what happened."""

    model_config = ConfigDict(frozen=True)

    tick: int
    time: datetime
    agents: tuple[AgentSnapshot, ...]
    events: tuple[Event, ...] = ()
    object_states: dict[str, str] = {}
    llm_tokens: int = 0
    """LLM tokens the run has used so far (a running total)."""
    llm_cost_usd: float = 0.0
    """LLM cost of the run so far, in US dollars (a running total)."""

    def agent(self, name: str) -> AgentSnapshot:
        """Returns the snapshot of the named agent.

        Raises:
            KeyError: If no agent has that name.
        """
        for snapshot in self.agents:
            if snapshot.name == name:
                return snapshot
        raise KeyError(name)

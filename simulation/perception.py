"""What a body perceives in a tick: typed observations handed to its mind."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Observation(BaseModel):
    """One thing an agent noticed.

    Attributes:
        kind: An agent seen, an object's state, an event, or words heard.
        subject: Who or what it is about (agent name, object address, event source).
        text: The observation in words, e.g. "Maria is brewing coffee".
        place: Where it happened.
        distance: Tiles from the observer (0 for events addressed to it).
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["agent", "object", "event"]
    subject: str
    text: str
    place: str | None = None
    distance: int = 0


class ConversationView(BaseModel):
    """The conversation an agent is in, as it sees it."""

    model_config = ConfigDict(frozen=True)

    id: str
    participants: tuple[str, ...]
    turns: tuple[tuple[str, str], ...] = ()
    your_turn: bool = False


class Perception(BaseModel):
    """Everything a mind is told at the start of its decision in a tick."""

    model_config = ConfigDict(frozen=True)

    agent: str
    tick: int
    time: datetime
    position: tuple[int, int]
    arena: str | None
    sector: str | None
    action: str
    action_done: bool = Field(description="The current action has run its course (or none).")
    asleep: bool = False
    observations: tuple[Observation, ...] = ()
    nearby: tuple[str, ...] = Field((), description="Awake agents within reach in the same arena.")
    conversation: ConversationView | None = None
    finished: tuple[ConversationView, ...] = Field(
        (), description="Conversations that ended since the last tick, with all their turns."
    )
    outcome: str | None = Field(None, description="Why the last intended action was refused.")
    refused_object: str | None = Field(
        None, description="The object the last action could not use because it was in use."
    )

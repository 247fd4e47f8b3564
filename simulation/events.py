"""Typed events: everything that happens in a run, as recorded in frames and trajectories."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventKind(StrEnum):
    """What an event records."""

    MOVEMENT = "movement"
    ACTION_START = "action_start"
    ACTION_END = "action_end"
    ACTION_REFUSED = "action_refused"
    UTTERANCE = "utterance"
    CONVERSATION_START = "conversation_start"
    CONVERSATION_JOIN = "conversation_join"
    CONVERSATION_END = "conversation_end"
    OBSERVATION = "observation"
    MEMORY_ADDED = "memory_added"
    REFLECTION = "reflection"
    PLAN = "plan"
    REPLAN = "replan"
    NARRATOR = "narrator"
    USER_EVENT = "user_event"
    WHISPER = "whisper"
    OBJECT_STATE = "object_state"
    LLM_FALLBACK = "llm_fallback"
    SLEEP = "sleep"
    WAKE = "wake"


class Event(BaseModel):
    """One thing that happened at a tick.

    Attributes:
        kind: What the event records.
        tick: The tick it happened in.
        time: Simulated date-time.
        agents: The agents it concerns (actor first).
        place: The place address where it happened, if any.
        text: Human-readable text (an utterance, a plan, a narrator line).
        data: Kind-specific details (importance, evidence ids, fallback reason...).
    """

    model_config = ConfigDict(frozen=True)

    kind: EventKind
    tick: int
    time: datetime
    agents: tuple[str, ...] = ()
    place: str | None = None
    text: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)

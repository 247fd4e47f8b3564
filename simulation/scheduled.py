"""Environment events the narrator releases: scheduled, injected by a user, or ambient."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from simulation.events import EventKind

AMBIENT_LINES = (
    "A light drizzle starts to fall.",
    "The clouds part and the sun comes out.",
    "A cool breeze sweeps through the streets.",
    "Church bells ring in the distance.",
    "A delivery van stops outside {sector} and drops off crates.",
    "A stray cat wanders past {sector}.",
)


class TownEvent(BaseModel):
    """An environment event waiting to be released.

    Attributes:
        time: When it happens.
        text: What happens, in words.
        place: A sector or arena address where it happens; ``None`` for the whole town.
        agents: Who perceives it regardless of place (a phone call, a letter).
        kind: ``narrator`` for scheduled/ambient events, ``user_event`` for injected ones.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    time: datetime
    text: str = Field(min_length=1, max_length=400)
    place: str | None = None
    agents: tuple[str, ...] = ()
    kind: EventKind = EventKind.NARRATOR


class EventJudge(Protocol):
    """Judges what the narrator's rules cannot: where an event given only in words happens."""

    async def place_of(self, event: TownEvent, sectors: list[str], tick: int) -> str | None:
        """Returns the sector where ``event`` happens, or None if it concerns the whole town."""
        ...


class EventQueue:
    """Events not yet released, in time order; ambient ones drawn from the model's RNG.

    Args:
        ambient_per_hour: Chance each simulated hour of an ambient event (0 turns them off).
        ambient_sectors: Sector names ambient events may mention.
    """

    def __init__(self, ambient_per_hour: float = 0.0, ambient_sectors: tuple[str, ...] = ()):
        self.ambient_per_hour = ambient_per_hour
        self.ambient_sectors = ambient_sectors
        self.pending: list[TownEvent] = []

    def add(self, event: TownEvent) -> None:
        """Queues an event."""
        self.pending.append(event)
        self.pending.sort(key=lambda e: e.time)

    def release(self, now: datetime, step: timedelta, rng: random.Random) -> list[TownEvent]:
        """Returns the events due by ``now`` (plus a seeded ambient one) and forgets them."""
        due = [e for e in self.pending if e.time <= now]
        self.pending = [e for e in self.pending if e.time > now]
        chance = self.ambient_per_hour * step.total_seconds() / 3600
        if chance > 0 and rng.random() < chance:
            line = rng.choice(AMBIENT_LINES)
            if "{sector}" in line:
                if not self.ambient_sectors:
                    return due
                sector = rng.choice(self.ambient_sectors)
                due.append(TownEvent(time=now, text=line.format(sector=sector), place=sector))
            else:
                due.append(TownEvent(time=now, text=line))
        return due

    def get_state(self) -> list[dict[str, object]]:
        """Returns the pending events for a checkpoint."""
        return [e.model_dump(mode="json") for e in self.pending]

    def set_state(self, state: list[dict[str, object]]) -> None:
        """Restores pending events made by :meth:`get_state`."""
        self.pending = [TownEvent.model_validate(e) for e in state]

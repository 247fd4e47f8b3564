"""Simulated time: a date-time that advances a fixed number of minutes per tick."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator

TIME_FORMAT = "%Y-%m-%d %H:%M"


def parse_datetime(text: str) -> datetime:
    """Parses ``YYYY-MM-DD HH:MM``.

    Raises:
        ValueError: With a message that shows the expected format.
    """
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT)
    except ValueError:
        raise ValueError(f"{text!r} is not a date-time like '2026-02-13 07:00'") from None


def _normalised_datetime(text: str) -> str:
    return parse_datetime(text).strftime(TIME_FORMAT)


DateTimeText = Annotated[str, AfterValidator(_normalised_datetime)]
"""A ``YYYY-MM-DD HH:MM`` field of a config or scenario, checked and normalised."""


class SimClock:
    """The town's clock.

    Args:
        start: Simulated date-time of tick 0.
        minutes_per_tick: Simulated minutes that pass in one tick.
    """

    def __init__(self, start: datetime, minutes_per_tick: int = 10) -> None:
        if minutes_per_tick < 1:
            raise ValueError("minutes_per_tick must be at least 1")
        self.start = start
        self.minutes_per_tick = minutes_per_tick
        self.tick = 0

    @property
    def now(self) -> datetime:
        """The simulated date-time of the current tick."""
        return self.start + timedelta(minutes=self.tick * self.minutes_per_tick)

    @property
    def step(self) -> timedelta:
        """The simulated time one tick spans."""
        return timedelta(minutes=self.minutes_per_tick)

    def advance(self, ticks: int = 1) -> datetime:
        """Moves the clock forward and returns the new time."""
        self.tick += ticks
        return self.now

    def get_state(self) -> dict[str, object]:
        """Returns the clock's state for a checkpoint."""
        return {
            "start": self.start.strftime(TIME_FORMAT),
            "minutes_per_tick": self.minutes_per_tick,
            "tick": self.tick,
        }

    def set_state(self, state: dict[str, object]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.start = parse_datetime(str(state["start"]))
        self.minutes_per_tick = int(state["minutes_per_tick"])  # type: ignore[arg-type]
        self.tick = int(state["tick"])  # type: ignore[arg-type]

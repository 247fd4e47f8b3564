"""The configuration of a run, saved as ``run.json`` so a run can be resumed or forked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agents.cognition.parts import MindParts
from agents.llm.settings import LLMSettings
from agents.memory.index import ChromaSettings
from simulation.clock import DateTimeText, parse_datetime
from worlds.hours import parse_clock_time

DEFAULT_START = "2026-02-13 07:00"


class ScheduledEventSpec(BaseModel):
    """An environment event given in a config or on the command line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: str = Field(description="'HH:MM' on the first day, or 'YYYY-MM-DD HH:MM'.")
    text: str = Field(min_length=1, max_length=400)
    place: str | None = None

    @field_validator("at")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        if len(value.strip()) <= 5:
            parse_clock_time(value)
        else:
            parse_datetime(value)
        return value.strip()

    def when(self, start: datetime) -> datetime:
        """The event's date-time: ``HH:MM`` on the first day, or the next if before ``start``.

        An event at 06:00 in a run that starts at 07:00 happens the next morning.
        """
        if len(self.at) > 5:
            return parse_datetime(self.at)
        clock = parse_clock_time(self.at)
        when = start.replace(hour=clock.hour, minute=clock.minute)
        return when if when >= start else when + timedelta(days=1)


class WhisperSpec(BaseModel):
    """An inner-voice memory given to an agent at the start of the run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent: str
    text: str = Field(min_length=1, max_length=400)


class RunConfig(BaseModel):
    """Everything that defines a run (secrets excluded: keys stay in the environment)."""

    model_config = ConfigDict(extra="forbid")

    world: str = "maplewood"
    personas: list[str] = Field(default_factory=list, description="Names; empty = the first N.")
    agents: int | None = Field(None, ge=1, le=1000)
    start: DateTimeText = DEFAULT_START
    hours: float = Field(4.0, gt=0, le=24 * 30)
    minutes_per_tick: int = Field(10, ge=1, le=60)
    seed: int = 0
    llm: LLMSettings = Field(default_factory=LLMSettings)
    llm_cache: str | None = Field(None, description="Response cache file; default: user cache.")
    events: list[ScheduledEventSpec] = Field(default_factory=list)
    whispers: list[WhisperSpec] = Field(default_factory=list)
    checkpoint_every: int = Field(6, ge=1)
    checkpoint_keep_last: int = Field(
        10, ge=1, description="How many of the newest checkpoints are kept."
    )
    checkpoint_keep_every: int = Field(
        144, ge=1, description="Checkpoints at multiples of this tick are kept too (144: daily)."
    )
    vision_radius: int = Field(4, ge=1, le=50)
    attention_bandwidth: int = Field(
        8, ge=1, le=50, description="People and changed objects taken in per tick, nearest first."
    )
    retention_ticks: int = Field(6, ge=1)
    reflection_threshold: int = Field(150, ge=1)
    mind: MindParts = Field(
        default_factory=MindParts, description="Parts of the mind switched off for ablations."
    )
    conversation_mode: Literal["line", "scene"] = Field(
        "scene", description="'scene': the opener writes the exchange; 'line': a call per line."
    )
    ambient_per_hour: float = Field(0.1, ge=0, le=10)
    embedder: str | None = None
    chroma: ChromaSettings | None = None

    @property
    def start_time(self) -> datetime:
        """The start as a date-time."""
        return parse_datetime(self.start)

    @property
    def ticks(self) -> int:
        """Ticks in the configured span."""
        return max(1, round(self.hours * 60 / self.minutes_per_tick))

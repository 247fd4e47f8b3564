"""Scenarios: seeded whispers and events, the facts to track and the questions to ask, as data.

A scenario is a YAML file next to its world (``worlds/towns/<town>/scenarios/<name>.yaml``).
Times are relative to the start day: ``day: 0`` is the day the run starts, ``at: "17:00"`` the
clock time on that day. A whisper without ``at`` is given when the run starts.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.evaluation.errors import ScenarioError
from agents.evaluation.evaluate import AttendanceWindow
from agents.persona import Persona
from agents.run_config import DEFAULT_START, ScheduledEventSpec, WhisperSpec
from simulation.analysis.facts import Fact
from simulation.clock import TIME_FORMAT, DateTimeText, parse_datetime
from worlds.errors import Problem, problems_from_validation_error
from worlds.hours import ClockTime, parse_clock_time
from worlds.loader import TOWNS_DIR
from worlds.world import World
from worlds.yaml_io import load_yaml

Day = Annotated[int, Field(ge=0, le=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioWhisper(_Strict):
    """An inner-voice memory given to an agent (the seed of a fact)."""

    agent: str = Field(min_length=1)
    text: str = Field(min_length=1, max_length=400)
    day: Day = 0
    at: ClockTime | None = None


class ScenarioEvent(_Strict):
    """An environment event the narrator releases at a time, at a place or town-wide."""

    text: str = Field(min_length=1, max_length=400)
    day: Day = 0
    at: ClockTime
    place: str | None = None


class AttendanceCheck(_Strict):
    """Who shows up where, when: those who knew the fact before ``start`` count as invited."""

    fact: str
    place: str = Field(min_length=1)
    day: Day = 0
    start: ClockTime
    end: ClockTime


class Scenario(_Strict):
    """A scenario: the town, who takes part, what is seeded, and what is measured.

    Attributes:
        name: A short slug.
        world: Bundled world name or path.
        start: ``YYYY-MM-DD HH:MM`` of the first tick.
        days: Simulated days (fractions allowed).
        agents: How many personas (the cast first, then the world's in file order).
        cast: Personas who must take part (whispered agents are added automatically).
        whispers: Seeds given to agents.
        events: Environment events.
        facts: Facts whose spread is measured.
        attendance: An attendance check.
        questions: Extra questions put to every agent after the run.
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)
    description: str = ""
    world: str = "maplewood"
    start: DateTimeText = DEFAULT_START
    days: float = Field(2.0, gt=0, le=30)
    agents: int | None = Field(None, ge=1, le=1000)
    cast: list[str] = Field(default_factory=list)
    whispers: list[ScenarioWhisper] = Field(default_factory=list)
    events: list[ScenarioEvent] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    attendance: AttendanceCheck | None = None
    questions: list[Annotated[str, Field(min_length=5, max_length=300)]] = Field(
        default_factory=list
    )

    @property
    def start_time(self) -> datetime:
        """The start as a date-time."""
        return parse_datetime(self.start)

    def when(self, day: int, at: str | None) -> datetime:
        """The date-time of ``at`` on the ``day``-th day of the run (the start if ``None``)."""
        if at is None:
            return self.start_time
        clock = parse_clock_time(at)
        base = self.start_time + timedelta(days=day)
        return base.replace(hour=clock.hour, minute=clock.minute)

    def required_cast(self) -> list[str]:
        """The cast, then whispered agents not in it, without repeats."""
        names = list(self.cast)
        names += [w.agent for w in self.whispers if w.agent not in names]
        return list(dict.fromkeys(names))

    def start_whispers(self) -> list[WhisperSpec]:
        """Whispers given when the run starts (at or before the first tick)."""
        return [
            WhisperSpec(agent=w.agent, text=w.text)
            for w in self.whispers
            if self.when(w.day, w.at) <= self.start_time
        ]

    def timed_whispers(self) -> list[tuple[datetime, str, str]]:
        """Later whispers as ``(time, agent, text)``, in time order."""
        later = [
            (self.when(w.day, w.at), w.agent, w.text)
            for w in self.whispers
            if self.when(w.day, w.at) > self.start_time
        ]
        return sorted(later)

    def run_events(self) -> list[ScheduledEventSpec]:
        """The events as a run config's scheduled events (absolute times)."""
        return [
            ScheduledEventSpec(
                at=self.when(e.day, e.at).strftime(TIME_FORMAT), text=e.text, place=e.place
            )
            for e in self.events
        ]

    def attendance_window(self) -> AttendanceWindow | None:
        """The attendance check with absolute times."""
        a = self.attendance
        if a is None:
            return None
        return AttendanceWindow(a.fact, a.place, self.when(a.day, a.start), self.when(a.day, a.end))

    def without_intervention(self) -> Scenario:
        """The control condition: the same town and questions, nothing seeded."""
        return self.model_copy(update={"whispers": [], "events": []})


def _cross_problems(scenario: Scenario, source: str) -> list[Problem]:
    problems = []
    names = [f.name for f in scenario.facts]
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append(Problem(source, f"facts[{i}].name", f"fact {name!r} is named twice"))
    a = scenario.attendance
    if a is not None:
        if a.fact not in names:
            known = ", ".join(names) or "none"
            problems.append(
                Problem(source, "attendance.fact", f"no fact named {a.fact!r}; facts: {known}")
            )
        if a.end <= a.start:
            problems.append(
                Problem(source, "attendance.end", f"ends at {a.end}, not after {a.start}")
            )
    return problems


def parse_scenario(data: object, source: str, lines: dict | None = None) -> Scenario:
    """Validates a scenario mapping.

    Raises:
        ScenarioError: Naming the file, the field path and the fix, for every problem.
    """
    if not isinstance(data, dict):
        raise ScenarioError(source, "", "expected a YAML mapping with name, world, facts...")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, source, model=Scenario, lines=lines)
        raise ScenarioError.from_problems(problems) from None
    problems = _cross_problems(scenario, source)
    if problems:
        raise ScenarioError.from_problems(problems)
    return scenario


def bundled_scenarios() -> dict[str, Path]:
    """Scenario files of the bundled towns, by name."""
    return {p.stem: p for p in sorted(TOWNS_DIR.glob("*/scenarios/*.yaml"))}


def scenario_path(path_or_name: str | os.PathLike[str]) -> Path:
    """The file a scenario name or path refers to.

    Raises:
        ScenarioError: If it is neither a file nor a bundled scenario.
    """
    path = Path(path_or_name)
    if path.is_file():
        return path
    bundled = bundled_scenarios()
    if str(path_or_name) in bundled:
        return bundled[str(path_or_name)]
    raise ScenarioError(
        str(path_or_name),
        "",
        f"no such scenario: not a file nor a bundled one ({', '.join(bundled) or 'none'})",
        "give a bundled name or a path to a scenario .yaml",
    )


def load_scenario(path_or_name: str | os.PathLike[str]) -> Scenario:
    """Loads and validates a scenario by bundled name or path.

    Raises:
        ScenarioError: If the file is missing, not YAML, or invalid.
    """
    path = scenario_path(path_or_name)
    data, lines = load_yaml(path, ScenarioError)
    return parse_scenario(data, str(path), lines)


def check_against_world(
    scenario: Scenario, world: World, personas: list[Persona], source: str | None = None
) -> None:
    """Checks a scenario's names and places against a world and its personas.

    Raises:
        ScenarioError: Listing every unknown persona or place.
    """
    where = source or scenario.name
    known = {p.name for p in personas}
    problems = []
    for i, name in enumerate(scenario.cast):
        if name not in known:
            problems.append(_unknown_person(where, f"cast[{i}]", name, known))
    for i, w in enumerate(scenario.whispers):
        if w.agent not in known:
            problems.append(_unknown_person(where, f"whispers[{i}].agent", w.agent, known))
    places = [(f"events[{i}].place", e.place) for i, e in enumerate(scenario.events) if e.place]
    if scenario.attendance is not None:
        places.append(("attendance.place", scenario.attendance.place))
    for field, place in places:
        if world.find(place) is None:
            problems.append(
                Problem(
                    where,
                    field,
                    f"no place {place!r} in world {world.name!r}",
                    "use a sector or 'Sector:arena' address from the world file",
                )
            )
    if problems:
        raise ScenarioError.from_problems(problems)


def _unknown_person(where: str, field: str, name: str, known: set[str]) -> Problem:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1)
    fix = f"did you mean {close[0]!r}?" if close else "use a persona name of this world"
    return Problem(where, field, f"no persona named {name!r} in this world", fix)

"""Personas: who each simulated person is, loaded from YAML (or TinyTroupe ``.agent.json``).

The schema follows the persona literature (SPeCtrum): social identity (occupation, roles,
groups), personal identity (Big Five, traits, values, speaking style) and life context
(routines, preferences, backstory), plus what the simulation needs: wake/sleep times, a home
and a workplace in the world, and initial relationships.

Relationship names outside the cast are allowed (parents out of town, an ex in another city):
:func:`validate_against_world` returns them as warnings, since they are background knowledge,
not errors. Home and workplace must exist in the world; that is an error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from worlds.errors import Problem, SpecError, problems_from_validation_error
from worlds.hours import ClockTime, parse_clock
from worlds.places import GameObject
from worlds.world import World
from worlds.yaml_io import load_yaml

logger = logging.getLogger(__name__)

BIG_FIVE = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
PERSONA_SUFFIXES = (".yaml", ".yml", ".json")


class PersonaError(SpecError):
    """A persona file is invalid, or a persona does not fit the world."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BigFive(_Strict):
    """Big Five personality scores, each from 0 (very low) to 1 (very high)."""

    openness: float = Field(ge=0, le=1)
    conscientiousness: float = Field(ge=0, le=1)
    extraversion: float = Field(ge=0, le=1)
    agreeableness: float = Field(ge=0, le=1)
    neuroticism: float = Field(ge=0, le=1)


class Preferences(_Strict):
    """Things a person likes, dislikes and is interested in."""

    likes: tuple[str, ...] = ()
    dislikes: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()


class Persona(_Strict):
    """One simulated person (text fields are stripped of surrounding whitespace).

    Attributes:
        name: Full name, unique in the cast.
        home: Address of a sector or arena of the world, e.g. ``"Maple Court:flat 2"``.
        workplace: Address where they work, if any.
        relationships: ``{other person's name: how this person sees them}``.
        currently: What is going on in their life as the simulation starts.
        facts: Anything else worth knowing (imported unknown fields land here as ``"key: value"``).
        emoji: Optional marker for the viewer.
        color: Optional ``#RRGGBB`` colour for the viewer.
    """

    name: str = Field(min_length=1, max_length=80, pattern=r"^[^:\n]+$")
    age: int = Field(ge=0, le=120)
    gender: str | None = None
    pronouns: str | None = None
    nationality: str | None = None
    education: str | None = None
    # social identity
    occupation: str | None = None
    roles: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    # personal identity
    big_five: BigFive | None = None
    traits: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    beliefs: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    speaking_style: str = ""
    # life context
    routines: tuple[str, ...] = ()
    habits: tuple[str, ...] = ()
    preferences: Preferences = Preferences()
    backstory: str = Field(default="", max_length=800)
    wake_time: ClockTime = "07:00"
    sleep_time: ClockTime = "23:00"
    home: str | None = None
    workplace: str | None = None
    relationships: dict[str, str] = Field(default_factory=dict)
    currently: str = ""
    facts: tuple[str, ...] = ()
    emoji: str | None = Field(default=None, max_length=8)
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    _source: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Persona) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    @property
    def first_name(self) -> str:
        """The first word of the name."""
        return self.name.split()[0]

    @property
    def source(self) -> str | None:
        """The file this persona was loaded from, if any."""
        return self._source

    @property
    def wake_minute(self) -> int:
        """Wake time in minutes after midnight."""
        return parse_clock(self.wake_time)

    @property
    def sleep_minute(self) -> int:
        """Sleep time in minutes after midnight."""
        return parse_clock(self.sleep_time)

    def describe(self) -> str:
        """A short plain-text identity (name, age, occupation, traits, style) for prompts."""
        parts = [f"{self.name}, {self.age}" + (f", {self.occupation}" if self.occupation else "")]
        if self.traits:
            parts.append("Traits: " + ", ".join(self.traits) + ".")
        if self.speaking_style:
            parts.append("Speaks: " + self.speaking_style)
        if self.backstory:
            parts.append(self.backstory)
        return "\n".join(parts)


def attach_source(persona: Persona, source: str) -> Persona:
    """Remembers which file a persona came from (for error messages); returns it."""
    persona._source = source
    return persona


def parse_persona(data: Any, source: str, lines: dict | None = None) -> Persona:
    """Validate one persona mapping (from YAML) and remember its source file.

    Raises:
        PersonaError: Naming the file, the field and what was expected.
    """
    if not isinstance(data, dict):
        raise PersonaError(
            source,
            "",
            "expected a YAML mapping with name, age, home...",
            "see worlds/towns/maplewood/personas/ for examples",
        )
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, source, model=Persona, lines=lines)
        raise PersonaError.from_problems(problems) from None
    return attach_source(persona, source)


def load_persona(path: str | os.PathLike[str]) -> Persona:
    """Load one persona file: ``.yaml``/``.yml``, or a TinyTroupe ``.agent.json``/``.json``."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        from agents.tinytroupe import from_tinytroupe, load_tinytroupe

        return from_tinytroupe(load_tinytroupe(path), str(path))
    data, lines = load_yaml(path, PersonaError)
    return parse_persona(data, str(path), lines)


def load_personas(
    folder_or_files: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[Persona]:
    """Load personas from a folder, one file, or a list of files.

    A folder contributes every ``*.yaml``, ``*.yml`` and ``*.json`` (TinyTroupe) file, sorted
    by file name.

    Returns:
        Personas in file order (bundled files are numbered so the first few form a good cast).

    Raises:
        PersonaError: With every problem found across the files, including duplicate names.
    """
    if isinstance(folder_or_files, str | os.PathLike):
        root = Path(folder_or_files)
        if root.is_dir():
            files = sorted(p for p in root.iterdir() if p.suffix.lower() in PERSONA_SUFFIXES)
            if not files:
                raise PersonaError(
                    str(root),
                    "",
                    "no persona files (*.yaml, *.agent.json) here",
                    "add one YAML file per person",
                )
        else:
            files = [root]
    else:
        files = [Path(f) for f in folder_or_files]
    personas: list[Persona] = []
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    for path in files:
        try:
            persona = load_persona(path)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        if persona.name in first_file:
            problems.append(
                Problem(
                    str(path),
                    "name",
                    f"persona name {persona.name!r} is also used "
                    f"in {first_file[persona.name]}; expected unique names",
                    "rename one of them",
                )
            )
            continue
        first_file[persona.name] = str(path)
        personas.append(persona)
    if problems:
        raise PersonaError.from_problems(problems)
    return personas


def validate_against_world(personas: Iterable[Persona], world: World) -> list[str]:
    """Check that personas fit a world.

    Errors: a missing home, a home or workplace that is not a sector or arena of the world, a
    relationship to oneself, duplicate names. Warnings (returned and logged): a home not listed
    among the world's homes, a workplace not among its workplaces, relationships naming someone
    outside the given cast (kept as background knowledge).

    Returns:
        Warning lines (``"file: field: message"``).

    Raises:
        PersonaError: With every error found.
    """
    cast = list(personas)
    names = {p.name for p in cast}
    homes = [world.normalize(h) for h in world.homes]
    problems: list[Problem] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for p in cast:
        src = p.source or f"<persona {p.name}>"
        if p.name in seen:
            problems.append(Problem(src, "name", f"{p.name!r} appears twice in the cast"))
        seen.add(p.name)
        if p.home is None:
            problems.append(
                Problem(
                    src,
                    "home",
                    f"missing; expected the address of a home in {world.name}",
                    f"set home: to one of {', '.join(homes)}",
                )
            )
        else:
            _check_place(p.home, "home", src, world, problems)
            if world.find(p.home) is not None and not _listed(world, p.home, world.homes):
                warnings.append(f"{src}: home: {p.home!r} is not one of the world's homes")
        if p.workplace is not None:
            _check_place(p.workplace, "workplace", src, world, problems)
            if world.find(p.workplace) is not None and not _listed(
                world, p.workplace, world.workplaces
            ):
                warnings.append(
                    f"{src}: workplace: {p.workplace!r} is not one of the world's workplaces"
                )
        for other in p.relationships:
            if other == p.name:
                problems.append(
                    Problem(
                        src,
                        f"relationships.{other}",
                        "a persona cannot have a relationship with itself",
                        "remove this entry",
                    )
                )
            elif other not in names:
                warnings.append(
                    f"{src}: relationships.{other}: not in the cast; kept as background knowledge"
                )
    if problems:
        raise PersonaError.from_problems(problems)
    for line in warnings:
        logger.info(line)
    return warnings


def _check_place(address: str, field: str, src: str, world: World, out: list[Problem]) -> None:
    place = world.find(address)
    if place is None or isinstance(place, GameObject):
        import difflib

        known = [s.name for s in world.sectors] + [a.id for a in world.arenas]
        close = difflib.get_close_matches(world.normalize(address), known, n=3)
        fix = (
            f"did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else (f"use a sector or 'Sector:arena' of {world.name}")
        )
        out.append(
            Problem(
                src,
                field,
                f"{address!r} is not a sector or arena of {world.name}; "
                "expected e.g. 'Willow House' or 'Maple Court:flat 2'",
                fix,
            )
        )


def _listed(world: World, address: str, listed: Iterable[str]) -> bool:
    key = world.normalize(address)
    return any(
        key == world.normalize(a) or key.startswith(world.normalize(a) + ":") for a in listed
    )


def format_persona(persona: Persona) -> str:
    """The persona as YAML, in schema order, leaving out empty/default fields.

    The output loads back into an equal :class:`Persona`. A persona without a home (e.g. one
    imported from TinyTroupe) gets a closing comment reminding the author to set it.
    """
    data = persona.model_dump(mode="json", exclude_defaults=True)
    data = {"name": persona.name, "age": persona.age, **data}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if persona.home is None:
        text += "# home: required before use - a home address of the world, e.g. 'Willow House'\n"
    return text

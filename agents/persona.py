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

import json
import logging
import os
import re
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


def _attach_source(persona: Persona, source: str) -> Persona:
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
    return _attach_source(persona, source)


def load_persona(path: str | os.PathLike[str]) -> Persona:
    """Load one persona file: ``.yaml``/``.yml``, or a TinyTroupe ``.agent.json``/``.json``."""
    path = Path(path)
    if path.suffix.lower() == ".json":
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


# --- TinyTroupe import ---------------------------------------------------------------------

_LEVELS = (
    ("extremely high", 0.95),
    ("very high", 0.9),
    ("extremely low", 0.05),
    ("very low", 0.1),
    ("moderately high", 0.65),
    ("moderately low", 0.35),
    ("above average", 0.65),
    ("below average", 0.35),
    ("high", 0.75),
    ("low", 0.25),
    ("medium", 0.5),
    ("moderate", 0.5),
    ("average", 0.5),
    ("mid", 0.5),
    ("balanced", 0.5),
)
_TRAIT_KEYS = {
    "openness": "openness",
    "openness to experience": "openness",
    "open": "openness",
    "conscientiousness": "conscientiousness",
    "extraversion": "extraversion",
    "extroversion": "extraversion",
    "agreeableness": "agreeableness",
    "neuroticism": "neuroticism",
    "emotional stability": "-neuroticism",
    "stability": "-neuroticism",
}


def load_tinytroupe(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a TinyTroupe ``.agent.json`` file.

    Raises:
        PersonaError: If the file cannot be read or is not a JSON object.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PersonaError(str(path), "", f"cannot read file: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise PersonaError(
            str(path),
            "",
            f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            "fix the JSON syntax (a TinyTroupe "
            '.agent.json is {"type": "TinyPerson", "persona": {...}})',
        ) from exc
    if not isinstance(data, dict):
        raise PersonaError(
            str(path),
            "",
            "expected a JSON object with a 'persona' entry",
            'wrap the spec as {"type": "TinyPerson", "persona": {...}}',
        )
    return data


def from_tinytroupe(data: dict[str, Any], source: str, *, home: str | None = None) -> Persona:
    """Convert a TinyTroupe agent spec (``{"type": "TinyPerson", "persona": {...}}``).

    Known fields map onto the schema (``style`` -> ``speaking_style``, ``long_term_goals`` ->
    ``goals``, ``behaviors.general`` -> ``habits``, ``personality.big_five`` levels such as
    ``"High. Very curious."`` -> scores, with the text kept as a fact). Every other field is kept
    as a ``"key: value"`` fact. TinyTroupe has no home, so ``home`` is ``None`` unless given.

    Raises:
        PersonaError: If there is no ``persona.name`` or no usable ``age``.
    """
    spec = data.get("persona", data if "name" in data else None)
    if not isinstance(spec, dict) or not str(spec.get("name") or "").strip():
        raise PersonaError(
            source,
            "persona.name",
            "missing; expected the person's name in the TinyTroupe spec",
            'add "name" inside "persona"',
        )
    spec = dict(spec)
    facts: list[str] = []
    out: dict[str, Any] = {"name": str(spec.pop("name")).strip(), "home": home}
    out["age"] = _age(spec.pop("age", None), source)
    for key in ("gender", "nationality", "education"):
        if key in spec:
            out[key] = _text(spec.pop(key))
    out["speaking_style"] = _text(spec.pop("style", ""))
    out["goals"] = _strings(spec.pop("long_term_goals", None))
    out["skills"] = _strings(spec.pop("skills", None))
    out["beliefs"] = _strings(spec.pop("beliefs", None))
    out["occupation"] = _occupation(spec.pop("occupation", None), facts)
    out["traits"], out["big_five"] = _personality(spec.pop("personality", None), facts)
    out["preferences"] = _preferences(spec.pop("preferences", None), facts)
    out["habits"], out["routines"] = _behaviors(spec.pop("behaviors", None), facts)
    out["relationships"] = _relationships(spec.pop("relationships", None), facts)
    facts.extend(_strings(spec.pop("other_facts", None)))
    for key, value in spec.items():
        facts.append(f"{key}: {_text(value)}")
    for key, value in data.items():
        if key not in ("persona", "type") and not key.startswith("_") and "persona" in data:
            facts.append(f"{key}: {_text(value)}")
    out["facts"] = [f for f in facts if f.strip()]
    try:
        persona = Persona.model_validate({k: v for k, v in out.items() if v not in (None, "")})
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, source, model=Persona, prefix=("persona",))
        raise PersonaError.from_problems(problems) from None
    return _attach_source(persona, source)


def _age(value: Any, source: str) -> int:
    match = re.search(r"\d+", str(value)) if value is not None else None
    if not match:
        raise PersonaError(
            source,
            "persona.age",
            f"expected an age in years, got {value!r}",
            'add "age": 35 inside "persona"',
        )
    return int(match.group())


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    return "" if value is None else str(value).strip()


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_text(v) for v in value if _text(v)]
    if isinstance(value, dict):
        return [f"{k}: {_text(v)}" for k, v in value.items()]
    return [_text(value)] if _text(value) else []


def _occupation(value: Any, facts: list[str]) -> str | None:
    if not isinstance(value, dict):
        return _text(value) or None
    value = dict(value)
    title, org = _text(value.pop("title", "")), _text(value.pop("organization", ""))
    if value.get("description"):
        facts.append(f"work: {_text(value.pop('description'))}")
    facts.extend(f"occupation {k}: {_text(v)}" for k, v in value.items())
    return (f"{title} at {org}" if title and org else title or org) or None


def _personality(value: Any, facts: list[str]) -> tuple[list[str], dict[str, float] | None]:
    if not isinstance(value, dict):
        return _strings(value), None
    value = dict(value)
    traits = _strings(value.pop("traits", None))
    big_five = _big_five(value.pop("big_five", None), facts)
    facts.extend(f"personality {k}: {_text(v)}" for k, v in value.items())
    return traits, big_five


def _big_five(value: Any, facts: list[str]) -> dict[str, float] | None:
    if not isinstance(value, dict) or not value:
        if value:
            facts.append(f"big five: {_text(value)}")
        return None
    scores: dict[str, float] = {}
    for key, raw in value.items():
        trait = _TRAIT_KEYS.get(str(key).strip().lower().replace("_", " "))
        level = _level(raw)
        if trait is None or level is None:
            facts.append(f"personality ({key}): {_text(raw)}")
            continue
        inverted = trait.startswith("-")
        scores[trait.lstrip("-")] = round(1 - level if inverted else level, 2)
        text = _text(raw)
        if isinstance(raw, str) and len(text.split()) > 1:
            facts.append(f"personality ({key}): {text}")
    if not scores:
        return None
    for trait in BIG_FIVE:
        if trait not in scores:
            scores[trait] = 0.5
            facts.append(f"personality ({trait}): not given, assumed medium")
    return scores


def _level(raw: Any) -> float | None:
    """A 0-1 score from a number (0-1, 1-5 or 0-100) or a level word ("High. ...")."""
    number: float | None = None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).strip().lower()
        try:
            number = float(text.split()[0].rstrip(".,;")) if text else None
        except ValueError:
            number = None
        if number is None:
            head = re.split(r"[.;:(]", text, maxsplit=1)[0]
            for phrase, score in _LEVELS:
                if re.search(rf"\b{phrase}\b", head):
                    return score
            return None
    if 0 <= number <= 1:
        return number
    if 1 < number <= 5:
        return (number - 1) / 4
    if 5 < number <= 100:
        return number / 100
    return None


def _preferences(value: Any, facts: list[str]) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {"likes": _strings(value)}
    value = dict(value)
    out = {k: _strings(value.pop(k, None)) for k in ("likes", "dislikes", "interests")}
    facts.extend(f"preferences {k}: {_text(v)}" for k, v in value.items())
    return out


def _behaviors(value: Any, facts: list[str]) -> tuple[list[str], list[str]]:
    if not isinstance(value, dict):
        return _strings(value), []
    value = dict(value)
    general, routines = _strings(value.pop("general", None)), _strings(value.pop("routines", None))
    for key, items in value.items():
        general.extend(f"{key}: {s}" for s in _strings(items))
    return general, routines


def _relationships(value: Any, facts: list[str]) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): _text(v) for k, v in value.items()}
    out: dict[str, str] = {}
    for item in value or []:
        if isinstance(item, dict) and item.get("name"):
            out[str(item["name"])] = _text(item.get("description", "")) or "known to them"
        elif item:
            facts.append(f"relationship: {_text(item)}")
    return out

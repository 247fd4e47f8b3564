"""A population sampler: N diverse personas from a spec, seeded, the LLM writing the prose.

Numbers (age, traits, occupation, home, workplace, hours) are drawn in code from one seeded RNG;
the LLM only writes what rules cannot (a name, a backstory, a voice). A failed call gets a plain
generated persona and a recorded fallback, never a crash.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from agents.llm.errors import LLMError
from agents.llm.gateway import LLMGateway
from agents.persona import BigFive, Persona
from worlds.world import World

TRAIT_WORDS = {
    "openness": ("curious", "conventional"),
    "conscientiousness": ("organised", "easygoing"),
    "extraversion": ("outgoing", "reserved"),
    "agreeableness": ("warm", "blunt"),
    "neuroticism": ("anxious", "calm"),
}
FALLBACK_FIRST = ("Alex", "Sam", "Robin", "Jamie", "Morgan", "Casey", "Riley", "Jordan")
FALLBACK_LAST = ("Hale", "Moreno", "Ibsen", "Okoye", "Varga", "Lind", "Sato", "Quinn")


class PopulationSpec(BaseModel):
    """What population to draw.

    Attributes:
        count: How many personas.
        min_age: Youngest age.
        max_age: Oldest age.
        occupations: Occupation → relative weight; workplaces are matched by sector kind words.
        trait_range: Range Big Five scores are drawn from.
    """

    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1, le=1000)
    min_age: int = Field(18, ge=0, le=120)
    max_age: int = Field(80, ge=0, le=120)
    occupations: dict[str, float] = Field(
        default_factory=lambda: {
            "barista": 1,
            "shop clerk": 1,
            "student": 2,
            "teacher": 1,
            "nurse": 1,
            "journalist": 1,
            "bartender": 1,
            "retiree": 1,
            "painter": 0.5,
        }
    )
    trait_range: tuple[float, float] = (0.1, 0.9)


class PersonaSketch(BaseModel):
    """The prose the LLM writes for a sampled persona."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(
        min_length=3, max_length=40, pattern=r"^[A-Z][A-Za-z'.-]+( [A-Z][A-Za-z'.-]+)+$"
    )
    backstory: str = Field(min_length=10, max_length=400)
    speaking_style: str = Field(min_length=3, max_length=120)
    routines: list[Annotated[str, Field(min_length=3, max_length=80)]] = Field(max_length=2)
    currently: str = Field(min_length=3, max_length=160)


_WORKPLACE_WORDS = {
    "barista": ("cafe",),
    "shop clerk": ("shop",),
    "student": ("college",),
    "teacher": ("college",),
    "nurse": ("clinic",),
    "journalist": ("office",),
    "bartender": ("bar",),
    "painter": ("studio",),
}


async def sample_population(
    spec: PopulationSpec, world: World, llm: LLMGateway, seed: int, town: str | None = None
) -> tuple[list[Persona], list[str]]:
    """Draws ``spec.count`` personas placed in the world's homes and workplaces.

    Returns:
        The personas, and the notes of any fallback used (a failed LLM call).
    """
    rng = random.Random(seed)
    if not world.homes:
        raise ValueError(f"world {world.name!r} lists no homes to place people in")
    jobs, weights = zip(*spec.occupations.items(), strict=True)
    personas: list[Persona] = []
    notes: list[str] = []
    for i in range(spec.count):
        occupation = rng.choices(jobs, weights)[0]
        age = (
            rng.randint(spec.min_age, spec.max_age)
            if occupation != "student"
            else rng.randint(18, 26)
        )
        low, high = spec.trait_range
        big_five = {k: round(rng.uniform(low, high), 2) for k in TRAIT_WORDS}
        traits = [TRAIT_WORDS[k][0 if v >= 0.5 else 1] for k, v in big_five.items()]
        gender = rng.choice(("woman", "man", "non-binary person"))
        taken = [p.name for p in personas]
        try:
            sketch = await llm.call(
                step="persona_sketch",
                template="persona_sketch",
                output=PersonaSketch,
                inputs={
                    "town": town or world.name,
                    "age": age,
                    "gender": gender,
                    "occupation": occupation,
                    "traits": traits,
                    "taken": taken,
                },
                seed=seed * 1000 + i,
            )
            if sketch.name in taken:
                raise LLMError(f"the name {sketch.name} is taken", step="persona_sketch")
        except LLMError as exc:
            notes.append(f"persona {i + 1}: {exc}; used a plain persona")
            sketch = _plain_sketch(rng, taken, occupation)
        wake = f"{rng.randint(5, 8):02d}:{rng.choice(('00', '30'))}"
        sleep = f"{rng.randint(21, 23):02d}:{rng.choice(('00', '30'))}"
        personas.append(
            Persona(
                name=sketch.name,
                age=age,
                occupation=occupation,
                gender=gender,
                traits=tuple(traits),
                big_five=BigFive(**big_five),
                speaking_style=sketch.speaking_style,
                backstory=sketch.backstory,
                routines=tuple(sketch.routines),
                currently=sketch.currently,
                wake_time=wake,
                sleep_time=sleep,
                home=world.homes[i % len(world.homes)],
                workplace=_workplace(world, occupation, rng),
            )
        )
    return personas, notes


def _plain_sketch(rng: random.Random, taken: list[str], occupation: str) -> PersonaSketch:
    for _ in range(100):
        name = f"{rng.choice(FALLBACK_FIRST)} {rng.choice(FALLBACK_LAST)}"
        if name not in taken:
            break
    else:
        name = f"Resident {len(taken) + 1} Smith"
    return PersonaSketch(
        name=name,
        backstory=f"Works as a {occupation} and has lived in town for years.",
        speaking_style="plain and friendly",
        routines=[],
        currently="settling into the week",
    )


def _workplace(world: World, occupation: str, rng: random.Random) -> str | None:
    words = _WORKPLACE_WORDS.get(occupation)
    if not words:
        return None
    matches = [
        w
        for w in world.workplaces
        if any(word in str(world.sector_of(w).kind) or word in w.lower() for word in words)
    ]
    return rng.choice(matches) if matches else None


def diversity_summary(personas: list[Persona]) -> str:
    """A printed summary: ages, occupations, genders, trait spread and distinct homes."""
    if not personas:
        return "no personas"
    ages = sorted(p.age for p in personas)
    occupations = Counter(p.occupation for p in personas)
    genders = Counter(p.gender for p in personas)
    lines = [
        f"{len(personas)} personas, ages {ages[0]}–{ages[-1]} (median {ages[len(ages) // 2]})",
        "occupations: " + ", ".join(f"{k} {v}" for k, v in occupations.most_common()),
        "genders: " + ", ".join(f"{k} {v}" for k, v in genders.most_common()),
        f"homes used: {len({p.home for p in personas})}, "
        f"workplaces used: {len({p.workplace for p in personas if p.workplace})}",
    ]
    for trait in TRAIT_WORDS:
        values = [getattr(p.big_five, trait) for p in personas if p.big_five]
        if values:
            lines.append(f"{trait}: {min(values):.2f}–{max(values):.2f}")
    return "\n".join(lines)

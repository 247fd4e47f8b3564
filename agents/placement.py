"""Placing a persona in a world: the places it knows, where it starts, its usual day."""

from __future__ import annotations

from agents.cognition.places import KnownArena, KnownPlaces
from agents.cognition.planning import PlanCheck
from agents.cognition.routine import DEFAULT_WORK_HOURS, DayTemplate, parse_routine
from agents.persona import Persona
from simulation.analysis.believability import WORKING_KINDS, PlanItem, plan_anomalies
from worlds.hours import parse_clock, parse_hours
from worlds.places import Arena, PlaceKind
from worlds.world import World

PRIVATE_KINDS = {PlaceKind.HOME}
"""Sector kinds an agent does not enter unless it lives or works there."""


def _label(arena: Arena) -> str:
    return f"{arena.sector}, {arena.name}"


def _known(world: World, arena: Arena) -> KnownArena:
    return KnownArena(
        address=arena.address,
        label=_label(arena),
        objects={o.name: o.address for o in world.objects_in(arena.address)},
        public=world.get_sector(arena.sector).kind not in PRIVATE_KINDS,
    )


def _arenas_of(world: World, address: str) -> list[Arena]:
    place = world.resolve(address)
    if isinstance(place, Arena):
        return [place]
    return list(world.arenas_in(world.sector_of(address).name))


def known_places(world: World, persona: Persona) -> KnownPlaces:
    """The arenas a persona knows: its home, its workplace, and the town's public places.

    Raises:
        KeyError: If the persona's home or workplace is not in the world.
    """
    home_sector = world.sector_of(persona.home).name
    own = _arenas_of(world, persona.home)
    work_sector = world.sector_of(persona.workplace).name if persona.workplace else None
    public = [
        a
        for a in world.arenas
        if a.sector not in (home_sector, work_sector)
        and world.get_sector(a.sector).kind not in PRIVATE_KINDS
    ]
    work = list(world.arenas_in(work_sector)) if work_sector else []
    seen: set[str] = set()
    ordered = []
    for arena in [*own, *world.arenas_in(home_sector), *work, *public]:
        if arena.address not in seen:
            seen.add(arena.address)
            ordered.append(_known(world, arena))
    bed_arena, bed = _bed(world, persona.home or home_sector)
    if bed is None:
        bed_arena, bed = _bed(world, home_sector)
    return KnownPlaces(
        arenas=tuple(ordered),
        home_arena=bed_arena or ordered[0].address,
        bed=bed,
        home_sector=home_sector,
        work_sector=work_sector,
    )


def _bed(world: World, home: str) -> tuple[str | None, str | None]:
    """A bed in the home (an arena address picks the person's own flat's bed)."""
    for obj in world.objects_in(home):
        if "sleep" in obj.affordances or "bed" in obj.name.lower():
            return obj.arena, obj.address
    return None, None


def start_tile(world: World, persona: Persona) -> tuple[int, int]:
    """Where a persona wakes up: its bed, else a walkable tile of its home."""
    places = known_places(world, persona)
    tiles = world.tiles_of(places.bed) if places.bed else world.tiles_of(places.home_arena)
    walkable = sorted(t for t in tiles if world.is_walkable(*t))
    if not walkable:
        raise KeyError(f"{persona.name}'s home {persona.home!r} has no walkable tile")
    return walkable[0]


def day_template(world: World, persona: Persona, places: KnownPlaces) -> DayTemplate:
    """A persona's usual day: its routine, its workplace's hours, meals at home or at work."""
    home = places.home_arena
    mine = {a.address for a in _arenas_of(world, persona.home)}
    own = [a for a in places.arenas if a.address in mine]
    kitchen = next(
        (
            a.address
            for a in own
            if world.get_arena(a.address).kind
            in (PlaceKind.KITCHEN, PlaceKind.DINING, PlaceKind.LIVING)
        ),
        next((a.address for a in own if a.address != home), home),
    )
    work = _arenas_of(world, persona.workplace)[0].address if persona.workplace else None
    hours = DEFAULT_WORK_HOURS
    if persona.workplace:
        opening = world.sector_of(persona.workplace).opening_hours
        if opening:
            hours = parse_hours(opening)[0]
    kinds = {a.address: world.sector_of(a.address).kind.value for a in places.arenas}
    routine, workdays = parse_routine(persona.routines, places, work, hours, kinds)
    return DayTemplate(
        wake=parse_clock(persona.wake_time),
        sleep=parse_clock(persona.sleep_time),
        home=home,
        kitchen=kitchen,
        work=work,
        work_hours=hours,
        routine=routine,
        workdays=workdays,
    )


def plan_check(world: World, persona: Persona) -> PlanCheck:
    """Checks a person's additions to their day: waking hours, meal times, their own job.

    Returns:
        A check that takes (start, activity, place label) items and returns what is wrong
        with them, or None.
    """
    workplace = world.sector_of(persona.workplace).name if persona.workplace else None
    workplaces = {s.name: s.kind.value for s in world.sectors if s.kind in WORKING_KINDS}

    def check(additions: list[tuple[str, str, str]]) -> str | None:
        items = [PlanItem(at, do, place.split(",")[0]) for at, do, place in additions]
        found = [
            a
            for a in plan_anomalies(
                items, persona.wake_time, persona.sleep_time, workplace, workplaces
            )
            if a.kind != "time_back"
        ]
        if not found:
            return None
        return "; ".join(a.detail for a in found) + ". Change these items or leave them out."

    return check

"""Placing a persona in a world: the places it knows, where it starts, its fallback day."""

from __future__ import annotations

from agents.cognition.places import KnownArena, KnownPlaces, ScheduledBlock
from agents.persona import Persona
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
    bed_arena, bed = _bed(world, home_sector)
    return KnownPlaces(
        arenas=tuple(ordered),
        home_arena=bed_arena or ordered[0].address,
        bed=bed,
        home_sector=home_sector,
        work_sector=work_sector,
    )


def _bed(world: World, home_sector: str) -> tuple[str | None, str | None]:
    for obj in world.objects_in(home_sector):
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


def fallback_schedule(world: World, persona: Persona, places: KnownPlaces) -> list[ScheduledBlock]:
    """A plain day used when the model cannot write a schedule: home, work, lunch, home."""
    home = places.home_arena
    work = _arenas_of(world, persona.workplace)[0].address if persona.workplace else home
    lunch = next(
        (
            a.address
            for a in places.arenas
            if world.get_sector(world.sector_of(a.address).name).kind
            in (PlaceKind.CAFE, PlaceKind.PARK)
        ),
        home,
    )
    blocks = [
        ScheduledBlock(start=persona.wake_time, activity="getting ready for the day", arena=home),
        ScheduledBlock(
            start="09:00", activity="working" if persona.workplace else "doing chores", arena=work
        ),
        ScheduledBlock(start="12:00", activity="having lunch", arena=lunch),
        ScheduledBlock(
            start="13:00", activity="working" if persona.workplace else "reading", arena=work
        ),
        ScheduledBlock(start="18:00", activity="relaxing at home", arena=home),
    ]
    return sorted(blocks, key=lambda b: b.start)

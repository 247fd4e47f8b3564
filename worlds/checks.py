"""Consistency checks of a :class:`~worlds.world.World`, reported as :class:`Problem` lists.

Fields are first named in the normalized schema (``arenas[3].tiles``) and then translated to
the author's file through ``origins`` (``{"arenas[3]": "sectors.Cafe.arenas.counter"}``; the
longest matching prefix wins) so the message points at what the author wrote.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from worlds.errors import Problem
from worlds.grid import components
from worlds.places import Tile

if TYPE_CHECKING:
    from worlds.world import World

_OPEN_A_DOOR = "open a gap in the walls (a door '+' or a floor tile) towards a street"


class _Reporter:
    def __init__(self, source: str, origins: Mapping[str, str] | None, lines: Mapping[str, int]):
        self.source, self.origins, self.lines = source, dict(origins or {}), lines
        self.problems: list[Problem] = []

    def add(self, field: str, message: str, fix: str = "") -> None:
        mapped = self._map(field)
        self.problems.append(Problem(self.source, mapped, message, fix, self._line(mapped)))

    def _map(self, field: str) -> str:
        return map_field(field, self.origins)

    def _line(self, field: str) -> int | None:
        while field:
            if field in self.lines:
                return self.lines[field]
            cut = max(field.rfind("."), field.rfind("["))
            field = field[:cut] if cut > 0 else ""
        return None


def map_field(field: str, origins: Mapping[str, str]) -> str:
    """Translate a normalized field path through ``origins`` (longest matching prefix wins)."""
    candidates = [k for k in origins if field == k or field.startswith((k + ".", k + "["))]
    if not candidates:
        return field
    key = max(candidates, key=len)
    return origins[key] + field[len(key) :]


def _where(tiles: Iterable[Tile]) -> str:
    ordered = sorted(tiles, key=lambda t: (t[1], t[0]))
    shown = ", ".join(f"(x={x}, y={y})" for x, y in ordered[:3])
    return shown + (f" and {len(ordered) - 3} more" if len(ordered) > 3 else "")


def world_problems(
    world: World,
    source: str = "<world>",
    origins: Mapping[str, str] | None = None,
    lines: Mapping[str, int] | None = None,
) -> list[Problem]:
    """Every consistency problem of a world (empty list if it is sound).

    Checks: grid shape; unique names; arenas and objects referring to existing parents; tiles on
    the grid and walkable; no overlapping arenas or objects; objects inside their arena; valid
    initial states; spawns on walkable tiles; homes/workplaces naming existing places; every
    arena and spawn reachable from the main walkable area (BFS).
    """
    rep = _Reporter(source, origins, lines or {})
    tiles_ok = _check_grid(world, rep)
    _check_sectors(world, rep)
    tiles_ok &= _check_arenas(world, rep)
    tiles_ok &= _check_objects(world, rep)
    tiles_ok &= _check_spawns(world, rep)
    _check_references(world, rep)
    if tiles_ok:
        _check_reachable(world, rep)
    return rep.problems


def _check_grid(world: World, rep: _Reporter) -> bool:
    ok = True
    if len(world.terrain) != world.height:
        rep.add("terrain", f"has {len(world.terrain)} rows; expected height={world.height}")
        ok = False
    for y, row in enumerate(world.terrain):
        if len(row) != world.width:
            rep.add(f"terrain[{y}]", f"row {y} has {len(row)} tiles; expected width={world.width}")
            ok = False
    return ok


def _check_sectors(world: World, rep: _Reporter) -> None:
    if not world.sectors:
        rep.add(
            "sectors",
            "the world has no sectors; expected at least one",
            "add a sector: in world.yaml a 'sectors:' entry; in a Tiled map a rectangle of class "
            "'sector' in an object layer (or in a layer named 'sectors'), with its arenas and "
            "objects inside it as rectangles of class 'arena' and 'object' (worlds/FORMAT.md, "
            "'Tiled maps')",
        )
    used = {a.sector for a in world.arenas}
    counts = Counter(s.name for s in world.sectors)
    for i, sector in enumerate(world.sectors):
        if counts[sector.name] > 1:
            rep.add(
                f"sectors[{i}].name", f"sector name {sector.name!r} is used twice; expected unique"
            )
        if sector.name not in used:
            rep.add(
                f"sectors[{i}]",
                f"sector {sector.name!r} has no arenas; expected at least one",
                "add an arena (a room or zone) to it",
            )


def _check_arenas(world: World, rep: _Reporter) -> bool:
    ok = True
    sectors = {s.name for s in world.sectors}
    counts = Counter(a.id for a in world.arenas)
    owner: dict[Tile, str] = {}
    for i, arena in enumerate(world.arenas):
        if arena.sector not in sectors:
            rep.add(
                f"arenas[{i}].sector",
                f"arena {arena.name!r} names sector {arena.sector!r}, which does not exist",
                _suggest(arena.sector, sectors),
            )
        if counts[arena.id] > 1:
            rep.add(f"arenas[{i}].name", f"arena {arena.id!r} is defined twice; expected unique")
        outside = [t for t in arena.tiles if not world.in_bounds(*t)]
        blocked = [t for t in arena.tiles if world.in_bounds(*t) and not world.is_walkable(*t)]
        if outside:
            ok = False
            rep.add(
                f"arenas[{i}].tiles",
                f"arena {arena.id!r} has tiles outside the "
                f"{world.width}x{world.height} grid: {_where(outside)}",
            )
        if blocked:
            ok = False
            rep.add(
                f"arenas[{i}].tiles",
                f"arena {arena.id!r} covers non-walkable tiles "
                f"(walls, water, trees) at {_where(blocked)}; expected walkable tiles only",
                "shrink the arena or remove the wall there",
            )
        overlap: dict[str, list[Tile]] = {}
        for tile in arena.tiles:
            if tile in owner and owner[tile] != arena.id:
                overlap.setdefault(owner[tile], []).append(tile)
            owner.setdefault(tile, arena.id)
        for other, shared in overlap.items():
            rep.add(
                f"arenas[{i}].tiles",
                f"arena {arena.id!r} overlaps arena {other!r} at "
                f"{_where(shared)}; expected each tile in at most one arena",
                "move or shrink one of them so they share no tiles",
            )
    return ok


def _check_objects(world: World, rep: _Reporter) -> bool:
    ok = True
    arenas = {a.id: a for a in world.arenas}
    counts = Counter(o.id for o in world.objects)
    owner: dict[Tile, str] = {}
    for i, obj in enumerate(world.objects):
        arena = arenas.get(obj.arena)
        if arena is None:
            rep.add(
                f"objects[{i}].arena",
                f"object {obj.name!r} names arena {obj.arena!r}, which does not exist",
                _suggest(obj.arena, arenas),
            )
        elif not obj.tiles <= arena.tiles:
            ok = False
            rep.add(
                f"objects[{i}].tiles",
                f"object {obj.id!r} is outside its arena at "
                f"{_where(obj.tiles - arena.tiles)}; expected all its tiles inside {arena.id!r}",
                "move the object onto a tile of its arena",
            )
        if counts[obj.id] > 1:
            rep.add(
                f"objects[{i}].name",
                f"object {obj.id!r} is defined twice; expected unique",
                "number them, e.g. 'chair 1', 'chair 2'",
            )
        shared = [t for t in obj.tiles if owner.get(t, obj.id) != obj.id]
        if shared:
            rep.add(
                f"objects[{i}].tiles",
                f"object {obj.id!r} overlaps object "
                f"{owner[shared[0]]!r} at {_where(shared)}; expected one object per tile",
            )
        for tile in obj.tiles:
            owner.setdefault(tile, obj.id)
        if obj.initial_state is not None and obj.initial_state not in obj.states:
            rep.add(
                f"objects[{i}].initial_state",
                f"initial state {obj.initial_state!r} is not one of its states {list(obj.states)}",
                "add it to states or pick one of them",
            )
        if len(set(obj.states)) != len(obj.states):
            rep.add(
                f"objects[{i}].states", f"states {list(obj.states)} repeat a value; expected unique"
            )
    return ok


def _check_spawns(world: World, rep: _Reporter) -> bool:
    ok = True
    counts = Counter(s.name for s in world.spawns)
    for i, spawn in enumerate(world.spawns):
        if counts[spawn.name] > 1:
            rep.add(
                f"spawns[{i}].name", f"spawn name {spawn.name!r} is used twice; expected unique"
            )
        if not world.in_bounds(spawn.x, spawn.y):
            ok = False
            rep.add(
                f"spawns[{i}]",
                f"spawn {spawn.name!r} at {_where([spawn.tile])} is outside the "
                f"{world.width}x{world.height} grid",
            )
        elif not world.is_walkable(spawn.x, spawn.y):
            ok = False
            rep.add(
                f"spawns[{i}]",
                f"spawn {spawn.name!r} at {_where([spawn.tile])} is on a "
                f"{world.terrain_at(spawn.x, spawn.y).value}; expected a walkable tile",
                "move it onto a street, path or floor tile",
            )
    return ok


def _check_references(world: World, rep: _Reporter) -> None:
    known = [s.name for s in world.sectors] + [a.id for a in world.arenas]
    for field in ("homes", "workplaces"):
        for i, address in enumerate(getattr(world, field)):
            place = world.find(address)
            if place is None or type(place).__name__ == "GameObject":
                rep.add(
                    f"{field}[{i}]",
                    f"{field[:-1]} {address!r} is not a sector or arena of this "
                    "world; expected the name of a sector or 'Sector:arena'",
                    _suggest(address, known),
                )


def _check_reachable(world: World, rep: _Reporter) -> None:
    groups = components(world.walkable_tiles())
    if not groups:
        rep.add("terrain", "the world has no walkable tile", "add streets or floors")
        return
    main = groups[0]
    for i, arena in enumerate(world.arenas):
        cut = arena.tiles - main
        if cut:
            rep.add(
                f"arenas[{i}].tiles",
                f"arena {arena.id!r} is not connected to the rest of the "
                f"town over walkable tiles ({len(cut)} of {len(arena.tiles)} tiles cut off, e.g. "
                f"{_where(cut)}); expected every arena reachable",
                _OPEN_A_DOOR,
            )
    for i, spawn in enumerate(world.spawns):
        if spawn.tile not in main:
            rep.add(
                f"spawns[{i}]",
                f"spawn {spawn.name!r} at {_where([spawn.tile])} is not "
                "connected to the rest of the town; expected a reachable tile",
                _OPEN_A_DOOR,
            )


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)
    return f"did you mean {', '.join(repr(c) for c in close)}?" if close else ""

"""Import Generative Agents' town ("the Ville", Park et al. 2023) as a gentown world.

GA keeps a town in ``environment/frontend_server/static_dirs/assets/the_ville/``:

* ``matrix/maze_meta_info.json``: ``world_name``, ``maze_width``, ``maze_height``,
  ``sq_tile_size``, ``special_constraint``;
* ``matrix/special_blocks/*_blocks.csv``: one row per painted block, ``id, world, names...``
  (``sector_blocks.csv``: ``id, the Ville, Hobbs Cafe``; ``arena_blocks.csv``: ``id, the Ville,
  Hobbs Cafe, cafe``; ``game_object_blocks.csv``: ``id, the Ville, <all>, bed``;
  ``spawning_location_blocks.csv``: ``id, the Ville, sector, arena, sp-A``);
* ``matrix/maze/*_maze.csv``: one CSV row of ``maze_width * maze_height`` block ids, row by row
  (``0`` = nothing; in ``collision_maze.csv`` anything else is a wall).

As GA's own ``maze.py`` does, the last column of a block row is the place's name and the world
column is a prefix to drop. Mapping: sector blocks → sectors; arena blocks → arenas, in the
sector most of their tiles lie in; game-object blocks → one object per name and arena (GA's
address ``sector:arena:object``); collision → walls; spawning blocks → spawns. Block ids no CSV
lists are skipped and counted. Kinds, homes, workplaces, opening hours and object types are
guessed from names, and every guess is listed in ``IMPORT_REPORT.md``. GA's art (``visuals/``)
is never read or copied: the written world stands alone.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worlds.catalogue import object_fields, object_type_for
from worlds.ga_files import GA_TOWN_PATH, GATown, find_town_folder, read_ga_town
from worlds.grid import components, neighbours4
from worlds.places import SEPARATOR, PlaceKind, Terrain, Tile
from worlds.world import World, build_world

__all__ = [
    "GA_TOWN_PATH",
    "GAImport",
    "ImportReport",
    "find_town_folder",
    "guess_arena_kind",
    "guess_sector_kind",
    "import_ga_town",
    "import_generative_agents",
    "read_ga_town",
]

_SECTOR_WORDS: tuple[tuple[PlaceKind, str], ...] = (
    (PlaceKind.HOME, r"apartments?|house|home|dorm|dormitory|co-living|flat|cottage|residence"),
    (PlaceKind.CAFE, r"cafe|café|coffee|bakery|diner|restaurant"),
    (PlaceKind.BAR, r"bar|pub|tavern|inn|saloon"),
    (PlaceKind.COLLEGE, r"college|school|university|academy"),
    (PlaceKind.LIBRARY, r"library"),
    (PlaceKind.SHOP, r"shop|store|supply|market|pharmacy|grocery|mart|boutique"),
    (PlaceKind.CLINIC, r"clinic|hospital|doctor|dentist"),
    (PlaceKind.PARK, r"park|gardens?"),
    (PlaceKind.PLAZA, r"plaza|square"),
    (PlaceKind.OFFICE, r"office|bank|agency"),
    (PlaceKind.WORKSHOP, r"workshop|garage|factory"),
)
_ARENA_WORDS: tuple[tuple[PlaceKind, str], ...] = (
    (PlaceKind.BATHROOM, r"bathroom|restroom|toilets?|washroom"),
    (PlaceKind.KITCHEN, r"kitchen"),
    (PlaceKind.LIVING, r"common room|living room|lounge"),
    (PlaceKind.HOME, r"main room"),
    (PlaceKind.BEDROOM, r"bedroom|(?<='s )room|dorm room"),  # "Klaus Mueller's room"
    (PlaceKind.DINING, r"dining( room)?"),
    (PlaceKind.HALLWAY, r"hallway|corridor|hall|lobby"),
    (PlaceKind.CLASSROOM, r"classroom|lecture hall"),
    (PlaceKind.LIBRARY, r"library"),
    (PlaceKind.CAFE, r"cafe|café|coffee"),
    (PlaceKind.BAR, r"bar|pub"),
    (PlaceKind.SHOP, r"shop|store|market|pharmacy|supply"),
    (PlaceKind.PARK, r"park"),
    (PlaceKind.GARDEN, r"garden|yard|backyard"),
    (PlaceKind.OFFICE, r"office"),
    (PlaceKind.STUDIO, r"studio"),
)
DEFAULT_HOURS: dict[PlaceKind, str] = {
    PlaceKind.CAFE: "08:00-20:00",
    PlaceKind.BAR: "16:00-01:00",
    PlaceKind.SHOP: "09:00-19:00",
    PlaceKind.COLLEGE: "08:00-18:00",
    PlaceKind.LIBRARY: "09:00-20:00",
    PlaceKind.CLINIC: "08:00-18:00",
    PlaceKind.OFFICE: "09:00-17:00",
    PlaceKind.WORKSHOP: "08:00-17:00",
}
"""Guessed daily hours of sectors by kind; these kinds are also guessed to be workplaces."""

OBJECT_ALIASES: tuple[tuple[str, str], ...] = (
    ("closet", "wardrobe"),
    ("refrigerator", "fridge"),
    ("cooking area", "stove"),
    ("blackboard", "whiteboard"),
    ("podium", "lectern"),
    ("seating", "seats"),
    ("garden", "flower bed"),
    ("couch", "sofa"),
    ("television", "tv"),
)
"""GA object names (or their last words) -> the catalogue type they are guessed to be."""


@dataclass
class ImportReport:
    """Every guess and adjustment an import made (written as ``IMPORT_REPORT.md``)."""

    source: str
    sector_kinds: list[tuple[str, str, str]] = field(default_factory=list)
    arena_kinds: list[tuple[str, str, str]] = field(default_factory=list)
    opening_hours: list[tuple[str, str]] = field(default_factory=list)
    homes: list[str] = field(default_factory=list)
    workplaces: list[str] = field(default_factory=list)
    object_types: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    unlisted: dict[str, Counter[str]] = field(default_factory=dict)
    adjustments: list[str] = field(default_factory=list)


@dataclass
class GAImport:
    """An imported world and the report of how it was made."""

    world: World
    report: ImportReport


def import_ga_town(path: str | os.PathLike[str]) -> GAImport:
    """Read a GA town folder and build the gentown world (nothing is written).

    Raises:
        WorldError: For unreadable or malformed GA files (see :func:`read_ga_town`).
    """
    town = read_ga_town(path)
    return _Builder(town).build()


class _Builder:
    def __init__(self, town: GATown) -> None:
        self.town = town
        self.report = ImportReport(source=str(town.folder))
        self.report.adjustments += town.notes
        self.tiles = [(x, y) for y in range(town.height) for x in range(town.width)]

    def cells(self, layer: str) -> dict[str, set[Tile]]:
        """Tiles of each listed block id of a maze; unlisted ids are counted in the report."""
        listed = self.town.blocks.get(layer, {})
        out: dict[str, set[Tile]] = {}
        unlisted: Counter[str] = Counter()
        for tile, cell in zip(self.tiles, self.town.mazes[layer], strict=True):
            if cell == "0":
                continue
            if cell in listed:
                out.setdefault(cell, set()).add(tile)
            else:
                unlisted[cell] += 1
        if unlisted:
            self.report.unlisted[f"maze/{layer}_maze.csv"] = unlisted
        painted = set(out)
        never = [b.name for i, b in listed.items() if i not in painted]
        if never and layer != "spawning_location":
            self.note(
                f"{len(never)} {layer.replace('_', ' ')} block(s) listed in the CSV are not "
                f"on the map: {_some(never)}."
            )
        return out

    def note(self, text: str) -> None:
        self.report.adjustments.append(text)

    def build(self) -> GAImport:
        town = self.town
        walls = {t for t, c in zip(self.tiles, town.mazes["collision"], strict=True) if c != "0"}
        walkable = set(self.tiles) - walls
        groups = components(walkable)
        main = groups[0] if groups else set()
        arenas, raw_arena_of = self._arenas(walls, main)
        objects = self._objects(arenas, raw_arena_of)
        spawns = self._spawns(main)
        sectors = self._sectors(arenas)
        arena_tiles = {t for tiles in arenas.values() for t in tiles}
        terrain = [
            "".join(
                Terrain.WALL.code
                if (x, y) in walls
                else Terrain.FLOOR.code
                if (x, y) in arena_tiles
                else Terrain.PATH.code
                for x in range(town.width)
            )
            for y in range(town.height)
        ]
        description = f"Generative Agents' town {town.world_name!r}, imported by gentown."
        if town.special_constraint:
            description += f" Special constraint: {town.special_constraint}"
        data = {
            "name": town.world_name,
            "description": description,
            "tile_size": town.tile_size,
            "width": town.width,
            "height": town.height,
            "terrain": terrain,
            "sectors": sectors,
            "arenas": [
                {"sector": s, "name": a, "kind": self._arena_kind(s, a), "tiles": sorted(tiles)}
                for (s, a), tiles in arenas.items()
            ],
            "objects": objects,
            "spawns": spawns,
            "homes": self.report.homes,
            "workplaces": self.report.workplaces,
        }
        world = build_world(data, source=str(town.folder / "matrix"))
        return GAImport(world, self.report)

    # arenas --------------------------------------------------------------------------

    def _arenas(
        self, walls: set[Tile], main: set[Tile]
    ) -> tuple[dict[tuple[str, str], set[Tile]], dict[Tile, tuple[str, str]]]:
        """Arena tiles by ``(sector, arena)`` in sector order, and each painted tile's arena."""
        sector_rows = self.town.blocks["sector"]
        sector_at = {
            t: sector_rows[i].name for i, tiles in self.cells("sector").items() for t in tiles
        }
        rows = self.town.blocks["arena"]
        painted: dict[tuple[str, str], set[Tile]] = {}
        for block_id, tiles in self.cells("arena").items():
            block = rows[block_id]
            listed = block.names[1]  # (world, sector, ..., arena)
            votes = Counter(sector_at[t] for t in tiles if t in sector_at)
            sector = max(votes, key=lambda s: (votes[s], s == listed)) if votes else listed
            if not votes:
                self.note(
                    f"arena {block.name!r} (block {block_id}) lies on no sector block; it was put "
                    f"in {listed!r} as arena_blocks.csv line {block.line} says."
                )
            elif sector != listed:
                self.note(
                    f"arena {block.name!r} (block {block_id}) is listed under {listed!r} but lies "
                    f"in sector {sector!r}; it was put there."
                )
            painted.setdefault((sector, block.name), set()).update(tiles)
        order = {name: i for i, name in enumerate(b.name for b in sector_rows.values())}
        painted = dict(sorted(painted.items(), key=lambda kv: order.get(kv[0][0], len(order))))
        raw_arena_of = {t: key for key, tiles in painted.items() for t in tiles}
        arenas: dict[tuple[str, str], set[Tile]] = {}
        for key, tiles in painted.items():
            address = SEPARATOR.join(key)
            on_walls = tiles & walls
            cut = (tiles - walls) - main
            kept = tiles - walls - cut
            if on_walls:
                self.note(
                    f"arena {address!r}: {len(on_walls)} tile(s) on collision (wall) blocks left "
                    "out."
                )
            if cut:
                self.note(
                    f"arena {address!r}: {len(cut)} tile(s) no one can walk to from the rest of "
                    "the town left out."
                )
            if kept:
                arenas[key] = kept
            else:
                self.note(f"arena {address!r} dropped: none of its tiles can be walked on.")
        return arenas, raw_arena_of

    def _arena_kind(self, sector: str, arena: str) -> PlaceKind:
        kind, why = guess_arena_kind(arena, guess_sector_kind(sector)[0])
        row = (f"{sector}{SEPARATOR}{arena}", kind.value, why)
        if row not in self.report.arena_kinds:
            self.report.arena_kinds.append(row)
        return kind

    # objects -------------------------------------------------------------------------

    def _objects(
        self,
        arenas: dict[tuple[str, str], set[Tile]],
        raw_arena_of: dict[Tile, tuple[str, str]],
    ) -> list[dict[str, Any]]:
        rows = self.town.blocks["game_object"]
        found: dict[tuple[tuple[str, str], str], set[Tile]] = {}
        outside: Counter[str] = Counter()
        for block_id, tiles in self.cells("game_object").items():
            name = rows[block_id].name
            for tile in tiles:
                key = raw_arena_of.get(tile)
                if key is None:
                    outside[name] += 1
                else:
                    found.setdefault((key, name), set()).add(tile)
        if outside:
            listing = ", ".join(f"{name} ({n})" for name, n in sorted(outside.items()))
            self.note(f"game-object tiles on no arena block left out: {listing}.")
        order = list(arenas)
        painted = {t for tiles in found.values() for t in tiles}
        taken: set[Tile] = set()
        out = []
        for (key, name), tiles in sorted(found.items(), key=lambda kv: _arena_rank(kv, order)):
            address = SEPARATOR.join((*key, name))
            room = arenas.get(key, set())
            kept = tiles & room - taken
            if not kept and room:
                near = sorted(
                    {n for t in tiles for n in neighbours4(t)} & room - painted - taken,
                    key=lambda t: (t[1], t[0]),
                )
                if near:
                    kept = {near[0]}
                    self.note(
                        f"object {address!r} lies on no walkable tile of its arena; placed on "
                        f"the floor tile next to it at (x={near[0][0]}, y={near[0][1]})."
                    )
            if not kept:
                self.note(f"object {address!r} dropped: no walkable tile of its arena under it.")
                continue
            if kept < tiles:
                self.note(
                    f"object {address!r}: {len(tiles - kept)} tile(s) on walls or unreachable "
                    "left out."
                )
            taken |= kept
            out.append(self._object(SEPARATOR.join(key), name, kept))
        return out

    def _object(self, arena: str, name: str, tiles: set[Tile]) -> dict[str, Any]:
        type_name, _ = object_type_for(name)
        how = "the name" if type_name else "generic (no catalogue type)"
        alias = None
        if type_name is None:
            for word, target in OBJECT_ALIASES:
                if name.lower() == word or name.lower().endswith(" " + word):
                    alias, how = target, f"guessed from {word!r}"
                    break
        shown = alias or type_name or "generic"
        _, _, count = self.report.object_types.get(name, ("", "", 0))
        self.report.object_types[name] = (shown, how, count + 1)
        return object_fields(arena, name, tiles, type_name=alias)

    # spawns --------------------------------------------------------------------------

    def _spawns(self, main: set[Tile]) -> list[dict[str, Any]]:
        rows = self.town.blocks["spawning_location"]
        out, names = [], set()
        for block_id, tiles in self.cells("spawning_location").items():
            block = rows[block_id]
            name = ", ".join(block.names[1:] if len(block.names) > 1 else block.names)
            if name in names:
                name = f"{name} ({block_id})"
            ok = sorted(tiles & main, key=lambda t: (t[1], t[0]))
            if not ok:
                self.note(f"spawn {name!r} dropped: it lies on walls or where no one can walk.")
                continue
            names.add(name)
            out.append({"name": name, "x": ok[0][0], "y": ok[0][1]})
        return out

    # sectors -------------------------------------------------------------------------

    def _sectors(self, arenas: dict[tuple[str, str], set[Tile]]) -> list[dict[str, Any]]:
        names = list(dict.fromkeys(s for s, _ in arenas))
        listed = [b.name for b in self.town.blocks["sector"].values()]
        empty = [n for n in dict.fromkeys(listed) if n not in names]
        if empty:
            self.note(f"{len(empty)} sector(s) with no arena left out: {_some(empty)}.")
        report = self.report
        out = []
        for name in names:
            kind, why = guess_sector_kind(name)
            report.sector_kinds.append((name, kind.value, why))
            hours = DEFAULT_HOURS.get(kind)
            if hours:
                report.opening_hours.append((name, hours))
                report.workplaces.append(name)
            if kind is PlaceKind.HOME:
                report.homes.append(name)
                report.homes += [
                    f"{name}{SEPARATOR}{a}"
                    for s, a in arenas
                    if s == name and _match(a, _ARENA_WORDS)[0] is PlaceKind.BEDROOM
                ]
            out.append({"name": name, "kind": kind, "opening_hours": hours})
        return out


def _arena_rank(item: tuple[tuple[tuple[str, str], str], set[Tile]], order: list) -> tuple:
    (key, name), tiles = item
    rank = order.index(key) if key in order else len(order)
    return (rank, min((t[1], t[0]) for t in tiles), name)


def guess_sector_kind(name: str) -> tuple[PlaceKind, str]:
    """The kind a sector's name suggests (``"Hobbs Cafe"`` → cafe) and why; else ``other``."""
    kind, why = _match(name, _SECTOR_WORDS)
    return (kind, why) if kind else (PlaceKind.OTHER, "no kind word in the name")


def guess_arena_kind(name: str, sector_kind: PlaceKind) -> tuple[PlaceKind, str]:
    """The kind an arena's name suggests (``"Klaus Mueller's room"`` → bedroom) and why.

    Without a kind word, an arena of a venue takes its sector's kind (the ``"pub"`` of a bar);
    one of a home is ``other``.
    """
    kind, why = _match(name, _ARENA_WORDS)
    if kind is not None:
        return kind, why
    if sector_kind in (PlaceKind.HOME, PlaceKind.OTHER):
        return PlaceKind.OTHER, "no kind word in the name"
    return sector_kind, f"its sector's kind ({sector_kind.value})"


def _match(name: str, table: tuple[tuple[PlaceKind, str], ...]) -> tuple[PlaceKind | None, str]:
    text = name.casefold()
    for kind, words in table:
        found = re.search(rf"(?<![\w-])(?:{words})(?![\w-])", text)
        if found:
            word = "'s room" if found.group(0) == "room" else found.group(0)
            return kind, f"{word!r} in the name"
    return None, ""


def _some(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def import_generative_agents(path: str | os.PathLike[str], out: str | os.PathLike[str]) -> GAImport:
    """Import a GA town folder and write it as a gentown town folder at ``out``.

    Writes ``world.yaml``, ``map.txt`` and ``IMPORT_REPORT.md`` (see :mod:`worlds.ga_output`):
    ``out`` either appears complete or not at all.

    Raises:
        WorldError: For a folder that is not a GA town, malformed GA files, or an ``out`` that
            already exists.
    """
    from worlds.ga_output import check_new_folder, write_town

    target = Path(out)
    check_new_folder(target)
    result = import_ga_town(path)
    write_town(result, target)
    return result

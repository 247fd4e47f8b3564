"""Load a world from ``world.yaml`` plus an ASCII map (inline or in ``map_file``).

See ``worlds/FORMAT.md``. In short: legend characters are terrain, each arena has one
character, and an object character belongs to the arena it touches that declares it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from worlds.ascii_spec import ArenaSpec, ObjectSpec, WorldSpec
from worlds.catalogue import object_fields
from worlds.errors import Problem, WorldError, format_loc, problems_from_validation_error
from worlds.grid import border, groups, top_left
from worlds.places import SEPARATOR, Terrain, Tile
from worlds.world import World, build_world
from worlds.yaml_io import LineMap, load_yaml, parse_yaml


def load_ascii_world(path: str | Path) -> World:
    """Load ``world.yaml`` (and its map file, if any).

    Raises:
        WorldError: Naming the file, the field and what was expected, for every problem found.
    """
    path = Path(path)
    data, lines = load_yaml(path, WorldError)
    return build_ascii_world(data, str(path), base_dir=path.parent, lines=lines)


def parse_ascii_world(
    text: str, source: str = "<world.yaml>", base_dir: Path | None = None
) -> World:
    """Like :func:`load_ascii_world` but from YAML text (``base_dir`` resolves ``map_file``)."""
    data, lines = parse_yaml(text, source, WorldError)
    return build_ascii_world(data, source, base_dir=base_dir or Path.cwd(), lines=lines)


def build_ascii_world(
    data: Any, source: str, base_dir: Path, lines: LineMap | None = None
) -> World:
    """Validate parsed ``world.yaml`` data and compile it into a :class:`World`."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise WorldError(source, "", "expected a YAML mapping with name, map and sectors")
    try:
        spec = WorldSpec.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, source, model=WorldSpec, lines=lines)
        raise WorldError.from_problems(problems) from None
    compiler = _Compiler(spec, source, base_dir, lines)
    world_data = compiler.compile()
    if compiler.problems:
        raise WorldError.from_problems(compiler.problems)
    line_of = {format_loc(k): v for k, v in lines.items()}
    return build_world(world_data, source=source, origins=compiler.origins, lines=line_of)


@dataclass
class _Compiler:
    spec: WorldSpec
    source: str
    base_dir: Path
    lines: LineMap
    problems: list[Problem] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    map_source: str = ""
    map_line0: int = 0

    def add(self, loc: tuple[str | int, ...], message: str, fix: str = "") -> None:
        line = self.lines.get(loc) or self.lines.get(loc[:-1])
        self.problems.append(Problem(self.source, format_loc(loc), message, fix, line))

    def add_map(self, y: int, message: str, fix: str = "") -> None:
        line = self.map_line0 + y if self.map_line0 else None
        self.problems.append(Problem(self.map_source, f"map[{y}]", message, fix, line))

    # --- steps ---------------------------------------------------------------------

    def compile(self) -> dict[str, Any]:
        rows = self._rows()
        arena_chars, object_chars = self._chars()
        if self.problems or not rows:
            return {}
        legend = self.spec.full_legend()
        terrain: list[list[str]] = []
        arena_tiles: dict[str, set[Tile]] = {a: set() for a in arena_chars.values()}
        pending: dict[str, set[Tile]] = {}
        undefined: dict[str, list[Tile]] = {}
        for y, row in enumerate(rows):
            codes = []
            for x, char in enumerate(row):
                if char in legend:
                    codes.append(legend[char].code)
                    continue
                codes.append(Terrain.FLOOR.code)
                if char in arena_chars:
                    arena_tiles[arena_chars[char]].add((x, y))
                elif char in object_chars:
                    pending.setdefault(char, set()).add((x, y))
                else:
                    undefined.setdefault(char, []).append((x, y))
            terrain.append(codes)
        self._report_undefined(undefined, legend, arena_chars)
        object_tiles = self._place_objects(pending, arena_tiles, object_chars)
        return self._assemble(rows, terrain, arena_tiles, object_tiles)

    def _rows(self) -> list[str]:
        if self.spec.map is not None:
            self.map_source = self.source
            text = self.spec.map
            key_line = self.lines.get(("map",))
            self.map_line0 = key_line + 1 if key_line else 0
        else:
            map_path = self.base_dir / str(self.spec.map_file)
            self.map_source = str(map_path)
            try:
                text = map_path.read_text(encoding="utf-8")
            except OSError as exc:
                self.add(
                    ("map_file",),
                    f"cannot read map file {str(map_path)!r}: {exc.strerror or exc}",
                    "put the map next to world.yaml or fix the name",
                )
                return []
            self.map_line0 = 1
        rows = [r.rstrip() for r in text.splitlines()]
        while rows and not rows[0]:
            rows.pop(0)
            self.map_line0 += 1 if self.map_line0 else 0
        while rows and not rows[-1]:
            rows.pop()
        if not rows:
            self.add(("map",), "the map is empty; expected rows of characters")
            return []
        width = len(rows[0])
        for y, row in enumerate(rows):
            if len(row) != width:
                self.add_map(
                    y,
                    f"row {y} has {len(row)} characters; expected {width} like row 0 "
                    "(all map rows must have the same length)",
                    "pad or trim the row",
                )
        return rows

    def _chars(self) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """Map arena chars to arena ids, and object chars to {arena id: object name}."""
        legend = self.spec.full_legend()
        arena_chars: dict[str, str] = {}
        for sector_name, sector in self.spec.sectors.items():
            for arena_name, arena in sector.arenas.items():
                arena_id = f"{sector_name}{SEPARATOR}{arena_name}"
                loc = ("sectors", sector_name, "arenas", arena_name, "char")
                if arena.char in legend:
                    self.add(
                        loc,
                        f"char {arena.char!r} is already in the legend as "
                        f"{legend[arena.char].value!r}; expected a char of its own",
                        "pick another character",
                    )
                elif arena.char in arena_chars:
                    self.add(
                        loc,
                        f"char {arena.char!r} is already used by arena "
                        f"{arena_chars[arena.char]!r}; expected one char per arena",
                        "pick another character",
                    )
                else:
                    arena_chars[arena.char] = arena_id
        object_chars: dict[str, dict[str, str]] = {}
        for arena_id, arena, loc in self._arenas():
            for object_name, obj in arena.objects.items():
                if obj.char is None:
                    continue
                oloc = (*loc, "objects", object_name, "char")
                owner = (
                    "the legend"
                    if obj.char in legend
                    else f"arena {arena_chars[obj.char]!r}"
                    if obj.char in arena_chars
                    else None
                )
                taken = object_chars.get(obj.char, {}).get(arena_id)
                if owner:
                    self.add(
                        oloc,
                        f"char {obj.char!r} is already used by {owner}; expected a char "
                        "no arena or legend entry uses",
                        "use another character (convention: lowercase arenas, uppercase objects)",
                    )
                elif taken:
                    self.add(
                        oloc,
                        f"char {obj.char!r} is already used by object {taken!r} in the "
                        "same arena; expected one char per object",
                        "pick another character",
                    )
                else:
                    object_chars.setdefault(obj.char, {})[arena_id] = object_name
        return arena_chars, object_chars

    def _arenas(self) -> list[tuple[str, ArenaSpec, tuple[str, ...]]]:
        return [
            (f"{s}{SEPARATOR}{a}", arena, ("sectors", s, "arenas", a))
            for s, sector in self.spec.sectors.items()
            for a, arena in sector.arenas.items()
        ]

    def _report_undefined(
        self, undefined: dict[str, list[Tile]], legend: dict, arenas: dict
    ) -> None:
        known = "".join(sorted(set(legend) | set(arenas)))
        for char, tiles in undefined.items():
            x, y = tiles[0]
            more = f" and {len(tiles) - 1} more places" if len(tiles) > 1 else ""
            self.add_map(
                y,
                f"character {char!r} at (x={x}, y={y}){more} is not defined; expected "
                f"a legend or arena character ({known}) or an object char of an arena "
                "next to it",
                f"add {char!r} under legend:, or give an arena or object 'char: {char}'",
            )

    def _place_objects(
        self,
        pending: dict[str, set[Tile]],
        arena_tiles: dict[str, set[Tile]],
        object_chars: dict[str, dict[str, str]],
    ) -> dict[tuple[str, str], list[set[Tile]]]:
        """Assign each group of object characters to the arena it touches."""
        owner = {t: a for a, tiles in arena_tiles.items() for t in tiles}
        blobs = [(c, b) for c, tiles in pending.items() for b in groups(tiles)]
        placed: dict[tuple[str, str], list[set[Tile]]] = {}
        progress = True
        while blobs and progress:
            progress, waiting = False, []
            for char, blob in blobs:
                near = {owner[n] for n in border(blob) if n in owner} & set(object_chars[char])
                if len(near) == 1:
                    arena_id = near.pop()
                    placed.setdefault((arena_id, object_chars[char][arena_id]), []).append(blob)
                    owner.update(dict.fromkeys(blob, arena_id))
                    arena_tiles[arena_id] |= blob
                    progress = True
                else:
                    waiting.append((char, blob))
            blobs = waiting
        for char, blob in blobs:
            x, y = top_left(blob)
            near = {owner[n] for n in border(blob) if n in owner} & set(object_chars[char])
            declared = ", ".join(repr(a) for a in object_chars[char])
            if near:
                self.add_map(
                    y,
                    f"object character {char!r} at (x={x}, y={y}) touches several "
                    f"arenas that declare it ({', '.join(sorted(near))}); expected one",
                    "use a different char in one of those arenas, or place it with at:",
                )
            else:
                self.add_map(
                    y,
                    f"object character {char!r} at (x={x}, y={y}) does not touch a tile "
                    f"of an arena that declares it ({declared}); expected it next to or "
                    "inside that arena",
                    "move it into its arena or use at: [x, y]",
                )
        return placed

    def _assemble(self, rows, terrain, arena_tiles, object_tiles) -> dict[str, Any]:
        spec = self.spec
        sectors, arenas, objects = [], [], []
        for s_name, sector in spec.sectors.items():
            self.origins[f"sectors[{len(sectors)}]"] = format_loc(("sectors", s_name))
            sectors.append(
                {
                    "name": s_name,
                    "kind": sector.kind,
                    "description": sector.description,
                    "opening_hours": sector.opening_hours,
                }
            )
            for a_name, arena in sector.arenas.items():
                aloc = ("sectors", s_name, "arenas", a_name)
                arena_id = f"{s_name}{SEPARATOR}{a_name}"
                i = len(arenas)
                self.origins[f"arenas[{i}]"] = format_loc(aloc)
                self.origins[f"arenas[{i}].tiles"] = format_loc((*aloc, "char"))
                if not arena_tiles[arena_id]:
                    self.add(
                        (*aloc, "char"),
                        f"arena char {arena.char!r} does not appear on the "
                        "map; expected at least one tile",
                        f"draw the arena with {arena.char!r}",
                    )
                arenas.append(
                    {
                        "sector": s_name,
                        "name": a_name,
                        "kind": arena.kind,
                        "description": arena.description,
                        "capacity": arena.capacity,
                        "tiles": sorted(arena_tiles[arena_id]),
                    }
                )
                for o_name, obj in arena.objects.items():
                    tiles = self._object_tiles(
                        obj, (*aloc, "objects", o_name), object_tiles.get((arena_id, o_name), [])
                    )
                    j = len(objects)
                    oloc = (*aloc, "objects", o_name)
                    self.origins[f"objects[{j}]"] = format_loc(oloc)
                    place = "char" if obj.char else "at" if obj.at else "tiles"
                    self.origins[f"objects[{j}].tiles"] = format_loc((*oloc, place))
                    objects.append(
                        object_fields(
                            arena_id,
                            o_name,
                            tiles,
                            type_name=obj.type,
                            description=obj.description,
                            states=obj.states,
                            initial_state=obj.initial_state,
                            capacity=obj.capacity,
                            affordances=obj.affordances,
                        )
                    )
        for i, name in enumerate(spec.spawns):
            self.origins[f"spawns[{i}]"] = format_loc(("spawns", name))
        return {
            "name": spec.name,
            "description": spec.description,
            "tile_size": spec.tile_size,
            "width": len(rows[0]),
            "height": len(rows),
            "terrain": ["".join(codes) for codes in terrain],
            "sectors": sectors,
            "arenas": arenas,
            "objects": objects,
            "spawns": [{"name": n, "x": xy[0], "y": xy[1]} for n, xy in spec.spawns.items()],
            "homes": spec.homes,
            "workplaces": spec.workplaces,
        }

    def _object_tiles(self, obj: ObjectSpec, loc: tuple, blobs: list[set[Tile]]) -> list[Tile]:
        if obj.at is not None:
            return [obj.at]
        if obj.tiles is not None:
            return list(obj.tiles)
        if not blobs:
            self.add(
                (*loc, "char"),
                f"object char {obj.char!r} is not on the map next to its "
                "arena; expected one group of that character touching the arena",
                f"draw {obj.char!r} inside the arena, or use at: [x, y]",
            )
            return [(-1, -1)]
        if len(blobs) > 1:
            where = ", ".join("(x={}, y={})".format(*top_left(b)) for b in blobs)
            self.add(
                (*loc, "char"),
                f"object char {obj.char!r} appears in {len(blobs)} separate "
                f"places ({where}); expected one connected group",
                "give each copy its own name and char, e.g. 'chair 1', 'chair 2'",
            )
        return sorted(blobs[0])

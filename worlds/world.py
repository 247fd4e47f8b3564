"""The :class:`World`: a validated, frozen town with lookups by tile and by address.

Every loader (own YAML/ASCII format, Tiled ``.tmj``, a dumped ``world.json``) produces this one
schema. Building a ``World`` runs every consistency check (``worlds.checks``) and raises
:class:`~worlds.errors.WorldError`; loaders pass ``context={"source": file, "origins": {...}}``
to ``World.model_validate`` so errors name the author's file and fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from worlds.places import (
    SEPARATOR,
    TERRAIN_BY_CODE,
    Arena,
    GameObject,
    Graphics,
    Name,
    Sector,
    Spawn,
    Terrain,
    Tile,
    _Frozen,
)

Place = Sector | Arena | GameObject


class World(_Frozen):
    """A town: grid, terrain, places, spawns, homes and workplaces.

    Attributes:
        name: The town's name (also the optional first part of an address).
        width: Columns of the grid.
        height: Rows of the grid.
        tile_size: Pixel size of a tile for viewers.
        terrain: One string per row; one :class:`Terrain` code per tile (``#`` wall, ``~`` water,
            ``*`` tree, ``_`` floor, ``+`` door, ``=`` street, ``.`` path, ``,`` grass).
        sectors: Buildings and areas.
        arenas: Rooms and zones, each naming its sector.
        objects: Usable things, each naming its arena.
        spawns: Named tiles where people may appear.
        homes: Addresses (sector or arena) where people can live.
        workplaces: Addresses (sector or arena) where people can work.
        graphics: Tilesets and visual layers when imported from Tiled.
    """

    name: Name
    description: str = ""
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    tile_size: int = Field(default=32, ge=1)
    terrain: tuple[str, ...]
    sectors: tuple[Sector, ...] = ()
    arenas: tuple[Arena, ...] = ()
    objects: tuple[GameObject, ...] = ()
    spawns: tuple[Spawn, ...] = ()
    homes: tuple[str, ...] = ()
    workplaces: tuple[str, ...] = ()
    graphics: Graphics | None = None

    _sectors: dict[str, Sector] = PrivateAttr(default_factory=dict)
    _arenas: dict[str, Arena] = PrivateAttr(default_factory=dict)
    _objects: dict[str, GameObject] = PrivateAttr(default_factory=dict)
    _arena_of_tile: dict[Tile, str] = PrivateAttr(default_factory=dict)
    _object_of_tile: dict[Tile, str] = PrivateAttr(default_factory=dict)
    _walkable: frozenset[Tile] = PrivateAttr(default=frozenset())
    _by_parent: dict[str, tuple[Any, ...]] = PrivateAttr(default_factory=dict)

    @field_validator("terrain")
    @classmethod
    def _known_codes(cls, rows: tuple[str, ...]) -> tuple[str, ...]:
        for y, row in enumerate(rows):
            bad = sorted(set(row) - set(TERRAIN_BY_CODE))
            if bad:
                raise ValueError(
                    f"row {y} has unknown terrain codes {bad}; "
                    f"expected only {''.join(TERRAIN_BY_CODE)}"
                )
        return rows

    def model_post_init(self, context: Any, /) -> None:
        """Build the lookup indexes (tolerant: the checks report any inconsistency)."""
        for sector in self.sectors:
            self._sectors.setdefault(sector.name, sector)
        for arena in self.arenas:
            self._arenas.setdefault(arena.id, arena)
            for tile in arena.tiles:
                self._arena_of_tile.setdefault(tile, arena.id)
        for obj in self.objects:
            self._objects.setdefault(obj.id, obj)
            for tile in obj.tiles:
                self._object_of_tile.setdefault(tile, obj.id)
        self._walkable = frozenset(
            (x, y)
            for y, row in enumerate(self.terrain)
            for x, code in enumerate(row)
            if TERRAIN_BY_CODE[code].walkable and x < self.width and y < self.height
        )
        children: dict[str, list[Any]] = {}
        for arena in self.arenas:
            children.setdefault(f"arenas of {arena.sector}", []).append(arena)
        for obj in self.objects:
            children.setdefault(f"objects of {obj.arena}", []).append(obj)
            children.setdefault(f"objects of {obj.sector}", []).append(obj)
        self._by_parent = {key: tuple(items) for key, items in children.items()}

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> World:
        from worlds.checks import world_problems
        from worlds.errors import WorldError

        context = info.context or {}
        problems = world_problems(
            self,
            source=str(context.get("source", "<world>")),
            origins=context.get("origins"),
            lines=context.get("lines"),
        )
        if problems:
            raise WorldError.from_problems(problems)
        return self

    # --- tiles -------------------------------------------------------------------------

    def in_bounds(self, x: int, y: int) -> bool:
        """Whether ``(x, y)`` is on the grid."""
        return 0 <= x < self.width and 0 <= y < self.height

    def terrain_at(self, x: int, y: int) -> Terrain:
        """The terrain of a tile (``WALL`` outside the grid)."""
        if not self.in_bounds(x, y):
            return Terrain.WALL
        return TERRAIN_BY_CODE[self.terrain[y][x]]

    def is_walkable(self, x: int, y: int) -> bool:
        """Whether a person can stand on ``(x, y)`` (``False`` outside the grid)."""
        return (x, y) in self._walkable

    def walkable_tiles(self) -> frozenset[Tile]:
        """Every walkable tile."""
        return self._walkable

    def neighbors(self, x: int, y: int) -> list[Tile]:
        """Walkable 4-neighbours of a tile (for path finding)."""
        around = ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1))
        return [t for t in around if t in self._walkable]

    def arena_at(self, x: int, y: int) -> Arena | None:
        """The arena covering a tile, or ``None`` outdoors / on walls."""
        arena_id = self._arena_of_tile.get((x, y))
        return self._arenas[arena_id] if arena_id else None

    def arena_id_at(self, x: int, y: int) -> str | None:
        """The id of the arena covering a tile, or ``None`` outdoors / on walls."""
        return self._arena_of_tile.get((x, y))

    def sector_at(self, x: int, y: int) -> Sector | None:
        """The sector of the arena covering a tile, or ``None``."""
        arena = self.arena_at(x, y)
        return self._sectors.get(arena.sector) if arena else None

    def object_at(self, x: int, y: int) -> GameObject | None:
        """The object on a tile, or ``None``."""
        object_id = self._object_of_tile.get((x, y))
        return self._objects[object_id] if object_id else None

    def address(self, x: int, y: int) -> str | None:
        """Deepest address at a tile: ``"Sector:arena:object"``, ``"Sector:arena"`` or ``None``."""
        obj = self.object_at(x, y)
        if obj is not None:
            return obj.address
        arena = self.arena_at(x, y)
        return arena.address if arena else None

    # --- addresses ---------------------------------------------------------------------

    def normalize(self, address: str) -> str:
        """Strip spaces around parts and a leading world name: ``"Town: A : b"`` -> ``"A:b"``."""
        parts = [p.strip() for p in address.split(SEPARATOR)]
        if len(parts) > 1 and parts[0] == self.name and parts[0] not in self._sectors:
            parts = parts[1:]
        return SEPARATOR.join(parts)

    def find(self, address: str) -> Place | None:
        """The sector, arena or object at an address, or ``None`` if there is none."""
        key = self.normalize(address)
        depth = key.count(SEPARATOR)
        table: dict[str, Any] = (self._sectors, self._arenas, self._objects)[min(depth, 2)]
        return table.get(key) if depth <= 2 else None

    def resolve(self, address: str) -> Place:
        """Like :meth:`find` but raises ``KeyError`` naming close addresses."""
        place = self.find(address)
        if place is None:
            import difflib

            known = [*self._sectors, *self._arenas, *self._objects]
            close = difflib.get_close_matches(self.normalize(address), known, n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise KeyError(f"no place {address!r} in world {self.name!r}{hint}")
        return place

    def full_address(self, address: str) -> str:
        """The address prefixed by the world's name: ``"Maplewood:Cafe:counter"``."""
        return f"{self.name}{SEPARATOR}{self.normalize(address)}"

    def get_sector(self, name: str) -> Sector:
        """The sector with this name (``KeyError`` if none)."""
        return self._sectors[self.normalize(name)]

    def get_arena(self, arena_id: str) -> Arena:
        """The arena with this address ``"Sector:arena"`` (``KeyError`` if none)."""
        return self._arenas[self.normalize(arena_id)]

    def get_object(self, object_id: str) -> GameObject:
        """The object with this address ``"Sector:arena:object"`` (``KeyError`` if none)."""
        return self._objects[self.normalize(object_id)]

    def sector_of(self, address: str) -> Sector:
        """The sector containing any address (sector, arena or object)."""
        return self.get_sector(self.normalize(address).split(SEPARATOR, 1)[0])

    def arena_of(self, address: str) -> Arena:
        """The arena of an arena or object address."""
        parts = self.normalize(address).split(SEPARATOR)
        return self.get_arena(SEPARATOR.join(parts[:2]))

    def arenas_in(self, sector: str) -> tuple[Arena, ...]:
        """Arenas of a sector, in file order."""
        return self._by_parent.get(f"arenas of {self.normalize(sector)}", ())

    def objects_in(self, address: str) -> tuple[GameObject, ...]:
        """Objects in an arena (``"Sector:arena"``) or in a whole sector (``"Sector"``)."""
        return self._by_parent.get(f"objects of {self.normalize(address)}", ())

    def tiles_of(self, address: str) -> frozenset[Tile]:
        """Tiles of a sector (union of its arenas), an arena or an object."""
        place = self.resolve(address)
        if isinstance(place, Sector):
            return frozenset().union(*(a.tiles for a in self.arenas_in(place.name)))
        return place.tiles

    def iter_places(self) -> Iterator[tuple[str, Place]]:
        """Every ``(address, place)``: sectors, then arenas, then objects."""
        yield from self._sectors.items()
        yield from self._arenas.items()
        yield from self._objects.items()

    def open_sectors(self, at: dt.time | dt.datetime | int) -> tuple[Sector, ...]:
        """Sectors open at a time (sectors without hours are always open)."""
        return tuple(s for s in self.sectors if s.is_open(at))

    def summary(self) -> str:
        """A multi-line human summary (used by ``gentown world check``)."""
        from worlds.summary import summarize

        return summarize(self)


def build_world(
    data: dict[str, Any],
    *,
    source: str,
    origins: dict[str, str] | None = None,
    lines: dict[str, int] | None = None,
) -> World:
    """Validate normalized world data, reporting every problem against the author's file.

    Args:
        data: Fields of :class:`World` (as produced by a loader).
        source: The author's file, named in errors.
        origins: Normalized field path prefix -> the author's field path.
        lines: The author's field path -> 1-based line.

    Raises:
        WorldError: For schema errors and consistency problems alike.
    """
    from worlds.checks import map_field
    from worlds.errors import Problem, WorldError, problems_from_validation_error

    context = {"source": source, "origins": origins or {}, "lines": lines or {}}
    try:
        return World.model_validate(data, context=context)
    except ValidationError as exc:
        problems = []
        for p in problems_from_validation_error(exc, source):
            field = map_field(p.field, origins or {})
            problems.append(Problem(p.path, field, p.message, p.fix, (lines or {}).get(field)))
        raise WorldError.from_problems(problems) from None

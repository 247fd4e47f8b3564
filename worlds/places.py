"""The parts of a world: terrain, sectors, arenas, objects, spawns, optional Tiled graphics.

Places form the tree world > sector > arena > object, as in Generative Agents. Each place has a
stable address: ``"Sector"``, ``"Sector:arena"``, ``"Sector:arena:object"`` (names never contain
``:``). Tiles are ``(x, y)`` with ``x`` the column and ``y`` the row, origin top-left.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_serializer

from worlds.hours import OpeningHours, is_open

Tile = tuple[int, int]
"""A grid cell ``(x, y)``: ``x`` is the column, ``y`` the row, both from 0 at the top-left."""

SEPARATOR = ":"


def _check_name(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("expected a non-empty name")
    if SEPARATOR in text or "\n" in text:
        raise ValueError(f"expected a name without ':' or line breaks, got {text!r}")
    return text


Name = Annotated[str, AfterValidator(_check_name)]
"""A place or spawn name: non-empty, no ``:`` (the address separator)."""


class Terrain(StrEnum):
    """What a tile is made of when no arena says otherwise; also the viewer's base colour."""

    WALL = "wall"
    WATER = "water"
    TREE = "tree"
    FLOOR = "floor"
    DOOR = "door"
    STREET = "street"
    PATH = "path"
    GRASS = "grass"

    @property
    def walkable(self) -> bool:
        """Whether people can stand on this terrain."""
        return self not in (Terrain.WALL, Terrain.WATER, Terrain.TREE)

    @property
    def code(self) -> str:
        """The one-character code used in :attr:`World.terrain` rows."""
        return TERRAIN_CODES[self]


TERRAIN_CODES: dict[Terrain, str] = {
    Terrain.WALL: "#",
    Terrain.WATER: "~",
    Terrain.TREE: "*",
    Terrain.FLOOR: "_",
    Terrain.DOOR: "+",
    Terrain.STREET: "=",
    Terrain.PATH: ".",
    Terrain.GRASS: ",",
}
TERRAIN_BY_CODE: dict[str, Terrain] = {code: t for t, code in TERRAIN_CODES.items()}


class PlaceKind(StrEnum):
    """Kind of a sector or arena; used for defaults, prompts and the viewer's colours."""

    HOME = "home"
    KITCHEN = "kitchen"
    BEDROOM = "bedroom"
    BATHROOM = "bathroom"
    LIVING = "living"
    DINING = "dining"
    HALLWAY = "hallway"
    STUDIO = "studio"
    CAFE = "cafe"
    SHOP = "shop"
    STORAGE = "storage"
    PARK = "park"
    GARDEN = "garden"
    PLAZA = "plaza"
    STREET = "street"
    OFFICE = "office"
    COLLEGE = "college"
    CLASSROOM = "classroom"
    LIBRARY = "library"
    BAR = "bar"
    CLINIC = "clinic"
    WORKSHOP = "workshop"
    OTHER = "other"


ArenaKind = PlaceKind


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _HasTiles(_Frozen):
    """Base of places with tiles: serializes tiles sorted row by row, for stable dumps."""

    @field_serializer("tiles", check_fields=False)
    def _sorted_tiles(self, tiles: frozenset[Tile]) -> list[Tile]:
        return sorted(tiles, key=lambda t: (t[1], t[0]))


class Spawn(_Frozen):
    """A named tile where people may appear (e.g. visitors arriving by bus)."""

    name: Name
    x: int
    y: int

    @property
    def tile(self) -> Tile:
        """The spawn tile ``(x, y)``."""
        return (self.x, self.y)


class Sector(_Frozen):
    """A building or area: a house, the cafe, the park.

    Attributes:
        name: Unique sector name; also its address.
        kind: What the sector is.
        opening_hours: Daily hours like ``"08:00-18:00"``; ``None`` means always open.
    """

    name: Name
    kind: PlaceKind = PlaceKind.OTHER
    description: str = ""
    opening_hours: OpeningHours | None = None

    @property
    def address(self) -> str:
        """The sector's address (its name)."""
        return self.name

    def is_open(self, at: dt.time | dt.datetime | int) -> bool:
        """Whether the sector is open at a time (``int`` = minutes after midnight)."""
        return is_open(self.opening_hours, at)


class Arena(_HasTiles):
    """A room or zone inside a sector: a kitchen, the cafe counter, the lawn.

    Attributes:
        sector: Name of the sector it belongs to.
        name: Name, unique within the sector.
        tiles: The walkable tiles it covers (object tiles included).
        capacity: How many people fit, if limited.
    """

    sector: Name
    name: Name
    kind: PlaceKind = PlaceKind.OTHER
    description: str = ""
    tiles: frozenset[Tile] = Field(min_length=1)
    capacity: int | None = Field(default=None, ge=1)

    @property
    def address(self) -> str:
        """``"Sector:arena"``."""
        return f"{self.sector}{SEPARATOR}{self.name}"

    @property
    def id(self) -> str:
        """Same as :attr:`address`."""
        return self.address


class GameObject(_HasTiles):
    """A thing in an arena people can use: a bed, a stove, the coffee machine.

    Object tiles are walkable and part of their arena: a person uses an object by standing on
    one of its tiles.

    Attributes:
        arena: Address of its arena, ``"Sector:arena"``.
        name: Name, unique within the arena.
        type: Catalogue type it was made from (``worlds.catalogue``), if any.
        states: Possible states, e.g. ``("off", "cooking")``.
        initial_state: State at the start; ``None`` means the first of ``states``.
        capacity: How many people can use it at once.
        affordances: Verbs it supports, e.g. ``("sleep", "rest")``.
    """

    arena: str
    name: Name
    type: str | None = None
    description: str = ""
    tiles: frozenset[Tile] = Field(min_length=1)
    states: tuple[str, ...] = Field(default=("idle", "in use"), min_length=1)
    initial_state: str | None = None
    capacity: int = Field(default=1, ge=1)
    affordances: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """``"Sector:arena:object"``."""
        return f"{self.arena}{SEPARATOR}{self.name}"

    @property
    def id(self) -> str:
        """Same as :attr:`address`."""
        return self.address

    @property
    def sector(self) -> str:
        """Name of the sector the object is in."""
        return self.arena.split(SEPARATOR, 1)[0]

    @property
    def start_state(self) -> str:
        """The state the object starts in."""
        return self.initial_state or self.states[0]


class TilesetRef(_Frozen):
    """A Tiled tileset the map uses, kept so a viewer can draw the original graphics.

    ``image`` is the image path resolved against the map file's folder (``None`` for an
    external tileset that could not be read or an image-collection tileset).
    """

    name: str = ""
    first_gid: int = Field(ge=1)
    source: str | None = None
    image: str | None = None
    image_width: int = 0
    image_height: int = 0
    tile_width: int = 0
    tile_height: int = 0
    columns: int = 0
    tile_count: int = 0
    margin: int = 0
    spacing: int = 0


class TileLayer(_Frozen):
    """One visual tile layer of a Tiled map: global tile ids row by row (0 = empty)."""

    name: str
    data: tuple[int, ...]
    visible: bool = True


class Graphics(_Frozen):
    """Optional graphics of a world imported from Tiled."""

    tile_width: int
    tile_height: int
    tilesets: tuple[TilesetRef, ...] = ()
    layers: tuple[TileLayer, ...] = ()

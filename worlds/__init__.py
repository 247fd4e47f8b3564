"""The town as data: schema, loaders (own YAML/ASCII format, Tiled .tmj) and bundled towns.

This package imports nothing else of gentown. Typical use::

    from worlds import load_world
    world = load_world("maplewood")
    world.is_walkable(3, 4); world.arena_at(3, 4); world.objects_in("Birch House:bedroom")
"""

from worlds.errors import Problem, SpecError, WorldError
from worlds.hours import (
    ClockTime,
    OpeningHours,
    format_clock,
    is_open,
    parse_clock,
    parse_clock_time,
    parse_hours,
)
from worlds.loader import (
    TOWNS_DIR,
    list_bundled_worlds,
    load_world,
    personas_dir,
    town_dir,
    world_path,
)
from worlds.places import (
    SEPARATOR,
    Arena,
    ArenaKind,
    GameObject,
    Graphics,
    PlaceKind,
    Sector,
    Spawn,
    Terrain,
    Tile,
    TileLayer,
    TilesetRef,
)
from worlds.world import Place, World, build_world

__all__ = [
    "SEPARATOR",
    "TOWNS_DIR",
    "Arena",
    "ArenaKind",
    "ClockTime",
    "GameObject",
    "Graphics",
    "OpeningHours",
    "Place",
    "PlaceKind",
    "Problem",
    "Sector",
    "Spawn",
    "SpecError",
    "Terrain",
    "Tile",
    "TileLayer",
    "TilesetRef",
    "World",
    "WorldError",
    "build_world",
    "format_clock",
    "is_open",
    "list_bundled_worlds",
    "load_world",
    "parse_clock",
    "parse_clock_time",
    "parse_hours",
    "personas_dir",
    "town_dir",
    "world_path",
]

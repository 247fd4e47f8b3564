"""Import a world from a map made in the Tiled editor (``.tmj``; see ``worlds/FORMAT.md``).

* Collision: a tile layer named ``collision``/``collisions`` (or with the bool property
  ``collision``): every non-zero tile is a wall. Tiles whose tileset tile has ``collision: true``
  are walls in any layer.
* Object layers: rectangles/points whose class (``type``) is ``sector``, ``arena``, ``object`` or
  ``spawn`` (or, when empty, implied by a layer named ``sectors``/``arenas``/``objects``/
  ``spawns``); ``name`` names the place; custom properties set the rest.
* Tile layers may also name places through tileset tile properties ``sector``, ``arena``
  (``"Sector:arena"`` or with ``sector``), ``object`` and ``kind``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from worlds.catalogue import CATALOGUE, object_fields
from worlds.errors import WorldError, problems_from_validation_error
from worlds.places import SEPARATOR, PlaceKind, Terrain, Tile
from worlds.tiled_read import ALLOWED, TiledReader, close_match
from worlds.tiled_spec import TiledMap, props
from worlds.world import World, build_world


def load_tiled_world(path: str | Path) -> World:
    """Load a Tiled JSON map (``.tmj``/``.json``) as a :class:`World`.

    Raises:
        WorldError: Naming the file, the JSON field path (``layers[2].objects[5]``) and what was
            expected, for every problem found.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise WorldError(str(path), "", f"cannot read file: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise WorldError(
            str(path),
            "",
            f"not valid JSON (line {exc.lineno}): {exc.msg}",
            "save the map again from Tiled as a JSON map (.tmj)",
        ) from exc
    return build_tiled_world(data, str(path), path.parent)


def build_tiled_world(data: Any, source: str, base_dir: Path) -> World:
    """Map parsed Tiled JSON onto a :class:`World` (``base_dir`` resolves tileset paths)."""
    old = _old_format(data)
    if old is not None:
        raise WorldError(
            source,
            "",
            f"a map in an old Tiled JSON format ({old})",
            "open it in Tiled 1.2 or newer and save it again as a JSON map "
            "(File → Save As…, format 'JSON map files (*.tmj *.json)')",
        )
    try:
        tmap = TiledMap.model_validate(data)
    except ValidationError as exc:
        raise WorldError.from_problems(problems_from_validation_error(exc, source)) from None
    importer = _Importer(tmap, source, base_dir)
    world_data = importer.run()
    if importer.problems:
        raise WorldError.from_problems(importer.problems)
    return build_world(world_data, source=source, origins=importer.origins)


def _old_format(data: Any) -> str | None:
    """What marks a map as written by a Tiled older than 1.2, or ``None`` for a current one."""
    if not isinstance(data, dict):
        return None
    camel = [key for key in ("tileWidth", "tileHeight") if key in data]
    if camel and "tilewidth" not in data:
        return f"camel-case keys such as {camel[0]!r}, written by Tiled before 2012"
    version = data.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        return f"'version' is the number {version}; Tiled 1.2 and newer write it as text"
    if isinstance(data.get("properties"), dict):
        return "'properties' is an object; Tiled 1.2 and newer write a list of properties"
    return None


class _Importer(TiledReader):
    def run(self) -> dict[str, Any]:
        """Read the map, then turn what was read into World fields (empty if problems)."""
        tilesets = self.read()
        self._cells_to_places()
        self._attach_arenas()
        self._attach_objects()
        if self.problems:
            return {}
        return self._assemble(tilesets)

    def _cells_to_places(self) -> None:
        for tile, cell in sorted(self.cells.items()):
            sector = cell.get("sector")
            if sector and sector not in self.sectors:
                self.sectors[sector] = {"values": {}, "tiles": set(), "loc": cell["_loc"]}
            arena = cell.get("arena")
            if not arena:
                continue
            arena_id = (
                arena if SEPARATOR in arena else f"{sector}{SEPARATOR}{arena}" if sector else ""
            )
            if not arena_id:
                self.add(
                    cell["_loc"],
                    f"tile at (x={tile[0]}, y={tile[1]}) names arena {arena!r} "
                    "without a sector; expected 'Sector:arena' or a sector property too",
                )
                continue
            sector_name = arena_id.split(SEPARATOR)[0]
            self.sectors.setdefault(
                sector_name, {"values": {}, "tiles": set(), "loc": cell["_loc"]}
            )
            entry = self.arenas.setdefault(
                arena_id,
                {"values": {"kind": cell.get("kind")}, "tiles": set(), "loc": cell["_loc"]},
            )
            entry["tiles"].add(tile)
            if cell.get("object"):
                obj = self.objects.setdefault(
                    f"{arena_id}{SEPARATOR}{cell['object']}",
                    {"values": {}, "tiles": set(), "loc": cell["_loc"]},
                )
                obj["tiles"].add(tile)

    def _attach_arenas(self) -> None:
        for obj, tiles, values, loc in self.pending_arenas:
            sector = values.get("sector") or _container(tiles, self.sectors)
            if not sector:
                self.add(
                    loc,
                    f"arena {obj.name!r} is not inside any sector rectangle; expected it "
                    "inside one",
                    "draw a sector around it or set the property 'sector'",
                )
                continue
            arena_id = f"{sector}{SEPARATOR}{obj.name.strip()}"
            entry = self.arenas.setdefault(arena_id, {"values": {}, "tiles": set(), "loc": loc})
            entry["values"] = {**entry["values"], **values}
            entry["tiles"] |= tiles
            entry["loc"] = loc

    def _attach_objects(self) -> None:
        for obj, tiles, values, loc in self.pending_objects:
            arena = values.get("arena") or _container(tiles, self.arenas, partial=True)
            if not arena:
                self.add(
                    loc,
                    f"object {obj.name!r} is outside every arena; expected it inside its "
                    "arena's rectangle",
                    "move it into an arena or set the property 'arena'",
                )
                continue
            entry = self.objects.setdefault(
                f"{arena}{SEPARATOR}{obj.name.strip()}", {"values": {}, "tiles": set(), "loc": loc}
            )
            entry["values"] = {**entry["values"], **values}
            entry["tiles"] |= tiles
            entry["loc"] = loc

    def _assemble(self, tilesets: list[dict[str, Any]]) -> dict[str, Any]:
        m = self.map
        mp = props(m.properties)
        for key in sorted(set(mp) - ALLOWED["map"]):
            self.add(
                f"properties.{key}",
                f"unknown map property {key!r}; expected one of: "
                f"{', '.join(sorted(ALLOWED['map']))}",
                close_match(key, ALLOWED["map"]),
            )
        homes, workplaces = _split(mp.get("homes")), _split(mp.get("workplaces"))
        sectors, arenas, objects = [], [], []
        for name, entry in self.sectors.items():
            v = entry["values"]
            self._origin(f"sectors[{len(sectors)}]", entry["loc"], v)
            sectors.append(
                {
                    "name": name,
                    "kind": v.get("kind") or PlaceKind.OTHER,
                    "description": v.get("description", ""),
                    "opening_hours": v.get("opening_hours") or None,
                }
            )
            homes += [name] if v.get("home") and name not in homes else []
            workplaces += [name] if v.get("workplace") and name not in workplaces else []
        for arena_id, entry in self.arenas.items():
            v = entry["values"]
            sector, name = arena_id.split(SEPARATOR, 1)
            self._origin(f"arenas[{len(arenas)}]", entry["loc"], v)
            arenas.append(
                {
                    "sector": sector,
                    "name": name,
                    "kind": v.get("kind") or PlaceKind.OTHER,
                    "description": v.get("description", ""),
                    "capacity": v.get("capacity"),
                    "tiles": sorted(entry["tiles"] - self.blocked),
                }
            )
        for object_id, entry in self.objects.items():
            arena, name = object_id.rsplit(SEPARATOR, 1)
            self._origin(f"objects[{len(objects)}]", entry["loc"], entry["values"])
            objects.append(
                self._object_data(arena, name, entry["values"], entry["tiles"], entry["loc"])
            )
        for i, (_, _, loc) in enumerate(self.spawns):
            self.origins[f"spawns[{i}]"] = loc
        arena_tiles = {t for a in arenas for t in a["tiles"]}
        terrain = [
            "".join(
                Terrain.WALL.code
                if (x, y) in self.blocked
                else Terrain.FLOOR.code
                if (x, y) in arena_tiles
                else Terrain.PATH.code
                for x in range(m.width)
            )
            for y in range(m.height)
        ]
        return {
            "name": mp.get("name") or Path(self.source).stem.replace("_", " ").title(),
            "description": mp.get("description", ""),
            "tile_size": mp.get("tile_size") or m.tilewidth,
            "width": m.width,
            "height": m.height,
            "terrain": terrain,
            "sectors": sectors,
            "arenas": arenas,
            "objects": objects,
            "spawns": [{"name": n, "x": t[0], "y": t[1]} for n, t, _ in self.spawns],
            "homes": homes,
            "workplaces": workplaces,
            "graphics": {
                "tile_width": m.tilewidth,
                "tile_height": m.tileheight,
                "tilesets": tilesets,
                "layers": self.visual,
            },
        }

    def _origin(self, key: str, loc: str, values: dict[str, Any]) -> None:
        self.origins[key] = loc
        for name in values:
            self.origins[f"{key}.{name}"] = f"{loc}.properties.{name}"

    def _object_data(self, arena: str, name: str, v: dict, tiles: set[Tile], loc: str) -> dict:
        type_name = v.get("type")
        if type_name is not None and type_name not in CATALOGUE:
            self.add(
                f"{loc}.properties.type",
                f"unknown object type {type_name!r}; expected one from worlds/catalogue.py",
                close_match(type_name, CATALOGUE),
            )
            type_name = None
        return object_fields(
            arena,
            name,
            tiles,
            type_name=type_name,
            description=v.get("description", ""),
            states=_split(v.get("states")),
            initial_state=v.get("initial_state"),
            capacity=v.get("capacity"),
            affordances=_split(v.get("affordances")) if "affordances" in v else None,
        )


def _container(tiles: set[Tile], places: dict[str, dict[str, Any]], partial: bool = False) -> str:
    """The smallest place whose tiles contain ``tiles`` (or overlap most, if ``partial``)."""
    best, best_key = "", (-1, 0, 0)
    for name, entry in places.items():
        shared = len(tiles & entry["tiles"])
        inside = shared == len(tiles)
        if shared and (inside or partial):
            key = (int(inside), shared, -len(entry["tiles"]))
            if key > best_key:
                best, best_key = name, key
    return best


def _split(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in str(value).replace("\n", ",").split(",") if p.strip()]

"""Reading a Tiled map's tilesets and layers into draft places (see ``worlds/tiled.py``)."""

from __future__ import annotations

import difflib
import json
import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from worlds.errors import Problem
from worlds.places import SEPARATOR, Tile
from worlds.tiled_spec import (
    TiledLayer,
    TiledMap,
    TiledObject,
    TiledTileset,
    decode_layer_data,
    props,
)

ALLOWED = {
    "map": {"name", "description", "homes", "workplaces", "tile_size"},
    "sector": {"kind", "description", "opening_hours", "home", "workplace"},
    "arena": {"kind", "description", "capacity", "sector"},
    "object": {
        "type",
        "description",
        "states",
        "initial_state",
        "capacity",
        "affordances",
        "arena",
    },
    "spawn": set(),
}
LAYER_KINDS = {
    "sectors": "sector",
    "arenas": "arena",
    "objects": "object",
    "game objects": "object",
    "spawns": "spawn",
    "spawn points": "spawn",
}
COLLISION_LAYERS = {"collision", "collisions"}


class TiledReader:
    """Collects walls, tile properties and place rectangles from a Tiled map, with problems."""

    def __init__(self, tmap: TiledMap, source: str, base_dir: Path) -> None:
        self.map, self.source, self.base_dir = tmap, source, base_dir
        self.problems: list[Problem] = []
        self.origins: dict[str, str] = {}
        self.blocked: set[Tile] = set()
        self.gid_props: dict[int, dict[str, Any]] = {}
        self.sectors: dict[str, dict[str, Any]] = {}
        self.arenas: dict[str, dict[str, Any]] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.spawns: list[tuple[str, Tile, str]] = []
        self.pending_arenas: list[tuple[TiledObject, set[Tile], dict[str, Any], str]] = []
        self.pending_objects: list[tuple[TiledObject, set[Tile], dict[str, Any], str]] = []
        self.cells: dict[Tile, dict[str, Any]] = {}
        self.visual: list[dict[str, Any]] = []

    def add(self, loc: str, message: str, fix: str = "") -> None:
        """Record a problem at a JSON field path of the map."""
        self.problems.append(Problem(self.source, loc, message, fix))

    def read(self) -> list[dict[str, Any]]:
        """Read tilesets and layers; return the tileset references."""
        m = self.map
        if m.orientation != "orthogonal":
            self.add(
                "orientation",
                f"expected 'orthogonal', got {m.orientation!r}",
                "make a new orthogonal map in Tiled",
            )
        if m.infinite:
            self.add(
                "infinite",
                "expected infinite=false (a fixed-size map)",
                "Map > Map Properties: untick Infinite",
            )
        tilesets = self._tilesets()
        for layer, loc in _flatten(m.layers, "layers"):
            if layer.type == "tilelayer":
                self._tile_layer(layer, loc)
            elif layer.type == "objectgroup":
                for k, obj in enumerate(layer.objects):
                    self._object(obj, layer, f"{loc}.objects[{k}]")
        return tilesets

    def _tilesets(self) -> list[dict[str, Any]]:
        refs = []
        for i, ts in enumerate(self.map.tilesets):
            ref = {"first_gid": ts.firstgid, "source": ts.source}
            if ts.source:
                loaded = self._external(ts, f"tilesets[{i}].source")
                ts = loaded or ts
            for tile in ts.tiles:
                self.gid_props[ts.firstgid + tile.id] = props(tile.properties)
            image = str((self.base_dir / ts.image).resolve()) if ts.image else None
            refs.append(
                ref
                | {
                    "name": ts.name,
                    "image": image,
                    "image_width": ts.imagewidth,
                    "image_height": ts.imageheight,
                    "tile_width": ts.tilewidth,
                    "tile_height": ts.tileheight,
                    "columns": ts.columns,
                    "tile_count": ts.tilecount,
                    "margin": ts.margin,
                    "spacing": ts.spacing,
                }
            )
        return refs

    def _external(self, ts: TiledTileset, loc: str) -> TiledTileset | None:
        path = self.base_dir / str(ts.source)
        if path.suffix.lower() not in (".tsj", ".json"):
            return None  # .tsx (XML): kept as a reference; its tile properties are not read
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return TiledTileset.model_validate(
                {**data, "firstgid": ts.firstgid, "source": ts.source}
            )
        except (OSError, json.JSONDecodeError, ValidationError) as exc:
            self.add(
                loc,
                f"cannot read external tileset {str(path)!r}: {exc}",
                "keep the .tsj next to the map or embed the tileset",
            )
            return None

    def _tile_layer(self, layer: TiledLayer, loc: str) -> None:
        m = self.map
        try:
            gids = decode_layer_data(layer)
        except ValueError as exc:
            self.add(f"{loc}.data", str(exc), "Map > Map Properties: Tile Layer Format = CSV")
            return
        if len(gids) != m.width * m.height:
            self.add(
                f"{loc}.data",
                f"has {len(gids)} tiles; expected width*height = {m.width * m.height}",
            )
            return
        layer_props = props(layer.properties)
        is_collision = layer.name.strip().lower() in COLLISION_LAYERS or bool(
            layer_props.get("collision")
        )
        for i, gid in enumerate(gids):
            if not gid:
                continue
            tile = (i % m.width, i // m.width)
            tile_props = self.gid_props.get(gid, {})
            if is_collision or tile_props.get("collision") is True:
                self.blocked.add(tile)
            named = {
                k: v for k, v in tile_props.items() if k in ("sector", "arena", "object", "kind")
            }
            if named:
                self.cells.setdefault(tile, {}).update(named)
                self.cells[tile].setdefault("_loc", loc)
        self.visual.append({"name": layer.name, "data": gids, "visible": layer.visible})

    def _object(self, obj: TiledObject, layer: TiledLayer, loc: str) -> None:
        implied = LAYER_KINDS.get(layer.name.strip().lower())
        kind = obj.kind or implied
        if kind not in ALLOWED:
            if implied and obj.kind:
                self.add(
                    f"{loc}.type",
                    f"unknown class {obj.kind!r} in layer {layer.name!r}; "
                    f"expected one of: {', '.join(ALLOWED)}",
                    close_match(obj.kind, ALLOWED),
                )
            return
        what = f"{kind} {obj.name!r}" if obj.name else kind
        values = props(obj.properties)
        for key in sorted(set(values) - ALLOWED[kind]):
            self.add(
                f"{loc}.properties.{key}",
                f"unknown property {key!r} on {what}; expected one "
                f"of: {', '.join(sorted(ALLOWED[kind])) or 'none'}",
                close_match(key, ALLOWED[kind]),
            )
        if not obj.name.strip():
            self.add(f"{loc}.name", f"this {kind} has no name; expected a name", "fill in Name")
            return
        if SEPARATOR in obj.name:
            self.add(f"{loc}.name", f"name {obj.name!r} contains ':'; expected a plain name")
            return
        if obj.polygon is not None or obj.polyline is not None or obj.rotation:
            self.add(
                loc,
                f"{what} is a polygon, polyline or rotated shape; expected an unrotated "
                "rectangle or a point",
                "redraw it with the rectangle tool",
            )
            return
        tiles = self._rect_tiles(obj)
        name = obj.name.strip()
        if kind == "sector":
            if name in self.sectors:
                self.add(f"{loc}.name", f"sector {name!r} is defined twice; expected unique names")
            self.sectors[name] = {"values": values, "tiles": tiles, "loc": loc}
        elif kind == "arena":
            self.pending_arenas.append((obj, tiles, values, loc))
        elif kind == "object":
            self.pending_objects.append((obj, tiles, values, loc))
        else:
            self.spawns.append((name, min(tiles), loc))

    def _rect_tiles(self, obj: TiledObject) -> set[Tile]:
        tw, th = self.map.tilewidth, self.map.tileheight
        y = obj.y - obj.height if obj.gid else obj.y  # tile objects are anchored bottom-left
        x0, y0 = round(obj.x / tw), round(y / th)
        x1, y1 = round((obj.x + obj.width) / tw), round((y + obj.height) / th)
        if obj.point or x1 <= x0 or y1 <= y0:
            cx, cy = obj.x + obj.width / 2, y + obj.height / 2
            return {(math.floor(cx / tw), math.floor(cy / th))}
        return {(x, yy) for x in range(x0, x1) for yy in range(y0, y1)}


def _flatten(layers: list[TiledLayer], loc: str) -> list[tuple[TiledLayer, str]]:
    out = []
    for i, layer in enumerate(layers):
        here = f"{loc}[{i}]"
        out.append((layer, here))
        if layer.type == "group":
            out += _flatten(layer.layers, f"{here}.layers")
    return out


def close_match(name: str, known: Any) -> str:
    """``"did you mean 'x'?"`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else ""

"""The parts of the Tiled JSON map format (``.tmj``) that gentown reads.

Reference: https://doc.mapeditor.org/en/stable/reference/json-map-format/ . Tiled writes many
more fields (``compressionlevel``, ``nextobjectid``, ``parallaxx``...); they are ignored. Since
Tiled 1.9 an object's class may be saved as ``class`` (1.9 only) or ``type`` (1.10+); both are
read.
"""

from __future__ import annotations

import base64
import gzip
import struct
import zlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

FLIP_FLAGS = 0xF0000000
"""High bits of a global tile id that encode flipping/rotation (masked off)."""


class _Tiled(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class TiledProperty(_Tiled):
    """A custom property ``{name, type, value}``."""

    name: str
    type: str = "string"
    value: Any = None


class TiledObject(_Tiled):
    """An object of an object layer (rectangle, point, ellipse, polygon, tile object)."""

    id: int = 0
    name: str = ""
    type: str = ""
    class_: str = Field(default="", alias="class")
    x: float
    y: float
    width: float = 0
    height: float = 0
    rotation: float = 0
    point: bool = False
    ellipse: bool = False
    polygon: list[Any] | None = None
    polyline: list[Any] | None = None
    gid: int | None = None
    properties: list[TiledProperty] = Field(default_factory=list)

    @property
    def kind(self) -> str:
        """The object's class, lower-case (``type`` in Tiled 1.10+, ``class`` in 1.9)."""
        return (self.type or self.class_).strip().lower()


class TiledLayer(_Tiled):
    """A layer: ``tilelayer``, ``objectgroup``, ``imagelayer`` or ``group``."""

    id: int = 0
    name: str = ""
    type: str
    visible: bool = True
    width: int = 0
    height: int = 0
    data: list[int] | str | None = None
    encoding: str | None = None
    compression: str | None = None
    chunks: list[Any] | None = None
    objects: list[TiledObject] = Field(default_factory=list)
    layers: list[TiledLayer] = Field(default_factory=list)
    properties: list[TiledProperty] = Field(default_factory=list)


class TiledTile(_Tiled):
    """Per-tile data of a tileset (only tiles with properties, class or animation appear)."""

    id: int
    type: str = ""
    class_: str = Field(default="", alias="class")
    properties: list[TiledProperty] = Field(default_factory=list)


class TiledTileset(_Tiled):
    """An embedded tileset, or a reference ``{firstgid, source}`` to an external one."""

    firstgid: int = 1
    source: str | None = None
    name: str = ""
    image: str | None = None
    imagewidth: int = 0
    imageheight: int = 0
    tilewidth: int = 0
    tileheight: int = 0
    columns: int = 0
    tilecount: int = 0
    margin: int = 0
    spacing: int = 0
    tiles: list[TiledTile] = Field(default_factory=list)


class TiledMap(_Tiled):
    """A Tiled map as written by *File > Save As > JSON map files (*.tmj)*."""

    type: str = "map"
    tiledversion: str = ""
    orientation: str = "orthogonal"
    infinite: bool = False
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    tilewidth: int = Field(ge=1)
    tileheight: int = Field(ge=1)
    layers: list[TiledLayer]
    tilesets: list[TiledTileset] = Field(default_factory=list)
    properties: list[TiledProperty] = Field(default_factory=list)


def props(items: list[TiledProperty]) -> dict[str, Any]:
    """Custom properties as a ``{name: value}`` dict."""
    return {p.name: p.value for p in items}


def decode_layer_data(layer: TiledLayer) -> list[int]:
    """Global tile ids of a tile layer, flip flags removed.

    Supports CSV arrays and base64 (uncompressed, zlib or gzip).

    Raises:
        ValueError: For zstd compression, chunked (infinite) data or bad base64.
    """
    if layer.data is None:
        raise ValueError("tile layer has no data (chunks are only used by infinite maps)")
    if isinstance(layer.data, list):
        raw = layer.data
    else:
        if layer.encoding != "base64":
            raise ValueError(f"expected encoding 'csv' or 'base64', got {layer.encoding!r}")
        blob = base64.b64decode(layer.data)
        if layer.compression == "zlib":
            blob = zlib.decompress(blob)
        elif layer.compression == "gzip":
            blob = gzip.decompress(blob)
        elif layer.compression:
            raise ValueError(
                f"compression {layer.compression!r} is not supported; expected none, zlib or gzip"
            )
        raw = list(struct.unpack(f"<{len(blob) // 4}I", blob))
    return [gid & ~FLIP_FLAGS & 0xFFFFFFFF for gid in raw]

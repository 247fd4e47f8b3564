"""A Tiled map's own tile graphics, used when the world brings tilesets whose images exist."""

from __future__ import annotations

import logging
from pathlib import Path

import pygame

from viz import palette as pal
from worlds.places import TilesetRef
from worlds.world import World

logger = logging.getLogger(__name__)


class TiledArt:
    """A Tiled map's own tile graphics, composed once at native size.

    Args:
        native: Every visible layer drawn at the tileset's tile size.
    """

    def __init__(self, native: pygame.Surface) -> None:
        self.native = native

    @classmethod
    def load(cls, world: World) -> TiledArt | None:
        """Composes the world's tile layers, or ``None`` if it has none or an image is missing."""
        graphics = world.graphics
        if graphics is None or not graphics.layers or not graphics.tilesets:
            return None
        images: dict[int, pygame.Surface] = {}
        for tileset in graphics.tilesets:
            if not tileset.image or not Path(tileset.image).is_file():
                logger.info(
                    "tileset image %r not found; drawing the map procedurally", tileset.image
                )
                return None
            try:
                images[tileset.first_gid] = pygame.image.load(tileset.image)
            except (pygame.error, OSError) as exc:
                logger.warning(
                    "cannot read tileset image %s (%s); drawing procedurally", tileset.image, exc
                )
                return None
        tw, th = graphics.tile_width, graphics.tile_height
        native = pygame.Surface((world.width * tw, world.height * th), pygame.SRCALPHA)
        ordered = sorted(graphics.tilesets, key=lambda t: t.first_gid)
        cache: dict[int, pygame.Surface | None] = {}
        for layer in graphics.layers:
            if not layer.visible:
                continue
            for i, raw in enumerate(layer.data):
                if not raw:
                    continue
                tile = cache.get(raw)
                if raw not in cache:
                    tile = tile_image(raw, ordered, images)
                    cache[raw] = tile
                if tile is not None:
                    native.blit(tile, ((i % world.width) * tw, (i // world.width) * th))
        return cls(native)

    def draw(self, surface: pygame.Surface, s: int) -> None:
        """Draws the map scaled to fill ``surface`` (``s`` pixels per tile)."""
        surface.fill(pal.BACKGROUND)
        size = surface.get_size()
        scaler = (
            pygame.transform.smoothscale
            if size[0] < self.native.get_width()
            else pygame.transform.scale
        )
        surface.blit(scaler(self.native, size), (0, 0))


def tile_image(
    raw: int, tilesets: list[TilesetRef], images: dict[int, pygame.Surface]
) -> pygame.Surface | None:
    """The image of one tile given its raw Tiled id (flip flags honoured; diagonal ignored).

    Args:
        raw: The global tile id with Tiled's flip bits.
        tilesets: The map's tilesets, sorted by ``first_gid``.
        images: Each tileset's loaded image, by ``first_gid``.
    """
    flip_h, flip_v = bool(raw & 0x80000000), bool(raw & 0x40000000)
    gid = raw & 0x0FFFFFFF
    owner = None
    for tileset in tilesets:
        if tileset.first_gid <= gid:
            owner = tileset
    if owner is None or not owner.columns:
        return None
    local = gid - owner.first_gid
    tw, th = owner.tile_width, owner.tile_height
    col, row = local % owner.columns, local // owner.columns
    src = pygame.Rect(
        owner.margin + col * (tw + owner.spacing), owner.margin + row * (th + owner.spacing), tw, th
    )
    image = images[owner.first_gid]
    if not image.get_rect().contains(src):
        return None
    tile = image.subsurface(src)
    if flip_h or flip_v:
        tile = pygame.transform.flip(tile, flip_h, flip_v)
    return tile

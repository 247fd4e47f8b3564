"""The static map: terrain, floors, walls, doors and place labels, pre-rendered per zoom level.

Tiles are drawn procedurally (no third-party art) at each zoom's tile size, so the map is crisp
at every level. A world imported from Tiled is drawn with its tileset images instead when every
image file exists. Object sprites change with their state and live in :mod:`viz.objects_layer`.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import pygame

from viz import palette as pal
from viz.fonts import Fonts
from viz.palette import Color
from viz.place_labels import arena_label, sector_label
from viz.tiled_art import TiledArt
from worlds.places import Arena, PlaceKind, Terrain
from worlds.world import World

logger = logging.getLogger(__name__)

Tile = tuple[int, int]


def tile_hash(x: int, y: int, salt: int = 0) -> int:
    """A stable pseudo-random 32-bit number for a tile (texture details)."""
    n = (x * 73856093) ^ (y * 19349663) ^ (salt * 83492791)
    n = (n ^ (n >> 13)) * 1274126177
    return (n ^ (n >> 16)) & 0xFFFFFFFF


class TownLayer:
    """Pre-rendered town surfaces, one per tile size, kept in a small LRU cache.

    Args:
        world: The town.
        fonts: Fonts for place labels.
        cache_levels: How many zoom levels to keep rendered.
        labels: Draw sector and arena names on the map.
    """

    def __init__(
        self, world: World, fonts: Fonts, cache_levels: int = 3, *, labels: bool = True
    ) -> None:
        self.world = world
        self.labels = labels
        self.fonts = fonts
        self.cache_levels = cache_levels
        self._cache: OrderedDict[int, pygame.Surface] = OrderedDict()
        self._arena_of: dict[Tile, Arena] = {}
        for arena in world.arenas:
            for tile in arena.tiles:
                self._arena_of.setdefault(tile, arena)
        self._object_tiles = {t for o in world.objects for t in o.tiles}
        self._tiled = TiledArt.load(world)
        self.uses_tileset = self._tiled is not None

    def surface(self, tile_px: int) -> pygame.Surface:
        """The whole town drawn at ``tile_px`` pixels per tile (cached)."""
        found = self._cache.get(tile_px)
        if found is not None:
            self._cache.move_to_end(tile_px)
            return found
        w, h = self.world.width * tile_px, self.world.height * tile_px
        surface = pygame.Surface((w, h))
        if self._tiled is not None:
            self._tiled.draw(surface, tile_px)
        else:
            self._draw_tiles(surface, tile_px)
        if self.labels:
            self._draw_labels(surface, tile_px)
        if pygame.display.get_surface() is not None:
            surface = surface.convert()
        self._cache[tile_px] = surface
        while len(self._cache) > self.cache_levels:
            self._cache.popitem(last=False)
        return surface

    # --- terrain -------------------------------------------------------------------------

    def _terrain(self, x: int, y: int) -> Terrain:
        return self.world.terrain_at(x, y)

    def _draw_tiles(self, surface: pygame.Surface, s: int) -> None:
        world = self.world
        for y in range(world.height):
            for x in range(world.width):
                self._ground(surface, x, y, s)
        self._arena_edges(surface, s)
        for y in range(world.height):  # raised things overlap their neighbours: second pass
            for x in range(world.width):
                terrain = self._terrain(x, y)
                if terrain == Terrain.WALL:
                    self._wall(surface, x, y, s)
                elif terrain == Terrain.TREE:
                    self._tree(surface, x, y, s)

    def _ground(self, surface: pygame.Surface, x: int, y: int, s: int) -> None:
        terrain = self._terrain(x, y)
        rect = pygame.Rect(x * s, y * s, s, s)
        arena = self._arena_of.get((x, y))
        if terrain in (Terrain.FLOOR, Terrain.DOOR) or (arena and terrain != Terrain.WALL):
            kind = arena.kind if arena else PlaceKind.OTHER
            if terrain == Terrain.DOOR:
                kind = self._door_kind(x, y)
            self._floor(surface, rect, x, y, kind, s)
            if terrain == Terrain.DOOR:
                self._door(surface, rect, x, y, s)
            return
        if terrain in (Terrain.GRASS, Terrain.TREE):
            self._speckled(surface, rect, x, y, pal.TERRAIN[Terrain.GRASS], s, blades=True)
        elif terrain == Terrain.WATER:
            self._water(surface, rect, x, y, s)
        elif terrain == Terrain.PATH:
            self._speckled(surface, rect, x, y, pal.TERRAIN[Terrain.PATH], s, blades=False)
        elif terrain == Terrain.STREET:
            self._street(surface, rect, x, y, s)
        else:
            surface.fill(pal.TERRAIN[terrain], rect)

    def _door_kind(self, x: int, y: int) -> PlaceKind:
        for nx, ny in ((x, y - 1), (x, y + 1), (x - 1, y), (x + 1, y)):
            arena = self._arena_of.get((nx, ny))
            if arena is not None:
                return arena.kind
        return PlaceKind.HALLWAY

    def _speckled(
        self, surface: pygame.Surface, rect: pygame.Rect, x: int, y: int, base: Color, s: int,
        *, blades: bool,
    ) -> None:  # fmt: skip
        surface.fill(pal.shade(base, 0.97 + (tile_hash(x, y, 7) % 7) / 100), rect)
        if s < 10:
            return
        for k in range(3 if blades else 2):
            h = tile_hash(x, y, k)
            px, py = rect.x + h % (s - 2) + 1, rect.y + (h >> 8) % (s - 3) + 1
            tone = pal.shade(base, 0.82) if (h >> 16) % 3 else pal.shade(base, 1.12)
            if blades:
                pygame.draw.line(surface, tone, (px, py), (px + (h >> 20) % 3 - 1, py + 2))
            else:
                pygame.draw.circle(surface, tone, (px, py), max(1, s // 16))

    def _floor(
        self, surface: pygame.Surface, rect: pygame.Rect, x: int, y: int, kind: PlaceKind, s: int
    ) -> None:
        base = pal.FLOOR.get(kind, pal.FLOOR[PlaceKind.OTHER])
        pattern = pal.FLOOR_PATTERN.get(kind, "planks")
        if pattern == "lawn":
            self._speckled(surface, rect, x, y, base, s, blades=True)
            return
        if pattern == "checker":
            surface.fill(base if (x + y) % 2 else pal.shade(base, 0.93), rect)
            if s >= 12:
                pygame.draw.rect(surface, pal.shade(base, 0.86), rect, 1)
            return
        surface.fill(base, rect)
        if s < 10:
            return
        if pattern == "carpet":
            for k in range(3):
                h = tile_hash(x, y, 11 + k)
                surface.set_at(
                    (rect.x + h % s, rect.y + (h >> 8) % s), pal.shade(base, 0.9 + k * 0.05)
                )
        elif pattern == "stones":
            pygame.draw.rect(surface, pal.shade(base, 0.85), rect, 1)
        elif pattern == "planks":
            line = pal.shade(base, 0.88)
            board = max(3, s // 4)
            for i, py in enumerate(range(rect.y + board, rect.bottom, board)):
                pygame.draw.line(surface, line, (rect.x, py), (rect.right - 1, py))
                seam = rect.x + tile_hash(x, y * 8 + i, 3) % s
                pygame.draw.line(surface, line, (seam, py - board + 1), (seam, py - 1))

    def _door(self, surface: pygame.Surface, rect: pygame.Rect, x: int, y: int, s: int) -> None:
        wood = pal.TERRAIN[Terrain.DOOR]
        vertical_wall = self._terrain(x, y - 1) == Terrain.WALL or (
            self._terrain(x, y + 1) == Terrain.WALL
        )
        horizontal = not vertical_wall or self._terrain(x - 1, y) == Terrain.WALL
        inset = max(1, s // 8)
        if horizontal:  # a door in a horizontal wall: a threshold strip
            strip = pygame.Rect(rect.x + inset, rect.y + s // 3, s - 2 * inset, s // 3)
        else:
            strip = pygame.Rect(rect.x + s // 3, rect.y + inset, s // 3, s - 2 * inset)
        pygame.draw.rect(surface, wood, strip, border_radius=max(1, s // 10))
        pygame.draw.rect(surface, pal.shade(wood, 0.7), strip, 1, border_radius=max(1, s // 10))

    def _water(self, surface: pygame.Surface, rect: pygame.Rect, x: int, y: int, s: int) -> None:
        surface.fill(pal.TERRAIN[Terrain.WATER], rect)
        if s < 10:
            return
        for k in range(2):
            h = tile_hash(x, y, 20 + k)
            px, py = rect.x + h % max(1, s - s // 3), rect.y + (h >> 8) % max(1, s - 3) + 2
            arc = pygame.Rect(px, py - s // 8, s // 3, s // 4)
            pygame.draw.arc(surface, pal.WATER_WAVE, arc, 0.3, 2.8, max(1, s // 24))
        for nx, ny, edge in ((x, y - 1, "top"), (x, y + 1, "bottom"), (x - 1, y, "left"),
                             (x + 1, y, "right")):  # fmt: skip
            if self._terrain(nx, ny) != Terrain.WATER:
                w = max(1, s // 10)
                band = {
                    "top": (rect.x, rect.y, s, w), "bottom": (rect.x, rect.bottom - w, s, w),
                    "left": (rect.x, rect.y, w, s), "right": (rect.right - w, rect.y, w, s),
                }[edge]  # fmt: skip
                surface.fill(pal.shade(pal.TERRAIN[Terrain.WATER], 1.35), band)

    def _street(self, surface: pygame.Surface, rect: pygame.Rect, x: int, y: int, s: int) -> None:
        base = pal.TERRAIN[Terrain.STREET]
        surface.fill(pal.shade(base, 0.98 + (tile_hash(x, y, 5) % 5) / 100), rect)
        is_street = lambda tx, ty: self._terrain(tx, ty) == Terrain.STREET  # noqa: E731
        dash_w = max(1, s // 12)
        dash = max(2, s * 3 // 8)
        # a two-tile-wide road gets a dashed centre line on the seam between its lanes
        if is_street(x, y + 1) and not is_street(x, y - 1) and not is_street(x, y + 2):
            for px in (rect.x + s // 8, rect.x + s * 5 // 8):
                surface.fill(pal.LANE_MARK, (px, rect.bottom - dash_w // 2 - 1, dash, dash_w))
        if is_street(x + 1, y) and not is_street(x - 1, y) and not is_street(x + 2, y):
            for py in (rect.y + s // 8, rect.y + s * 5 // 8):
                surface.fill(pal.LANE_MARK, (rect.right - dash_w // 2 - 1, py, dash_w, dash))
        if s >= 12:  # kerbs where the road meets something else
            for nx, ny, band in ((x, y - 1, (rect.x, rect.y, s, 1)),
                                 (x, y + 1, (rect.x, rect.bottom - 1, s, 1))):  # fmt: skip
                if not is_street(nx, ny):
                    surface.fill(pal.shade(base, 1.4), band)

    def _wall(self, surface: pygame.Surface, x: int, y: int, s: int) -> None:
        rect = pygame.Rect(x * s, y * s, s, s)
        cap = pal.TERRAIN[Terrain.WALL]
        surface.fill(cap, rect)
        below_open = self._terrain(x, y + 1) != Terrain.WALL and y + 1 < self.world.height
        if below_open:  # the wall's face, seen from the room below
            face_h = max(2, s * 2 // 5)
            face = pygame.Rect(rect.x, rect.bottom - face_h, s, face_h)
            surface.fill(pal.WALL_FACE, face)
            if s >= 12:
                row_h = max(2, face_h // 2)
                for i, py in enumerate(range(face.y, face.bottom, row_h)):
                    pygame.draw.line(surface, pal.WALL_MORTAR, (face.x, py), (face.right - 1, py))
                    off = (s // 4) if (i + x) % 2 else (s * 3 // 4)
                    pygame.draw.line(
                        surface, pal.WALL_MORTAR, (face.x + off, py), (face.x + off, py + row_h)
                    )
            pygame.draw.line(surface, pal.shade(cap, 0.7), face.topleft, (face.right - 1, face.y))
        if self._terrain(x, y - 1) != Terrain.WALL or y == 0:
            pygame.draw.line(surface, pal.WALL_CAP_EDGE, rect.topleft, (rect.right - 1, rect.y))

    def _tree(self, surface: pygame.Surface, x: int, y: int, s: int) -> None:
        cx, cy = x * s + s // 2, y * s + s // 2
        r = max(2, int(s * 0.52))
        jitter = (tile_hash(x, y, 9) % max(1, s // 6)) - s // 12
        pygame.draw.ellipse(
            surface, pal.shade(pal.TERRAIN[Terrain.GRASS], 0.7),
            (cx - r + s // 8, cy - r // 2 + s // 4, 2 * r, r + s // 4),
        )  # fmt: skip
        pygame.draw.circle(surface, pal.TREE_SHADOW, (cx + jitter, cy), r)
        pygame.draw.circle(surface, pal.TERRAIN[Terrain.TREE], (cx + jitter, cy - s // 16), r - 1)
        pygame.draw.circle(
            surface, pal.TREE_HIGHLIGHT, (cx + jitter - r // 3, cy - r // 3), max(1, r // 2)
        )

    def _arena_edges(self, surface: pygame.Surface, s: int) -> None:
        if s < 10:
            return
        dash = max(2, s // 4)
        for (x, y), arena in self._arena_of.items():
            for nx, ny in ((x + 1, y), (x, y + 1)):
                other = self._arena_of.get((nx, ny))
                if other is None or other is arena or other.sector != arena.sector:
                    continue
                if nx != x:
                    for py in range(y * s, y * s + s, dash * 2):
                        pygame.draw.line(surface, pal.ARENA_EDGE, (nx * s, py), (nx * s, py + dash))
                else:
                    for px in range(x * s, x * s + s, dash * 2):
                        pygame.draw.line(surface, pal.ARENA_EDGE, (px, ny * s), (px + dash, ny * s))

    # --- labels --------------------------------------------------------------------------

    def _draw_labels(self, surface: pygame.Surface, s: int) -> None:
        if s >= 20:
            for arena in self.world.arenas:
                arena_label(surface, self.fonts, arena, self._object_tiles, s)
        for sector in self.world.sectors:
            tiles = [t for a in self.world.arenas_in(sector.name) for t in a.tiles]
            if tiles:
                on_wall = (
                    self._terrain(
                        (min(t[0] for t in tiles) + max(t[0] for t in tiles) + 1) // 2,
                        min(t[1] for t in tiles) - 1,
                    )
                    == Terrain.WALL
                )
                sector_label(surface, self.fonts, sector.name, tiles, s, on_wall=on_wall)

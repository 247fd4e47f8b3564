"""Objects on the map, drawn in their current state each frame from cached sprites."""

from __future__ import annotations

import pygame

from viz import object_art
from viz import palette as pal
from viz.camera import Camera
from worlds.places import GameObject
from worlds.world import World


class ObjectsLayer:
    """Draws every visible object in its state; answers which object is under a point.

    Args:
        world: The town.
        outline_only: The map comes from a Tiled tileset that already shows the furniture:
            only mark objects in use, with a glowing outline.
    """

    def __init__(self, world: World, *, outline_only: bool = False) -> None:
        self.world = world
        self.outline_only = outline_only
        self._bounds: dict[str, tuple[int, int, int, int]] = {}
        for obj in world.objects:
            xs = [t[0] for t in obj.tiles]
            ys = [t[1] for t in obj.tiles]
            self._bounds[obj.id] = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
        self._sprites: dict[tuple[str, str, int], tuple[pygame.Surface, tuple[int, int]]] = {}

    def state_of(self, obj: GameObject, states: dict[str, str]) -> str:
        """An object's state in a frame (its start state when the frame does not say)."""
        return states.get(obj.id, obj.start_state)

    def sprite(
        self, obj: GameObject, state: str, tile_px: int
    ) -> tuple[pygame.Surface, tuple[int, int]]:
        """The cached sprite of an object in a state at a zoom, with its offset."""
        key = (obj.id, state, tile_px)
        found = self._sprites.get(key)
        if found is None:
            if len(self._sprites) > 3000:
                self._sprites.clear()
            found = object_art.render(obj, state, tile_px)
            self._sprites[key] = found
        return found

    def draw(self, surface: pygame.Surface, camera: Camera, states: dict[str, str]) -> None:
        """Draws the objects that are on screen."""
        s = camera.tile_px
        vx0, vy0, vx1, vy1 = camera.visible_tiles()
        for obj in self.world.objects:
            x0, y0, x1, y1 = self._bounds[obj.id]
            if x1 < vx0 or x0 > vx1 or y1 < vy0 or y0 > vy1:
                continue
            state = self.state_of(obj, states)
            sx, sy = camera.world_to_screen(x0, y0)
            if self.outline_only:
                if object_art.shows_glow(obj, state):
                    rect = pygame.Rect(round(sx), round(sy), (x1 - x0) * s, (y1 - y0) * s)
                    pygame.draw.rect(
                        surface, pal.ACTIVE_GLOW, rect, max(2, s // 10), border_radius=4
                    )
                continue
            sprite, (ox, oy) = self.sprite(obj, state, s)
            surface.blit(sprite, (round(sx) + ox, round(sy) + oy))

    def object_at(self, x: float, y: float) -> GameObject | None:
        """The object covering a world point (tiles), if any."""
        return self.world.object_at(int(x // 1), int(y // 1))

    def screen_rect(self, obj: GameObject, camera: Camera) -> pygame.Rect:
        """Where an object's tiles are on screen."""
        x0, y0, x1, y1 = self._bounds[obj.id]
        sx, sy = camera.world_to_screen(x0, y0)
        s = camera.tile_px
        return pygame.Rect(round(sx), round(sy), (x1 - x0) * s, (y1 - y0) * s)

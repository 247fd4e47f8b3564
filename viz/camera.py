"""The camera: which part of the town is on screen, at which zoom; pure arithmetic, no pygame.

World coordinates are in tiles (floats; a tile's centre is ``x + 0.5``). The zoom is a tile size
in screen pixels taken from :data:`ZOOM_LEVELS`, so the static map can be pre-rendered once per
level.
"""

from __future__ import annotations

from dataclasses import dataclass

ZOOM_LEVELS: tuple[int, ...] = (6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64)
"""Tile sizes in screen pixels, smallest first."""


@dataclass
class Camera:
    """Centre, zoom level and viewport of the view.

    Attributes:
        world_w: World width in tiles.
        world_h: World height in tiles.
        view_w: Viewport width in pixels.
        view_h: Viewport height in pixels.
        cx: Centre of the view, in tiles.
        cy: Centre of the view, in tiles.
        level: Index into :data:`ZOOM_LEVELS`.
        follow: Name of the agent the camera follows, if any.
    """

    world_w: int
    world_h: int
    view_w: int
    view_h: int
    cx: float = 0.0
    cy: float = 0.0
    level: int = 9
    follow: str | None = None

    @property
    def tile_px(self) -> int:
        """Screen size of one tile at the current zoom."""
        return ZOOM_LEVELS[self.level]

    def resize(self, view_w: int, view_h: int) -> None:
        """Sets a new viewport size (the centre stays)."""
        self.view_w, self.view_h = max(1, view_w), max(1, view_h)

    def fit(
        self,
        margin_top: int = 0,
        margin_bottom: int = 0,
        margin_left: int = 0,
        margin_right: int = 0,
    ) -> None:
        """Zooms so the whole town fits between the margins, and centres it there."""
        usable_w = max(1, self.view_w - margin_left - margin_right)
        usable_h = max(1, self.view_h - margin_top - margin_bottom)
        level = 0
        for i, px in enumerate(ZOOM_LEVELS):
            if self.world_w * px <= usable_w and self.world_h * px <= usable_h:
                level = i
        self.level = level
        # shift so the map sits in the middle of the usable area
        self.cx = self.world_w / 2 - (margin_left - margin_right) / 2 / self.tile_px
        self.cy = self.world_h / 2 - (margin_top - margin_bottom) / 2 / self.tile_px

    def world_to_screen(self, x: float, y: float) -> tuple[float, float]:
        """Screen pixel of a world point (tiles)."""
        px = self.tile_px
        return ((x - self.cx) * px + self.view_w / 2, (y - self.cy) * px + self.view_h / 2)

    def screen_to_world(self, sx: float, sy: float) -> tuple[float, float]:
        """World point (tiles) under a screen pixel."""
        px = self.tile_px
        return ((sx - self.view_w / 2) / px + self.cx, (sy - self.view_h / 2) / px + self.cy)

    def origin(self) -> tuple[int, int]:
        """Screen pixel of the world's top-left corner (where the map surface is blitted)."""
        x, y = self.world_to_screen(0, 0)
        return round(x), round(y)

    def pan(self, dx_px: float, dy_px: float) -> None:
        """Moves the view by a screen distance (dragging right moves the town right)."""
        self.cx -= dx_px / self.tile_px
        self.cy -= dy_px / self.tile_px
        self.follow = None
        self.clamp()

    def zoom(self, steps: int, at: tuple[float, float] | None = None) -> None:
        """Zooms in (steps > 0) or out, keeping the world point under ``at`` still."""
        anchor = at if at is not None else (self.view_w / 2, self.view_h / 2)
        before = self.screen_to_world(*anchor)
        self.level = max(0, min(len(ZOOM_LEVELS) - 1, self.level + steps))
        after = self.screen_to_world(*anchor)
        if self.follow is None:
            self.cx += before[0] - after[0]
            self.cy += before[1] - after[1]
        self.clamp()

    def look_at(self, x: float, y: float, smoothing: float = 1.0) -> None:
        """Moves the centre towards a world point (``smoothing`` = fraction of the way)."""
        t = max(0.0, min(1.0, smoothing))
        self.cx += (x - self.cx) * t
        self.cy += (y - self.cy) * t
        self.clamp()

    def clamp(self) -> None:
        """Keeps the centre over the town (some margin allowed at the edges)."""
        self.cx = max(0.0, min(float(self.world_w), self.cx))
        self.cy = max(0.0, min(float(self.world_h), self.cy))

    def visible_tiles(self) -> tuple[int, int, int, int]:
        """Tile bounds ``(x0, y0, x1, y1)`` (exclusive end) of what is on screen."""
        x0, y0 = self.screen_to_world(0, 0)
        x1, y1 = self.screen_to_world(self.view_w, self.view_h)
        return (
            max(0, int(x0) - 1),
            max(0, int(y0) - 1),
            min(self.world_w, int(x1) + 2),
            min(self.world_h, int(y1) + 2),
        )

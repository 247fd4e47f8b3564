"""Rendering helpers for viewer tests."""

from __future__ import annotations

import pygame

from viz.export import render_at
from viz.viewer import Viewer

Color = tuple[int, int, int]


def render(viewer: Viewer, cursor: float) -> pygame.Surface:
    surface = pygame.Surface(viewer.size)
    render_at(viewer, surface, cursor)
    return surface


def pixels_of(surface: pygame.Surface, rect: pygame.Rect) -> list[Color]:
    rect = rect.clip(surface.get_rect())
    return [
        tuple(surface.get_at((x, y)))[:3]
        for y in range(rect.top, rect.bottom)
        for x in range(rect.left, rect.right)
    ]


def count_color(surface: pygame.Surface, rect: pygame.Rect, color: Color) -> int:
    return sum(1 for c in pixels_of(surface, rect) if c == color)


def frame_index(viewer: Viewer, tick: int) -> int:
    return next(i for i, f in enumerate(viewer.timeline.frames) if f.tick == tick)

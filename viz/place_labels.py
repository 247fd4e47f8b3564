"""Names of sectors (pills over their top wall) and arenas (on free floor) on the static map."""

from __future__ import annotations

import pygame

from viz import palette as pal
from viz.fonts import Fonts
from worlds.places import Arena

Tile = tuple[int, int]


def sector_label(
    surface: pygame.Surface,
    fonts: Fonts,
    name: str,
    tiles: list[Tile],
    s: int,
    *,
    on_wall: bool,
) -> pygame.Rect:
    """Draws a sector's name centred over its tiles: on its top wall, or inside its top row.

    Returns:
        Where the label went (map pixels).
    """
    x0 = min(t[0] for t in tiles)
    x1 = max(t[0] for t in tiles) + 1
    y0 = min(t[1] for t in tiles)
    size = max(9, min(17, int(s * 0.5)))
    text = fonts.text(name, size, pal.SECTOR_LABEL_TEXT, bold=True)
    pad_x, pad_y = max(3, size // 3), max(1, size // 6)
    w, h = text.get_width() + 2 * pad_x, text.get_height() + 2 * pad_y
    cy = (y0 - 0.5) * s if on_wall else y0 * s + h / 2 + 2
    rect = pygame.Rect(0, 0, w, h)
    rect.center = (int((x0 + x1) / 2 * s), int(cy))
    rect.clamp_ip(surface.get_rect())
    pygame.draw.rect(surface, pal.SECTOR_LABEL_BG, rect, border_radius=h // 2)
    pygame.draw.rect(surface, pal.shade(pal.SECTOR_LABEL_BG, 1.3), rect, 1, border_radius=h // 2)
    surface.blit(text, (rect.x + pad_x, rect.y + pad_y))
    return rect


def arena_label(
    surface: pygame.Surface, fonts: Fonts, arena: Arena, object_tiles: set[Tile], s: int
) -> pygame.Rect | None:
    """Draws an arena's name on the lowest run of free floor wide enough for it.

    Returns:
        Where the label went, or ``None`` when no run is wide enough (objects stay uncovered).
    """
    size = max(8, min(13, int(s * 0.36)))
    text = fonts.text(arena.name, size, pal.ARENA_LABEL_TEXT)
    need = text.get_width() / s + 0.3
    for row in sorted({t[1] for t in arena.tiles}, reverse=True):
        xs = sorted(t[0] for t in arena.tiles if t[1] == row and t not in object_tiles)
        for start, end in _runs(xs):
            if end - start >= need:
                x = int((start + end) / 2 * s - text.get_width() / 2)
                y = int((row + 0.5) * s - text.get_height() / 2)
                surface.blit(text, (x, y))
                return pygame.Rect(x, y, *text.get_size())
    return None


def _runs(xs: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs ``[start, end)`` of sorted integers."""
    runs: list[tuple[int, int]] = []
    for x in xs:
        if runs and runs[-1][1] == x:
            runs[-1] = (runs[-1][0], x + 1)
        else:
            runs.append((x, x + 1))
    return runs

"""Shared drawing helpers and colours of the object sprites."""

from __future__ import annotations

import pygame

from viz.palette import Color

WOOD: Color = (160, 112, 72)
DARK_WOOD: Color = (112, 76, 50)
METAL: Color = (196, 200, 206)
OUTLINE: Color = (62, 50, 44)


def part(rect: pygame.Rect, fx: float, fy: float, fw: float, fh: float) -> pygame.Rect:
    """A sub-rectangle of ``rect`` given as fractions of its size."""
    return pygame.Rect(
        rect.x + int(fx * rect.w), rect.y + int(fy * rect.h),
        max(1, int(fw * rect.w)), max(1, int(fh * rect.h)),
    )  # fmt: skip


def box(surface: pygame.Surface, rect: pygame.Rect, color: Color, radius: int = 3) -> None:
    """A filled rounded box with a dark outline."""
    pygame.draw.rect(surface, color, rect, border_radius=radius)
    pygame.draw.rect(surface, OUTLINE, rect, 1, border_radius=radius)


def steam(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """Wavy steam lines rising from the top of ``rect``."""
    w = max(1, rect.w // 14)
    for i, fx in enumerate((0.3, 0.55, 0.8)):
        x = rect.x + int(fx * rect.w)
        pts = [(x + (2 if (k + i) % 2 else -2), rect.y - k * max(2, rect.h // 6)) for k in range(4)]
        pygame.draw.lines(surface, (255, 255, 255, 200), False, pts, w)


def note(surface: pygame.Surface, at: tuple[int, int], size: int, color: Color) -> None:
    """A musical note (drawn, no font needed)."""
    x, y = at
    pygame.draw.circle(surface, color, (x, y), max(2, size // 3))
    pygame.draw.line(
        surface, color, (x + size // 3, y), (x + size // 3, y - size), max(1, size // 6)
    )
    pygame.draw.line(
        surface,
        color,
        (x + size // 3, y - size),
        (x + size * 2 // 3, y - size * 2 // 3),
        max(1, size // 6),
    )

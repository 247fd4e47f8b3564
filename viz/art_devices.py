"""Sprites of appliances and devices: stoves, fridges, screens, instruments."""

from __future__ import annotations

import pygame

from viz import palette as pal
from viz.art_kit import DARK_WOOD, METAL, OUTLINE, WOOD, box, note, part, steam
from worlds.places import GameObject


def _stove(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, METAL, 3)
    r = max(2, min(rect.w, rect.h) // 6)
    for fx, fy in ((0.28, 0.3), (0.72, 0.3), (0.28, 0.72), (0.72, 0.72)):
        c = (rect.x + int(fx * rect.w), rect.y + int(fy * rect.h))
        if on:
            pygame.draw.circle(surface, (236, 84, 34), c, r + 1)
            pygame.draw.circle(surface, (255, 196, 64), c, max(1, r // 2))
        else:
            pygame.draw.circle(surface, (52, 52, 58), c, r)
            pygame.draw.circle(surface, (90, 90, 98), c, r, 1)
    if on:
        pot = part(rect, 0.12, 0.1, 0.36, 0.36)
        pygame.draw.ellipse(surface, (70, 70, 80), pot)
        steam(surface, pot)


def _oven(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, METAL, 3)
    window = part(rect, 0.15, 0.35, 0.7, 0.5)
    pygame.draw.rect(surface, (255, 150, 50) if on else (46, 46, 54), window, border_radius=2)
    for fx in (0.25, 0.5, 0.75):
        pygame.draw.circle(surface, OUTLINE, (rect.x + int(fx * rect.w), rect.y + rect.h // 6), 2)


def _fridge(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (234, 240, 246), 3)
    pygame.draw.line(
        surface,
        (170, 178, 188),
        (rect.x + 2, rect.y + rect.h // 3),
        (rect.right - 3, rect.y + rect.h // 3),
    )
    if on:  # door open: lit interior
        inside = part(rect, 0.12, 0.1, 0.76, 0.8)
        pygame.draw.rect(surface, (255, 246, 196), inside)
        for fy, col in ((0.35, (220, 80, 70)), (0.65, (90, 170, 90))):
            pygame.draw.circle(
                surface, col, (inside.centerx, inside.y + int(fy * inside.h)), max(2, inside.w // 6)
            )
    else:
        pygame.draw.line(
            surface,
            (120, 128, 140),
            (rect.right - 4, rect.y + 4),
            (rect.right - 4, rect.y + rect.h // 4),
            2,
        )


def _cabinet(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, WOOD, 3)
    if on:
        inside = part(rect, 0.1, 0.1, 0.8, 0.8)
        pygame.draw.rect(surface, (60, 44, 36), inside)
        for i, col in enumerate(((200, 80, 80), (80, 120, 200), (230, 200, 90))):
            pygame.draw.rect(surface, col, part(inside, 0.1 + i * 0.3, 0.15, 0.2, 0.7))
    else:
        pygame.draw.line(
            surface, OUTLINE, (rect.centerx, rect.y + 2), (rect.centerx, rect.bottom - 3)
        )
        for dx in (-3, 2):
            pygame.draw.circle(
                surface, (230, 210, 140), (rect.centerx + dx, rect.centery), max(1, rect.w // 14)
            )


def _screen(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (50, 52, 60), 3)
    screen = rect.inflate(-max(3, rect.w // 5), -max(3, rect.h // 3))
    if on:
        pygame.draw.rect(surface, (130, 200, 255, 120), screen.inflate(6, 6), border_radius=4)
    pygame.draw.rect(surface, (120, 196, 255) if on else (22, 24, 30), screen)
    if on:
        pygame.draw.line(
            surface, (230, 246, 255), screen.topleft, (screen.centerx, screen.bottom - 1)
        )


def _printer(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (210, 210, 214), 3)
    if on:
        pygame.draw.rect(surface, (255, 255, 255), part(rect, 0.25, -0.05, 0.5, 0.45))
    led = (rect.right - rect.w // 5, rect.bottom - rect.h // 4)
    pygame.draw.circle(surface, (80, 230, 100) if on else (90, 90, 90), led, max(1, rect.w // 10))


def _piano(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (30, 30, 34), 3)
    keys = part(rect, 0.06, 0.55, 0.88, 0.35)
    pygame.draw.rect(surface, (250, 250, 250), keys)
    for i in range(1, 8):
        x = keys.x + keys.w * i // 8
        pygame.draw.line(surface, (40, 40, 40), (x, keys.y), (x, keys.bottom - 1))
    if on:
        note(
            surface,
            (rect.x + rect.w // 3, rect.y + rect.h // 2),
            max(4, rect.h // 3),
            pal.ACTIVE_GLOW,
        )


def _jukebox(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (150, 50, 60), 6)
    for i, col in enumerate(((255, 80, 80), (255, 200, 60), (80, 200, 255))):
        arc = rect.inflate(-4 - i * rect.w // 5, -4 - i * rect.h // 5)
        pygame.draw.ellipse(surface, col if on else (90, 70, 76), arc, max(1, rect.w // 14))


def _coffee(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (150, 60, 52), 3)
    head = part(rect, 0.2, 0.15, 0.6, 0.3)
    pygame.draw.rect(surface, METAL, head)
    cup = part(rect, 0.35, 0.55, 0.3, 0.3)
    pygame.draw.rect(surface, (250, 250, 250), cup)
    if on:
        pygame.draw.rect(surface, (110, 66, 40), cup.inflate(-2, -cup.h // 2))
        steam(surface, rect)


def _register(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (110, 116, 128), 3)
    display = part(rect, 0.15, 0.15, 0.7, 0.3)
    pygame.draw.rect(surface, (90, 240, 130) if on else (30, 40, 34), display)
    if on:
        pygame.draw.rect(surface, (220, 200, 120), part(rect, 0.1, 0.75, 0.8, 0.2))


def _easel(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    pygame.draw.line(surface, DARK_WOOD, (rect.centerx, rect.y), (rect.x + 2, rect.bottom - 1), 2)
    pygame.draw.line(
        surface, DARK_WOOD, (rect.centerx, rect.y), (rect.right - 3, rect.bottom - 1), 2
    )
    canvas = part(rect, 0.15, 0.1, 0.7, 0.55)
    box(surface, canvas, (250, 248, 240), 1)
    if on:
        for fx, fy, col in (
            (0.3, 0.4, (230, 90, 70)),
            (0.6, 0.5, (70, 130, 220)),
            (0.45, 0.7, (250, 200, 60)),
        ):
            pygame.draw.circle(
                surface,
                col,
                (canvas.x + int(fx * canvas.w), canvas.y + int(fy * canvas.h)),
                max(2, canvas.w // 7),
            )


def _whiteboard(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (246, 248, 250), 2)
    if on:
        for k in range(3):
            y = rect.y + rect.h * (k + 1) // 4
            pts = [
                (rect.x + 3 + i * max(2, rect.w // 10), y + (2 if i % 2 else -1)) for i in range(8)
            ]
            pts = [p for p in pts if p[0] < rect.right - 3]
            if len(pts) > 1:
                pygame.draw.lines(surface, (40, 80, 200), False, pts, 1)


def _dartboard(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    r = max(3, min(rect.w, rect.h) // 2)
    for k, col in enumerate(((30, 30, 30), (220, 60, 50), (240, 230, 200), (40, 140, 70))):
        pygame.draw.circle(surface, col, rect.center, max(1, r - k * r // 4))
    if on:
        pygame.draw.line(
            surface, (250, 210, 80), rect.center, (rect.centerx + r, rect.centery - r), 2
        )


def _sink(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (236, 240, 244), 4)
    basin = rect.inflate(-rect.w // 3, -rect.h // 3)
    pygame.draw.ellipse(surface, (110, 170, 230) if on else (200, 210, 220), basin)


def _toilet(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    pygame.draw.ellipse(surface, (244, 246, 248), rect.inflate(-rect.w // 4, -rect.h // 6))
    pygame.draw.ellipse(surface, OUTLINE, rect.inflate(-rect.w // 4, -rect.h // 6), 1)


def _generic(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (184, 170, 150) if not on else (226, 196, 140), 4)
    pygame.draw.rect(
        surface,
        pal.shade((184, 170, 150), 0.85),
        rect.inflate(-rect.w // 3, -rect.h // 3),
        1,
        border_radius=2,
    )


DRAWERS = {
    "stove": _stove,
    "oven": _oven,
    "fridge": _fridge,
    "cabinet": _cabinet,
    "screen": _screen,
    "printer": _printer,
    "piano": _piano,
    "jukebox": _jukebox,
    "coffee": _coffee,
    "register": _register,
    "easel": _easel,
    "whiteboard": _whiteboard,
    "dartboard": _dartboard,
    "sink": _sink,
    "toilet": _toilet,
    "generic": _generic,
}

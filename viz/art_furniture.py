"""Sprites of furniture and fittings: beds, tables, seats, shelves, outdoor things."""

from __future__ import annotations

import pygame
from pygame import Rect, Surface

from viz import palette as pal
from viz.art_kit import DARK_WOOD, OUTLINE, WOOD, box, part
from worlds.places import GameObject


def _bed(surface: Surface, rect: Rect, on: bool, state: str, obj: GameObject) -> None:
    box(surface, rect, DARK_WOOD, 4)
    sheet = rect.inflate(-max(2, rect.w // 10), -max(2, rect.h // 10))
    pygame.draw.rect(surface, (242, 240, 236), sheet, border_radius=3)
    horizontal = rect.w > rect.h
    n = max(1, (rect.h if horizontal else rect.w) // max(1, min(rect.w, rect.h)))
    for i in range(n):  # one pillow per tile across the bed's width
        if horizontal:
            p = part(sheet, 0.04, (i + 0.12) / n, 0.18, 0.76 / n)
        else:
            p = part(sheet, (i + 0.12) / n, 0.04, 0.76 / n, 0.2)
        pygame.draw.rect(surface, (255, 255, 255), p, border_radius=3)
        pygame.draw.rect(surface, (200, 196, 190), p, 1, border_radius=3)
    blanket = part(sheet, 0.3, 0, 0.7, 1) if horizontal else part(sheet, 0, 0.32, 1, 0.68)
    if on:  # slept in: rumpled warm blanket pulled up
        color = (196, 84, 84)
        pygame.draw.rect(surface, color, blanket, border_radius=4)
        for k in range(3):
            c = blanket.x + blanket.w * (k + 1) // 4, blanket.y + blanket.h * (k % 2 + 1) // 3
            pygame.draw.circle(
                surface, pal.shade(color, 1.18), c, max(2, min(blanket.w, blanket.h) // 5)
            )
        pygame.draw.rect(surface, pal.shade(color, 0.7), blanket, 1, border_radius=4)
    else:  # made: neat blanket with a folded edge
        color = (98, 132, 186)
        pygame.draw.rect(surface, color, blanket, border_radius=2)
        fold = part(blanket, 0, 0, 0.14, 1) if horizontal else part(blanket, 0, 0, 1, 0.16)
        pygame.draw.rect(surface, pal.shade(color, 1.3), fold)


def _table(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    color = (120, 90, 62) if "picnic" in obj.name else WOOD
    top = rect.inflate(-rect.w // 8, -rect.h // 8)
    round_top = top.w == top.h
    if round_top:
        pygame.draw.ellipse(surface, color, top)
        pygame.draw.ellipse(surface, OUTLINE, top, 1)
    else:
        box(surface, top, color, 4)
    if on:  # in use: plates and cups
        n = max(1, (top.w * top.h) // max(1, min(top.w, top.h) ** 2))
        for i in range(min(n * 2, 6)):
            fx = (i % max(1, n) + 0.5) / max(1, n) if top.w >= top.h else 0.3 + 0.4 * (i % 2)
            fy = 0.3 + 0.4 * (i // max(1, n) % 2) if top.w >= top.h else (i // 2 + 0.5) / max(1, n)
            c = (top.x + int(fx * top.w), top.y + int(fy * top.h))
            pygame.draw.circle(surface, (250, 250, 250), c, max(2, min(top.w, top.h) // 7))
            pygame.draw.circle(surface, (190, 120, 70), c, max(1, min(top.w, top.h) // 14))


def _desk(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect.inflate(-2, -rect.h // 5), DARK_WOOD, 3)
    paper = part(rect, 0.2, 0.3, 0.3, 0.35)
    pygame.draw.rect(surface, (244, 244, 236), paper)
    lamp = (rect.x + int(0.75 * rect.w), rect.y + int(0.4 * rect.h))
    if on:
        pygame.draw.circle(surface, (255, 236, 150, 160), lamp, max(3, rect.w // 4))
    pygame.draw.circle(surface, (250, 214, 90) if on else (90, 90, 96), lamp, max(2, rect.w // 9))


def _counter(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (206, 176, 134), 3)
    if on:
        for fx in (0.3, 0.7):
            pygame.draw.circle(
                surface,
                (250, 250, 250),
                (rect.x + int(fx * rect.w), rect.centery),
                max(2, min(rect.w, rect.h) // 6),
            )


def _bar(surface: Surface, rect: Rect, on: bool, state: str, obj: GameObject) -> None:
    box(surface, rect, (92, 56, 40), 3)
    n = max(2, max(rect.w, rect.h) // max(1, min(rect.w, rect.h)) * 2)
    for i in range(n if on else n // 2):
        f = (i + 0.5) / n
        c = (
            (rect.x + int(f * rect.w), rect.centery)
            if rect.w >= rect.h
            else (rect.centerx, rect.y + int(f * rect.h))
        )
        pygame.draw.circle(
            surface,
            (250, 210, 110) if i % 2 else (120, 200, 150),
            c,
            max(2, min(rect.w, rect.h) // 6),
        )


def _pool(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, DARK_WOOD, 4)
    felt = rect.inflate(-max(4, rect.w // 8), -max(4, rect.h // 6))
    pygame.draw.rect(surface, (40, 130, 80), felt, border_radius=2)
    balls = ((0.3, 0.5, (250, 250, 250)), (0.6, 0.4, (220, 60, 50)), (0.68, 0.6, (250, 200, 40)))
    for fx, fy, col in balls[: 3 if on else 1]:
        pygame.draw.circle(
            surface,
            col,
            (felt.x + int(fx * felt.w), felt.y + int(fy * felt.h)),
            max(1, felt.h // 8),
        )


def _sofa(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    fabric = (112, 96, 160)
    box(surface, rect, pal.shade(fabric, 0.8), 5)
    seat = part(rect, 0.12, 0.3, 0.76, 0.6)
    pygame.draw.rect(surface, fabric, seat, border_radius=4)
    n = max(1, rect.w // max(1, rect.h))
    for i in range(1, n):
        x = seat.x + seat.w * i // n
        pygame.draw.line(surface, pal.shade(fabric, 0.75), (x, seat.y + 2), (x, seat.bottom - 3))
    if on:
        pygame.draw.rect(surface, (240, 190, 90), part(seat, 0.1, 0.15, 0.25, 0.5), border_radius=3)


def _armchair(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    fabric = (176, 96, 84)
    box(surface, rect, pal.shade(fabric, 0.8), 6)
    seat = part(rect, 0.2, 0.3, 0.6, 0.6)
    pygame.draw.rect(surface, fabric, seat, border_radius=4)
    if on:
        pygame.draw.rect(surface, (240, 190, 90), part(seat, 0.2, 0.2, 0.6, 0.5), border_radius=3)


def _seats(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    cols = max(1, rect.w // max(6, min(rect.w, rect.h) // 2))
    rows = max(1, rect.h // max(6, min(rect.w, rect.h) // 2))
    cw, ch = rect.w / cols, rect.h / rows
    for i in range(cols):
        for j in range(rows):
            seat = pygame.Rect(
                rect.x + int(i * cw) + 1,
                rect.y + int(j * ch) + 1,
                max(2, int(cw) - 2),
                max(2, int(ch) - 2),
            )
            taken = on and (i * 7 + j * 3) % 3 == 0
            box(surface, seat, (214, 150, 80) if taken else (128, 110, 96), 2)


def _bench(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    horizontal = rect.w >= rect.h
    seat = rect.inflate(0, -rect.h // 2) if horizontal else rect.inflate(-rect.w // 2, 0)
    box(surface, seat, (150, 104, 66), 2)
    for k in range(1, 3):
        if horizontal:
            y = seat.y + seat.h * k // 3
            pygame.draw.line(surface, OUTLINE, (seat.x + 1, y), (seat.right - 2, y))
        else:
            x = seat.x + seat.w * k // 3
            pygame.draw.line(surface, OUTLINE, (x, seat.y + 1), (x, seat.bottom - 2))
    if on:
        pygame.draw.circle(surface, (240, 190, 90), seat.center, max(2, min(seat.w, seat.h) // 2))


def _shelf(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, DARK_WOOD, 2)
    inner = rect.inflate(-max(2, rect.w // 10), -max(2, rect.h // 10))
    colors = ((200, 70, 60), (70, 110, 190), (230, 190, 70), (90, 160, 100), (160, 90, 170))
    empty = state in ("empty",)
    n = max(3, inner.w // max(2, inner.h // 4 if inner.w > inner.h else 3))
    rows = 2 if inner.h >= inner.w else 1
    for r in range(rows):
        row = part(inner, 0, r / rows, 1, 1 / rows)
        pygame.draw.line(surface, OUTLINE, row.bottomleft, (row.right - 1, row.bottom - 1))
        if empty:
            continue
        bw = max(1, row.w // n)
        books = "book" in f"{obj.type or ''} {obj.name}"
        for i in range(n):
            if on and (i + r) % 3 == 1:
                continue  # messy: gaps and a book lying down
            col = colors[(i * 3 + r + len(obj.name)) % len(colors)]
            if books:
                h = row.h - 2 - (i * 5 + r) % max(1, row.h // 4)
                pygame.draw.rect(surface, col, (row.x + i * bw, row.bottom - h, max(1, bw - 1), h))
            elif i % 2 == 0:  # goods: jars and boxes
                size = max(2, min(row.h - 3, bw * 2 - 2))
                item = pygame.Rect(row.x + i * bw, row.bottom - size - 1, size, size)
                if (i // 2) % 2:
                    pygame.draw.ellipse(surface, col, item)
                else:
                    pygame.draw.rect(surface, col, item, border_radius=1)
        if on:
            pygame.draw.rect(surface, colors[r], (row.x, row.bottom - 3, row.w // 2, 3))


def _pastry(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (200, 226, 236), 3)
    if not on:
        for i in range(4):
            c = (rect.x + rect.w * (2 * i + 1) // 8, rect.centery)
            pygame.draw.circle(surface, (214, 150, 72), c, max(2, min(rect.w // 9, rect.h // 3)))


def _produce(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (150, 110, 70), 2)
    if on:
        return
    colors = ((220, 60, 50), (240, 150, 40), (90, 170, 70), (240, 210, 70))
    n = max(2, rect.w // max(1, rect.h // 2))
    for i in range(n * 2):
        c = (
            rect.x + rect.w * (2 * (i % n) + 1) // (2 * n),
            rect.y + rect.h * (1 + 2 * (i // n)) // 4,
        )
        pygame.draw.circle(surface, colors[i % 4], c, max(2, rect.h // 6))


def _crates(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    n = max(1, rect.w // max(1, rect.h))
    for i in range(n):
        crate = part(rect, i / n + 0.03, 0.1, 1 / n - 0.06, 0.8)
        box(surface, crate, (184, 140, 84), 2)
        pygame.draw.line(surface, OUTLINE, crate.topleft, crate.bottomright)
        if on:
            pygame.draw.rect(surface, (70, 50, 40), crate.inflate(-crate.w // 3, -crate.h // 3))


def _mailboxes(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect, (120, 130, 150), 2)
    for i in range(3):
        slot = part(rect, 0.1 + i * 0.28, 0.35, 0.22, 0.3)
        pygame.draw.rect(surface, (60, 66, 80), slot)
        if on and i == 1:
            pygame.draw.rect(surface, (250, 250, 240), slot.inflate(-2, 0))


def _lectern(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    box(surface, rect.inflate(-rect.w // 4, -rect.h // 4), WOOD, 3)
    if on:
        pygame.draw.rect(surface, (250, 250, 240), part(rect, 0.3, 0.3, 0.4, 0.3))


def _fountain(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    pygame.draw.ellipse(surface, (170, 170, 176), rect)
    pygame.draw.ellipse(surface, OUTLINE, rect, 1)
    pool = rect.inflate(-max(4, rect.w // 5), -max(4, rect.h // 5))
    running = state == "running"
    pygame.draw.ellipse(surface, (96, 164, 226) if running else (120, 130, 136), pool)
    if running:
        for k in range(3):
            ring = pool.inflate(-k * pool.w // 4, -k * pool.h // 4)
            pygame.draw.ellipse(surface, (200, 230, 255), ring, 1)
        pygame.draw.circle(surface, (255, 255, 255), pool.center, max(2, pool.w // 10))


def _flowers(
    surface: pygame.Surface, rect: pygame.Rect, on: bool, state: str, obj: GameObject
) -> None:
    pygame.draw.rect(surface, (110, 78, 52), rect, border_radius=4)
    blooming = state == obj.states[0] or state == "blooming"
    colors = ((240, 90, 120), (250, 210, 70), (180, 110, 230), (250, 250, 250))
    n = max(3, rect.w // 5)
    for i in range(n * 2):
        c = (
            rect.x + rect.w * (2 * (i % n) + 1) // (2 * n),
            rect.y + rect.h * (1 + 2 * (i // n)) // 4,
        )
        if blooming:
            pygame.draw.circle(surface, (70, 140, 60), c, max(2, rect.h // 6))
            pygame.draw.circle(surface, colors[i % 4], c, max(1, rect.h // 9))
        else:
            pygame.draw.line(surface, (130, 120, 90), c, (c[0] + 1, c[1] + rect.h // 6))


DRAWERS = {
    "bed": _bed,
    "table": _table,
    "desk": _desk,
    "counter": _counter,
    "bar": _bar,
    "pool": _pool,
    "sofa": _sofa,
    "armchair": _armchair,
    "seats": _seats,
    "bench": _bench,
    "shelf": _shelf,
    "pastry": _pastry,
    "produce": _produce,
    "crates": _crates,
    "mailboxes": _mailboxes,
    "lectern": _lectern,
    "fountain": _fountain,
    "flowers": _flowers,
}

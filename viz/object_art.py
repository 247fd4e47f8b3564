"""Procedural sprites of objects, one look per state: a cooking stove glows, an occupied bed is
slept in, a stocked shelf is full. Drawn with pygame primitives at any tile size.
"""

from __future__ import annotations

import pygame

from viz import palette as pal
from viz.palette import Color
from worlds.places import GameObject

RESTING_STATES = frozenset(
    {"off", "idle", "free", "closed", "empty", "tidy", "stocked", "clean", "wilted", "messy",
     "cluttered", "full", "blooming", "running"}
)  # fmt: skip
"""States that never get the "in use" glow (a running fountain is its normal look)."""

_KINDS: tuple[tuple[str, str], ...] = (
    ("bed", "bed"), ("stove", "stove"), ("oven", "oven"), ("fridge", "fridge"),
    ("freezer", "fridge"), ("wardrobe", "cabinet"), ("cabinet", "cabinet"),
    ("pool table", "pool"), ("bar counter", "bar"), ("table", "table"), ("desk", "desk"),
    ("counter", "counter"), ("sofa", "sofa"), ("armchair", "armchair"), ("seats", "seats"),
    ("chair", "seats"), ("bench", "bench"), ("bookshel", "shelf"), ("shelf", "shelf"),
    ("pastry", "pastry"), ("produce", "produce"), ("crate", "crates"), ("mailbox", "mailboxes"),
    ("tv", "screen"), ("computer", "screen"), ("printer", "printer"), ("piano", "piano"),
    ("jukebox", "jukebox"), ("coffee", "coffee"), ("register", "register"), ("easel", "easel"),
    ("whiteboard", "whiteboard"), ("lectern", "lectern"), ("fountain", "fountain"),
    ("flower", "flowers"), ("dartboard", "dartboard"), ("sink", "sink"), ("shower", "sink"),
    ("bath", "sink"), ("toilet", "toilet"),
)  # fmt: skip

WOOD: Color = (160, 112, 72)
DARK_WOOD: Color = (112, 76, 50)
METAL: Color = (196, 200, 206)
OUTLINE: Color = (62, 50, 44)


def object_kind(obj: GameObject) -> str:
    """Which drawing an object gets, from its catalogue type or its name."""
    words = f"{obj.type or ''} {obj.name}".lower()
    for key, kind in _KINDS:
        if key in words:
            return kind
    return "generic"


def shows_glow(obj: GameObject, state: str) -> bool:
    """Whether the object is visibly in use (not its first state, nor a resting state)."""
    return state != obj.states[0] and state not in RESTING_STATES


def render(obj: GameObject, state: str, tile_px: int) -> tuple[pygame.Surface, tuple[int, int]]:
    """The object's sprite in a state, and the offset of its top-left from the object's bbox.

    The sprite is a little larger than the bounding box of the object's tiles (room for a glow).
    """
    xs = [t[0] for t in obj.tiles]
    ys = [t[1] for t in obj.tiles]
    w_tiles, h_tiles = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    margin = max(2, tile_px // 6)
    s = tile_px
    surface = pygame.Surface((w_tiles * s + 2 * margin, h_tiles * s + 2 * margin), pygame.SRCALPHA)
    box = pygame.Rect(margin, margin, w_tiles * s, h_tiles * s)
    kind = object_kind(obj)
    on = state != obj.states[0]
    if shows_glow(obj, state):
        glow = box.inflate(margin, margin)
        pygame.draw.rect(surface, (*pal.ACTIVE_GLOW, 110), glow, border_radius=margin * 2)
        pygame.draw.rect(surface, (*pal.ACTIVE_GLOW, 255), glow, max(1, s // 16), border_radius=margin * 2)
    inner = box.inflate(-max(2, s // 8), -max(2, s // 8))
    if s < 10:
        color = pal.ACTIVE_GLOW if shows_glow(obj, state) else WOOD
        pygame.draw.rect(surface, color, inner)
        return surface, (-margin, -margin)
    drawer = _DRAWERS.get(kind, _generic)
    drawer(surface, inner, on, state, obj)
    if kind == "generic" and on:
        pygame.draw.circle(surface, pal.marker_color(state), inner.topright, max(2, s // 8))
    return surface, (-margin, -margin)


def _part(rect: pygame.Rect, fx: float, fy: float, fw: float, fh: float) -> pygame.Rect:
    return pygame.Rect(
        rect.x + int(fx * rect.w), rect.y + int(fy * rect.h),
        max(1, int(fw * rect.w)), max(1, int(fh * rect.h)),
    )  # fmt: skip


def _box(surface: pygame.Surface, rect: pygame.Rect, color: Color, radius: int = 3) -> None:
    pygame.draw.rect(surface, color, rect, border_radius=radius)
    pygame.draw.rect(surface, OUTLINE, rect, 1, border_radius=radius)


def _steam(surface: pygame.Surface, rect: pygame.Rect) -> None:
    w = max(1, rect.w // 14)
    for i, fx in enumerate((0.3, 0.55, 0.8)):
        x = rect.x + int(fx * rect.w)
        pts = [(x + (2 if (k + i) % 2 else -2), rect.y - k * max(2, rect.h // 6)) for k in range(4)]
        pygame.draw.lines(surface, (255, 255, 255, 200), False, pts, w)


def _bed(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, DARK_WOOD, 4)
    sheet = rect.inflate(-max(2, rect.w // 10), -max(2, rect.h // 10))
    pygame.draw.rect(surface, (242, 240, 236), sheet, border_radius=3)
    horizontal = rect.w > rect.h
    n = max(1, (rect.h if horizontal else rect.w) // max(1, min(rect.w, rect.h)))
    for i in range(n):  # one pillow per tile across the bed's width
        if horizontal:
            p = _part(sheet, 0.04, (i + 0.12) / n, 0.18, 0.76 / n)
        else:
            p = _part(sheet, (i + 0.12) / n, 0.04, 0.76 / n, 0.2)
        pygame.draw.rect(surface, (255, 255, 255), p, border_radius=3)
        pygame.draw.rect(surface, (200, 196, 190), p, 1, border_radius=3)
    blanket = _part(sheet, 0.3, 0, 0.7, 1) if horizontal else _part(sheet, 0, 0.32, 1, 0.68)
    if on:  # slept in: rumpled warm blanket pulled up
        color = (196, 84, 84)
        pygame.draw.rect(surface, color, blanket, border_radius=4)
        for k in range(3):
            c = blanket.x + blanket.w * (k + 1) // 4, blanket.y + blanket.h * (k % 2 + 1) // 3
            pygame.draw.circle(surface, pal.shade(color, 1.18), c, max(2, min(blanket.w, blanket.h) // 5))
        pygame.draw.rect(surface, pal.shade(color, 0.7), blanket, 1, border_radius=4)
    else:  # made: neat blanket with a folded edge
        color = (98, 132, 186)
        pygame.draw.rect(surface, color, blanket, border_radius=2)
        fold = _part(blanket, 0, 0, 0.14, 1) if horizontal else _part(blanket, 0, 0, 1, 0.16)
        pygame.draw.rect(surface, pal.shade(color, 1.3), fold)


def _stove(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, METAL, 3)
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
        pot = _part(rect, 0.12, 0.1, 0.36, 0.36)
        pygame.draw.ellipse(surface, (70, 70, 80), pot)
        _steam(surface, pot)


def _oven(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, METAL, 3)
    window = _part(rect, 0.15, 0.35, 0.7, 0.5)
    pygame.draw.rect(surface, (255, 150, 50) if on else (46, 46, 54), window, border_radius=2)
    for fx in (0.25, 0.5, 0.75):
        pygame.draw.circle(surface, OUTLINE, (rect.x + int(fx * rect.w), rect.y + rect.h // 6), 2)


def _fridge(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (234, 240, 246), 3)
    pygame.draw.line(surface, (170, 178, 188), (rect.x + 2, rect.y + rect.h // 3), (rect.right - 3, rect.y + rect.h // 3))
    if on:  # door open: lit interior
        inside = _part(rect, 0.12, 0.1, 0.76, 0.8)
        pygame.draw.rect(surface, (255, 246, 196), inside)
        for fy, col in ((0.35, (220, 80, 70)), (0.65, (90, 170, 90))):
            pygame.draw.circle(surface, col, (inside.centerx, inside.y + int(fy * inside.h)), max(2, inside.w // 6))
    else:
        pygame.draw.line(surface, (120, 128, 140), (rect.right - 4, rect.y + 4), (rect.right - 4, rect.y + rect.h // 4), 2)


def _cabinet(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, WOOD, 3)
    if on:
        inside = _part(rect, 0.1, 0.1, 0.8, 0.8)
        pygame.draw.rect(surface, (60, 44, 36), inside)
        for i, col in enumerate(((200, 80, 80), (80, 120, 200), (230, 200, 90))):
            pygame.draw.rect(surface, col, _part(inside, 0.1 + i * 0.3, 0.15, 0.2, 0.7))
    else:
        pygame.draw.line(surface, OUTLINE, (rect.centerx, rect.y + 2), (rect.centerx, rect.bottom - 3))
        for dx in (-3, 2):
            pygame.draw.circle(surface, (230, 210, 140), (rect.centerx + dx, rect.centery), max(1, rect.w // 14))


def _table(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    color = (120, 90, 62) if "picnic" in obj.name else WOOD
    top = rect.inflate(-rect.w // 8, -rect.h // 8)
    round_top = top.w == top.h
    if round_top:
        pygame.draw.ellipse(surface, color, top)
        pygame.draw.ellipse(surface, OUTLINE, top, 1)
    else:
        _box(surface, top, color, 4)
    if on:  # in use: plates and cups
        n = max(1, (top.w * top.h) // max(1, min(top.w, top.h) ** 2))
        for i in range(min(n * 2, 6)):
            fx = (i % max(1, n) + 0.5) / max(1, n) if top.w >= top.h else 0.3 + 0.4 * (i % 2)
            fy = 0.3 + 0.4 * (i // max(1, n) % 2) if top.w >= top.h else (i // 2 + 0.5) / max(1, n)
            c = (top.x + int(fx * top.w), top.y + int(fy * top.h))
            pygame.draw.circle(surface, (250, 250, 250), c, max(2, min(top.w, top.h) // 7))
            pygame.draw.circle(surface, (190, 120, 70), c, max(1, min(top.w, top.h) // 14))


def _desk(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect.inflate(-2, -rect.h // 5), DARK_WOOD, 3)
    paper = _part(rect, 0.2, 0.3, 0.3, 0.35)
    pygame.draw.rect(surface, (244, 244, 236), paper)
    lamp = (rect.x + int(0.75 * rect.w), rect.y + int(0.4 * rect.h))
    if on:
        pygame.draw.circle(surface, (255, 236, 150, 160), lamp, max(3, rect.w // 4))
    pygame.draw.circle(surface, (250, 214, 90) if on else (90, 90, 96), lamp, max(2, rect.w // 9))


def _counter(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (206, 176, 134), 3)
    if on:
        for fx in (0.3, 0.7):
            pygame.draw.circle(surface, (250, 250, 250), (rect.x + int(fx * rect.w), rect.centery), max(2, min(rect.w, rect.h) // 6))


def _bar(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (92, 56, 40), 3)
    n = max(2, max(rect.w, rect.h) // max(1, min(rect.w, rect.h)) * 2)
    for i in range(n if on else n // 2):
        f = (i + 0.5) / n
        c = (rect.x + int(f * rect.w), rect.centery) if rect.w >= rect.h else (rect.centerx, rect.y + int(f * rect.h))
        pygame.draw.circle(surface, (250, 210, 110) if i % 2 else (120, 200, 150), c, max(2, min(rect.w, rect.h) // 6))


def _pool(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, DARK_WOOD, 4)
    felt = rect.inflate(-max(4, rect.w // 8), -max(4, rect.h // 6))
    pygame.draw.rect(surface, (40, 130, 80), felt, border_radius=2)
    balls = ((0.3, 0.5, (250, 250, 250)), (0.6, 0.4, (220, 60, 50)), (0.68, 0.6, (250, 200, 40)))
    for fx, fy, col in balls[: 3 if on else 1]:
        pygame.draw.circle(surface, col, (felt.x + int(fx * felt.w), felt.y + int(fy * felt.h)), max(1, felt.h // 8))


def _sofa(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    fabric = (112, 96, 160)
    _box(surface, rect, pal.shade(fabric, 0.8), 5)
    seat = _part(rect, 0.12, 0.3, 0.76, 0.6)
    pygame.draw.rect(surface, fabric, seat, border_radius=4)
    n = max(1, rect.w // max(1, rect.h))
    for i in range(1, n):
        x = seat.x + seat.w * i // n
        pygame.draw.line(surface, pal.shade(fabric, 0.75), (x, seat.y + 2), (x, seat.bottom - 3))
    if on:
        pygame.draw.rect(surface, (240, 190, 90), _part(seat, 0.1, 0.15, 0.25, 0.5), border_radius=3)


def _armchair(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    fabric = (176, 96, 84)
    _box(surface, rect, pal.shade(fabric, 0.8), 6)
    seat = _part(rect, 0.2, 0.3, 0.6, 0.6)
    pygame.draw.rect(surface, fabric, seat, border_radius=4)
    if on:
        pygame.draw.rect(surface, (240, 190, 90), _part(seat, 0.2, 0.2, 0.6, 0.5), border_radius=3)


def _seats(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    cols = max(1, rect.w // max(6, min(rect.w, rect.h) // 2))
    rows = max(1, rect.h // max(6, min(rect.w, rect.h) // 2))
    cw, ch = rect.w / cols, rect.h / rows
    for i in range(cols):
        for j in range(rows):
            seat = pygame.Rect(rect.x + int(i * cw) + 1, rect.y + int(j * ch) + 1, max(2, int(cw) - 2), max(2, int(ch) - 2))
            taken = on and (i * 7 + j * 3) % 3 == 0
            _box(surface, seat, (214, 150, 80) if taken else (128, 110, 96), 2)


def _bench(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    horizontal = rect.w >= rect.h
    seat = rect.inflate(0, -rect.h // 2) if horizontal else rect.inflate(-rect.w // 2, 0)
    _box(surface, seat, (150, 104, 66), 2)
    for k in range(1, 3):
        if horizontal:
            y = seat.y + seat.h * k // 3
            pygame.draw.line(surface, OUTLINE, (seat.x + 1, y), (seat.right - 2, y))
        else:
            x = seat.x + seat.w * k // 3
            pygame.draw.line(surface, OUTLINE, (x, seat.y + 1), (x, seat.bottom - 2))
    if on:
        pygame.draw.circle(surface, (240, 190, 90), seat.center, max(2, min(seat.w, seat.h) // 2))


def _shelf(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, DARK_WOOD, 2)
    inner = rect.inflate(-max(2, rect.w // 10), -max(2, rect.h // 10))
    colors = ((200, 70, 60), (70, 110, 190), (230, 190, 70), (90, 160, 100), (160, 90, 170))
    empty = state in ("empty",)
    n = max(3, inner.w // max(2, inner.h // 4 if inner.w > inner.h else 3))
    rows = 2 if inner.h >= inner.w else 1
    for r in range(rows):
        row = _part(inner, 0, r / rows, 1, 1 / rows)
        pygame.draw.line(surface, OUTLINE, row.bottomleft, (row.right - 1, row.bottom - 1))
        if empty:
            continue
        bw = max(1, row.w // n)
        for i in range(n):
            if on and (i + r) % 3 == 1:
                continue  # messy: gaps and a book lying down
            col = colors[(i * 3 + r + len(obj.name)) % len(colors)]
            h = row.h - 2 - (i * 5 + r) % max(1, row.h // 4)
            pygame.draw.rect(surface, col, (row.x + i * bw, row.bottom - h, max(1, bw - 1), h))
        if on:
            pygame.draw.rect(surface, colors[r], (row.x, row.bottom - 3, row.w // 2, 3))


def _pastry(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (200, 226, 236), 3)
    if not on:
        for i in range(4):
            c = (rect.x + rect.w * (2 * i + 1) // 8, rect.centery)
            pygame.draw.circle(surface, (214, 150, 72), c, max(2, min(rect.w // 9, rect.h // 3)))


def _produce(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (150, 110, 70), 2)
    if on:
        return
    colors = ((220, 60, 50), (240, 150, 40), (90, 170, 70), (240, 210, 70))
    n = max(2, rect.w // max(1, rect.h // 2))
    for i in range(n * 2):
        c = (rect.x + rect.w * (2 * (i % n) + 1) // (2 * n), rect.y + rect.h * (1 + 2 * (i // n)) // 4)
        pygame.draw.circle(surface, colors[i % 4], c, max(2, rect.h // 6))


def _crates(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    n = max(1, rect.w // max(1, rect.h))
    for i in range(n):
        crate = _part(rect, i / n + 0.03, 0.1, 1 / n - 0.06, 0.8)
        _box(surface, crate, (184, 140, 84), 2)
        pygame.draw.line(surface, OUTLINE, crate.topleft, crate.bottomright)
        if on:
            pygame.draw.rect(surface, (70, 50, 40), crate.inflate(-crate.w // 3, -crate.h // 3))


def _mailboxes(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (120, 130, 150), 2)
    for i in range(3):
        slot = _part(rect, 0.1 + i * 0.28, 0.35, 0.22, 0.3)
        pygame.draw.rect(surface, (60, 66, 80), slot)
        if on and i == 1:
            pygame.draw.rect(surface, (250, 250, 240), slot.inflate(-2, 0))


def _screen(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (50, 52, 60), 3)
    screen = rect.inflate(-max(3, rect.w // 5), -max(3, rect.h // 3))
    if on:
        pygame.draw.rect(surface, (130, 200, 255, 120), screen.inflate(6, 6), border_radius=4)
    pygame.draw.rect(surface, (120, 196, 255) if on else (22, 24, 30), screen)
    if on:
        pygame.draw.line(surface, (230, 246, 255), screen.topleft, (screen.centerx, screen.bottom - 1))


def _printer(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (210, 210, 214), 3)
    if on:
        pygame.draw.rect(surface, (255, 255, 255), _part(rect, 0.25, -0.05, 0.5, 0.45))
    led = (rect.right - rect.w // 5, rect.bottom - rect.h // 4)
    pygame.draw.circle(surface, (80, 230, 100) if on else (90, 90, 90), led, max(1, rect.w // 10))


def _note(surface: pygame.Surface, at: tuple[int, int], size: int, color: Color) -> None:
    x, y = at
    pygame.draw.circle(surface, color, (x, y), max(2, size // 3))
    pygame.draw.line(surface, color, (x + size // 3, y), (x + size // 3, y - size), max(1, size // 6))
    pygame.draw.line(surface, color, (x + size // 3, y - size), (x + size * 2 // 3, y - size * 2 // 3), max(1, size // 6))


def _piano(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (30, 30, 34), 3)
    keys = _part(rect, 0.06, 0.55, 0.88, 0.35)
    pygame.draw.rect(surface, (250, 250, 250), keys)
    for i in range(1, 8):
        x = keys.x + keys.w * i // 8
        pygame.draw.line(surface, (40, 40, 40), (x, keys.y), (x, keys.bottom - 1))
    if on:
        _note(surface, (rect.x + rect.w // 3, rect.y + rect.h // 2), max(4, rect.h // 3), pal.ACTIVE_GLOW)


def _jukebox(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (150, 50, 60), 6)
    for i, col in enumerate(((255, 80, 80), (255, 200, 60), (80, 200, 255))):
        arc = rect.inflate(-4 - i * rect.w // 5, -4 - i * rect.h // 5)
        pygame.draw.ellipse(surface, col if on else (90, 70, 76), arc, max(1, rect.w // 14))


def _coffee(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (150, 60, 52), 3)
    head = _part(rect, 0.2, 0.15, 0.6, 0.3)
    pygame.draw.rect(surface, METAL, head)
    cup = _part(rect, 0.35, 0.55, 0.3, 0.3)
    pygame.draw.rect(surface, (250, 250, 250), cup)
    if on:
        pygame.draw.rect(surface, (110, 66, 40), cup.inflate(-2, -cup.h // 2))
        _steam(surface, rect)


def _register(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (110, 116, 128), 3)
    display = _part(rect, 0.15, 0.15, 0.7, 0.3)
    pygame.draw.rect(surface, (90, 240, 130) if on else (30, 40, 34), display)
    if on:
        pygame.draw.rect(surface, (220, 200, 120), _part(rect, 0.1, 0.75, 0.8, 0.2))


def _easel(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    pygame.draw.line(surface, DARK_WOOD, (rect.centerx, rect.y), (rect.x + 2, rect.bottom - 1), 2)
    pygame.draw.line(surface, DARK_WOOD, (rect.centerx, rect.y), (rect.right - 3, rect.bottom - 1), 2)
    canvas = _part(rect, 0.15, 0.1, 0.7, 0.55)
    _box(surface, canvas, (250, 248, 240), 1)
    if on:
        for fx, fy, col in ((0.3, 0.4, (230, 90, 70)), (0.6, 0.5, (70, 130, 220)), (0.45, 0.7, (250, 200, 60))):
            pygame.draw.circle(surface, col, (canvas.x + int(fx * canvas.w), canvas.y + int(fy * canvas.h)), max(2, canvas.w // 7))


def _whiteboard(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (246, 248, 250), 2)
    if on:
        for k in range(3):
            y = rect.y + rect.h * (k + 1) // 4
            pts = [(rect.x + 3 + i * max(2, rect.w // 10), y + (2 if i % 2 else -1)) for i in range(8)]
            pts = [p for p in pts if p[0] < rect.right - 3]
            if len(pts) > 1:
                pygame.draw.lines(surface, (40, 80, 200), False, pts, 1)


def _lectern(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect.inflate(-rect.w // 4, -rect.h // 4), WOOD, 3)
    if on:
        pygame.draw.rect(surface, (250, 250, 240), _part(rect, 0.3, 0.3, 0.4, 0.3))


def _fountain(surface, rect, on, state, obj) -> None:  # noqa: ANN001
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


def _flowers(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    pygame.draw.rect(surface, (110, 78, 52), rect, border_radius=4)
    blooming = state == obj.states[0] or state == "blooming"
    colors = ((240, 90, 120), (250, 210, 70), (180, 110, 230), (250, 250, 250))
    n = max(3, rect.w // 5)
    for i in range(n * 2):
        c = (rect.x + rect.w * (2 * (i % n) + 1) // (2 * n), rect.y + rect.h * (1 + 2 * (i // n)) // 4)
        if blooming:
            pygame.draw.circle(surface, (70, 140, 60), c, max(2, rect.h // 6))
            pygame.draw.circle(surface, colors[i % 4], c, max(1, rect.h // 9))
        else:
            pygame.draw.line(surface, (130, 120, 90), c, (c[0] + 1, c[1] + rect.h // 6))


def _dartboard(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    r = max(3, min(rect.w, rect.h) // 2)
    for k, col in enumerate(((30, 30, 30), (220, 60, 50), (240, 230, 200), (40, 140, 70))):
        pygame.draw.circle(surface, col, rect.center, max(1, r - k * r // 4))
    if on:
        pygame.draw.line(surface, (250, 210, 80), rect.center, (rect.centerx + r, rect.centery - r), 2)


def _sink(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (236, 240, 244), 4)
    basin = rect.inflate(-rect.w // 3, -rect.h // 3)
    pygame.draw.ellipse(surface, (110, 170, 230) if on else (200, 210, 220), basin)


def _toilet(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    pygame.draw.ellipse(surface, (244, 246, 248), rect.inflate(-rect.w // 4, -rect.h // 6))
    pygame.draw.ellipse(surface, OUTLINE, rect.inflate(-rect.w // 4, -rect.h // 6), 1)


def _generic(surface, rect, on, state, obj) -> None:  # noqa: ANN001
    _box(surface, rect, (184, 170, 150) if not on else (226, 196, 140), 4)
    pygame.draw.rect(surface, pal.shade((184, 170, 150), 0.85), rect.inflate(-rect.w // 3, -rect.h // 3), 1, border_radius=2)


_DRAWERS = {
    "bed": _bed, "stove": _stove, "oven": _oven, "fridge": _fridge, "cabinet": _cabinet,
    "table": _table, "desk": _desk, "counter": _counter, "bar": _bar, "pool": _pool,
    "sofa": _sofa, "armchair": _armchair, "seats": _seats, "bench": _bench, "shelf": _shelf,
    "pastry": _pastry, "produce": _produce, "crates": _crates, "mailboxes": _mailboxes,
    "screen": _screen, "printer": _printer, "piano": _piano, "jukebox": _jukebox,
    "coffee": _coffee, "register": _register, "easel": _easel, "whiteboard": _whiteboard,
    "lectern": _lectern, "fountain": _fountain, "flowers": _flowers, "dartboard": _dartboard,
    "sink": _sink, "toilet": _toilet, "generic": _generic,
}  # fmt: skip

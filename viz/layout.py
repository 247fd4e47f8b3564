"""Greedy placement of screen rectangles that must not cover each other (bubbles, labels).

Pure Python (no pygame): a :class:`Placer` keeps the rectangles placed so far in a spatial hash,
so placing a few hundred labels per frame stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Rect = tuple[int, int, int, int]
"""``(x, y, width, height)`` in screen pixels."""

_CELL = 64


def overlaps(a: Rect, b: Rect) -> bool:
    """Whether two rectangles share any area."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def clamp_into(rect: Rect, bounds: Rect) -> Rect:
    """Moves ``rect`` (without resizing) so it lies inside ``bounds`` as far as it fits."""
    x, y, w, h = rect
    bx, by, bw, bh = bounds
    x = max(bx, min(x, bx + bw - w))
    y = max(by, min(y, by + bh - h))
    return (x, y, w, h)


class Placer:
    """Places rectangles one by one at the first candidate position that is still free.

    Args:
        bounds: The area rectangles must stay in (e.g. the map viewport).
        obstacles: Rectangles already taken (panels, sprites to keep visible).
        soft: Rectangles better left uncovered (labels), covered only when nothing else fits.
    """

    def __init__(
        self, bounds: Rect, obstacles: Iterable[Rect] = (), soft: Iterable[Rect] = ()
    ) -> None:
        self.bounds = bounds
        self.placed: list[Rect] = []
        self._cells: dict[tuple[int, int], list[Rect]] = {}
        self._soft: dict[tuple[int, int], list[Rect]] = {}
        for rect in obstacles:
            self._add(rect)
        for rect in soft:
            for key in self._keys(rect):
                self._soft.setdefault(key, []).append(rect)

    def _keys(self, rect: Rect) -> Iterable[tuple[int, int]]:
        x, y, w, h = rect
        for cx in range(x // _CELL, (x + max(w, 1) - 1) // _CELL + 1):
            for cy in range(y // _CELL, (y + max(h, 1) - 1) // _CELL + 1):
                yield (cx, cy)

    def _add(self, rect: Rect) -> None:
        for key in self._keys(rect):
            self._cells.setdefault(key, []).append(rect)

    def is_free(self, rect: Rect, *, strict: bool = False) -> bool:
        """Whether ``rect`` overlaps nothing placed (or given as an obstacle) so far.

        ``strict`` also keeps clear of the soft obstacles.
        """
        for key in self._keys(rect):
            for other in self._cells.get(key, ()):
                if overlaps(rect, other):
                    return False
            if strict:
                for other in self._soft.get(key, ()):
                    if overlaps(rect, other):
                        return False
        return True

    def take(self, rect: Rect) -> Rect:
        """Records ``rect`` as placed, without checking, and returns it."""
        self.placed.append(rect)
        self._add(rect)
        return rect

    def place(
        self,
        width: int,
        height: int,
        candidates: Iterable[tuple[int, int]],
        *,
        fallback: bool = True,
        strict: bool = False,
    ) -> Rect | None:
        """Places a ``width`` x ``height`` rectangle at the first free candidate top-left.

        Candidates are clamped into the bounds first. When none is free, ``fallback`` places it
        at the first candidate anyway (overlapping); otherwise ``None`` is returned. ``strict``
        candidates must also avoid the soft obstacles.
        """
        first: Rect | None = None
        for x, y in candidates:
            rect = clamp_into((int(x), int(y), width, height), self.bounds)
            if first is None:
                first = rect
            if self.is_free(rect, strict=strict):
                return self.take(rect)
        if first is None or not fallback:
            return None
        return self.take(first)

    def place_stacked(
        self, width: int, height: int, anchor: tuple[float, float], gap: int = 6
    ) -> Rect:
        """Places a rectangle above ``anchor`` (a speaker), stacking upwards, then sideways.

        The rectangle never overlaps earlier ones as long as a free spot exists anywhere in the
        bounds: after the stack positions near the anchor, the whole area is scanned.
        """
        ax, ay = anchor
        base_x = int(ax - width / 2)
        base_y = int(ay - gap - height)
        step = height + gap
        candidates: list[tuple[int, int]] = []
        for k in range(10):
            y = base_y - k * step
            candidates.append((base_x, y))
            for side in (1, -1):
                candidates.append((base_x + side * (width // 2 + gap), y))
                candidates.append((base_x + side * (width + gap), y))
        for k in range(1, 6):  # below the speaker as a last resort near it
            candidates.append((base_x, int(ay + gap + (k - 1) * step + 20)))
        near = candidates[:9]
        rect = self.place(width, height, near, fallback=False, strict=True)
        if rect is None:
            rect = self.place(width, height, candidates, fallback=False)
        if rect is not None:
            return rect
        bx, by, bw, bh = self.bounds
        scan = [
            (x, y)
            for y in range(by, by + max(1, bh - height) + 1, max(8, height // 2))
            for x in range(bx, bx + max(1, bw - width) + 1, max(8, width // 3))
        ]
        scan.sort(key=lambda p: (p[0] + width / 2 - ax) ** 2 + (p[1] + height - ay) ** 2)
        rect = self.place(width, height, scan, fallback=False)
        if rect is not None:
            return rect
        return self.take(clamp_into((base_x, base_y, width, height), self.bounds))


LOG_WIDTH = 340
"""Width of the side log, in pixels, when the window has room for it."""

MIN_LOG_WIDTH = 220
"""Narrower than this, the side log is left out (the map and the inspector come first)."""

MIN_MAP_WIDTH = 360
"""Width of map the side log always leaves visible."""


@dataclass(frozen=True)
class Panels:
    """Where the map, the side log and the inspector go in the window.

    Attributes:
        map: The part of the window where the map shows (labels and bubbles stay in it).
        log: The side log along the left edge, or ``None`` when hidden or without room.
        inspector: The inspector along the right edge, or ``None`` when closed.
    """

    map: Rect
    log: Rect | None
    inspector: Rect | None


def panel_layout(
    size: tuple[int, int],
    *,
    top: int,
    bottom: int,
    log: bool,
    inspector: bool,
    log_width: int = LOG_WIDTH,
    inspector_width: int = 380,
) -> Panels:
    """Lays out the side log (left), the inspector (right) and the map between them.

    Both panels run from ``top`` to ``bottom`` pixels above the window's bottom. The inspector
    keeps its width; the side log narrows to leave :data:`MIN_MAP_WIDTH` of map, and is left
    out below :data:`MIN_LOG_WIDTH`, so it never covers the inspector.
    """
    w, h = size
    band = max(1, h - top - bottom)
    inspector_rect = (w - inspector_width, top, inspector_width, band) if inspector else None
    right = w - inspector_width if inspector else w
    log_rect = None
    if log:
        width = min(log_width, right - MIN_MAP_WIDTH)
        if width >= MIN_LOG_WIDTH:
            log_rect = (0, top, width, band)
    left = log_rect[2] if log_rect is not None else 0
    return Panels((left, top, max(1, right - left), band), log_rect, inspector_rect)

"""Speech bubbles: wrapped lines with the speaker's name and a tail pointing at the speaker.

Bubbles stack so none hides another, and fade out a few ticks after the line was said.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import pygame

from viz import palette as pal
from viz.fonts import Fonts
from viz.layout import Placer, Rect
from viz.scene import Cast, Speech

BODY_SIZE = 14
NAME_SIZE = 12
MAX_WIDTH = 260
MAX_LINES = 5
PAD = 8
MAX_BUBBLES = 14
"""Bubbles shown at once; further speakers get a small "..." marker (a crowd stays readable)."""


@dataclass(frozen=True)
class PlacedBubble:
    """A bubble as drawn: what was said, where the bubble is, where its tail points."""

    speech: Speech
    rect: pygame.Rect
    tip: tuple[int, int]


class BubblesLayer:
    """Lays out and draws the bubbles of the lines still showing.

    Args:
        cast: Speaker colours.
        fonts: Fonts and text cache.
    """

    def __init__(self, cast: Cast, fonts: Fonts) -> None:
        self.cast = cast
        self.fonts = fonts
        self._surfaces: OrderedDict[tuple[str, str, int], pygame.Surface] = OrderedDict()
        self.placed: list[PlacedBubble] = []
        self.overflow: list[Speech] = []
        self.priority: frozenset[str] = frozenset()
        """Speakers whose bubbles are placed first (the inspected agent and its partners)."""

    def bubble(self, speaker: str, text: str, scale: int = 0) -> pygame.Surface:
        """The rendered bubble body (cached): the speaker's first name, then the wrapped line."""
        key = (speaker, text, scale)
        found = self._surfaces.get(key)
        if found is not None:
            self._surfaces.move_to_end(key)
            return found
        body_size, name_size = BODY_SIZE + scale, NAME_SIZE + scale
        color = self.cast.color(speaker)
        lines = self.fonts.wrap(text, body_size, MAX_WIDTH, MAX_LINES)
        rendered = [self.fonts.text(line, body_size, pal.BUBBLE_TEXT) for line in lines]
        title = self.fonts.text(speaker.split()[0], name_size, pal.shade(color, 0.75), bold=True)
        w = max([title.get_width(), *(r.get_width() for r in rendered)]) + 2 * PAD
        line_h = self.fonts.font(body_size).get_linesize()
        h = title.get_height() + line_h * len(rendered) + 2 * PAD - 2
        found = pygame.Surface((w, h), pygame.SRCALPHA)
        pygame.draw.rect(found, pal.BUBBLE, found.get_rect(), border_radius=10)
        pygame.draw.rect(found, color, found.get_rect(), 2, border_radius=10)
        found.blit(title, (PAD, PAD - 2))
        y = PAD - 2 + title.get_height()
        for r in rendered:
            found.blit(r, (PAD, y))
            y += line_h
        self._surfaces[key] = found
        if len(self._surfaces) > 400:
            self._surfaces.popitem(last=False)
        return found

    def place(
        self,
        speeches: list[Speech],
        anchors: dict[str, tuple[int, int, int]],
        bounds: Rect,
        obstacles: list[Rect] = (),  # type: ignore[assignment]
        soft: list[Rect] = (),  # type: ignore[assignment]
    ) -> list[PlacedBubble]:
        """Places bubbles (newest nearest its speaker) so none overlaps another.

        The result is kept (``placed``, ``overflow``) for ``draw_leaders`` and ``draw_bubbles``.

        Args:
            speeches: Lines showing, newest first.
            anchors: Speaker name -> ``(x, y, radius)`` of its token on screen.
            bounds: Where bubbles may go.
            obstacles: Rectangles to keep clear (the speakers' tokens).
            soft: Rectangles to avoid when there is room (name labels).
        """
        placer = Placer(bounds, obstacles, soft)
        self.placed = []
        self.overflow = []
        for speech in sorted(speeches, key=lambda sp: (sp.speaker not in self.priority, sp.age)):
            anchor = anchors.get(speech.speaker)
            if anchor is None:
                continue
            if len(self.placed) >= MAX_BUBBLES:
                self.overflow.append(speech)
                continue
            x, y, radius = anchor
            surface = self.bubble(speech.speaker, speech.text)
            w, h = surface.get_size()
            rect = placer.place_stacked(w, h, (x, y - radius - 6), gap=8)
            self.placed.append(PlacedBubble(speech, pygame.Rect(rect), (x, y - radius - 2)))
        return self.placed

    def draw_leaders(self, surface: pygame.Surface) -> None:
        """Draws the thin lines from far bubbles to their speakers (under the tokens)."""
        for bubble in self.placed:
            if bubble.speech.alpha >= 255:
                _leader(surface, bubble.rect, bubble.tip, self.cast.color(bubble.speech.speaker))

    def draw_bubbles(
        self, surface: pygame.Surface, anchors: dict[str, tuple[int, int, int]]
    ) -> None:
        """Draws the placed bubbles, and "..." markers for speakers beyond the limit."""
        shown = {b.speech.speaker for b in self.placed}
        for speech in self.overflow:
            if speech.speaker not in shown and speech.speaker in anchors:
                shown.add(speech.speaker)
                x, y, radius = anchors[speech.speaker]
                _hint(surface, (x, y - radius - 8), self.cast.color(speech.speaker))
        for bubble in sorted(self.placed, key=lambda b: -b.speech.age):
            self._draw_one(surface, bubble)

    def _draw_one(self, target: pygame.Surface, bubble: PlacedBubble) -> None:
        body = self.bubble(bubble.speech.speaker, bubble.speech.text)
        color = self.cast.color(bubble.speech.speaker)
        alpha = bubble.speech.alpha
        rect, tip = bubble.rect, bubble.tip
        area = rect.union(pygame.Rect(tip[0] - 2, tip[1] - 2, 4, 4))
        if alpha >= 255:
            _tail(target, rect, tip, color)
            target.blit(body, rect.topleft)
            return
        layer = pygame.Surface(area.size, pygame.SRCALPHA)
        local = rect.move(-area.x, -area.y)
        _tail(layer, local, (tip[0] - area.x, tip[1] - area.y), color, leader=True)
        layer.blit(body, local.topleft)
        layer.set_alpha(alpha)
        target.blit(layer, area.topleft)


def _hint(surface: pygame.Surface, at: tuple[int, int], color: pal.Color) -> None:
    """A tiny bubble with three dots: someone talks here (too many bubbles to show them all)."""
    rect = pygame.Rect(0, 0, 20, 12)
    rect.midbottom = at
    pygame.draw.rect(surface, pal.BUBBLE, rect, border_radius=5)
    pygame.draw.rect(surface, color, rect, 1, border_radius=5)
    for k in (-5, 0, 5):
        pygame.draw.circle(surface, pal.BUBBLE_TEXT, (rect.centerx + k, rect.centery), 1)


def _tail_base(
    rect: pygame.Rect, tip: tuple[int, int]
) -> tuple[list[tuple[int, int]], tuple[int, int], tuple[int, int]]:
    """The wedge's base corners on the bubble edge nearest the tip, and its point."""
    tx, ty = tip
    half = 7
    if ty >= rect.bottom:
        bx = max(rect.x + 12, min(rect.right - 12, tx))
        base, mid = (
            [(bx - half, rect.bottom - 3), (bx + half, rect.bottom - 3)],
            (bx, rect.bottom - 3),
        )
    elif ty <= rect.top:
        bx = max(rect.x + 12, min(rect.right - 12, tx))
        base, mid = [(bx - half, rect.top + 3), (bx + half, rect.top + 3)], (bx, rect.top + 3)
    else:
        by = max(rect.y + 10, min(rect.bottom - 10, ty))
        edge = rect.right - 3 if tx > rect.centerx else rect.x + 3
        base, mid = [(edge, by - half), (edge, by + half)], (edge, by)
    dx, dy = tx - mid[0], ty - mid[1]
    dist = max(1.0, (dx * dx + dy * dy) ** 0.5)
    reach = min(dist, 16.0)
    point = (round(mid[0] + dx / dist * reach), round(mid[1] + dy / dist * reach))
    return base, point, mid


def _leader(
    surface: pygame.Surface, rect: pygame.Rect, tip: tuple[int, int], color: pal.Color
) -> None:
    """A thin line from the wedge's point to a speaker too far for the wedge alone."""
    _, point, _ = _tail_base(rect, tip)
    if abs(point[0] - tip[0]) + abs(point[1] - tip[1]) > 2:
        pygame.draw.line(surface, color, point, tip, 2)
        pygame.draw.circle(surface, color, tip, 3)


def _tail(
    surface: pygame.Surface, rect: pygame.Rect, tip: tuple[int, int], color: pal.Color,
    *, leader: bool = False,
) -> None:  # fmt: skip
    """The wedge from the bubble towards the tip (drawn under the bubble body)."""
    base, point, _ = _tail_base(rect, tip)
    if leader:
        _leader(surface, rect, tip, color)
    points = [base[0], point, base[1]]
    pygame.draw.polygon(surface, pal.BUBBLE, points)
    pygame.draw.line(surface, color, base[0], point, 2)
    pygame.draw.line(surface, color, base[1], point, 2)

"""Speech bubbles: wrapped text with the speaker's name, a tail to the speaker, stacked so no
bubble hides another, fading out a few ticks after the line was said.
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

    def layout(
        self,
        speeches: list[Speech],
        anchors: dict[str, tuple[int, int, int]],
        bounds: Rect,
        obstacles: list[Rect] = (),  # type: ignore[assignment]
    ) -> list[PlacedBubble]:
        """Places bubbles (newest nearest its speaker) so none overlaps another.

        Args:
            speeches: Lines showing, newest first.
            anchors: Speaker name -> ``(x, y, radius)`` of its token on screen.
            bounds: Where bubbles may go.
            obstacles: Rectangles to keep clear (the speakers' tokens).
        """
        placer = Placer(bounds, obstacles)
        placed: list[PlacedBubble] = []
        for speech in sorted(speeches, key=lambda sp: sp.age):
            anchor = anchors.get(speech.speaker)
            if anchor is None:
                continue
            x, y, radius = anchor
            surface = self.bubble(speech.speaker, speech.text)
            w, h = surface.get_size()
            rect = placer.place_stacked(w, h, (x, y - radius - 6), gap=8)
            placed.append(PlacedBubble(speech, pygame.Rect(rect), (x, y - radius - 2)))
        return placed

    def draw(
        self,
        surface: pygame.Surface,
        speeches: list[Speech],
        anchors: dict[str, tuple[int, int, int]],
        bounds: Rect,
        obstacles: list[Rect] = (),  # type: ignore[assignment]
    ) -> list[PlacedBubble]:
        """Lays out and draws the bubbles; oldest first so the newest are on top."""
        self.placed = self.layout(speeches, anchors, bounds, obstacles)
        for bubble in sorted(self.placed, key=lambda b: -b.speech.age):
            self._draw_one(surface, bubble)
        return self.placed

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
        _tail(layer, local, (tip[0] - area.x, tip[1] - area.y), color)
        layer.blit(body, local.topleft)
        layer.set_alpha(alpha)
        target.blit(layer, area.topleft)


def _tail(surface: pygame.Surface, rect: pygame.Rect, tip: tuple[int, int], color: pal.Color) -> None:
    """A wedge from the bubble's nearest edge to the tip (drawn under the bubble)."""
    tx, ty = tip
    half = 7
    if ty >= rect.bottom:
        bx = max(rect.x + 12, min(rect.right - 12, tx))
        base = [(bx - half, rect.bottom - 3), (bx + half, rect.bottom - 3)]
    elif ty <= rect.top:
        bx = max(rect.x + 12, min(rect.right - 12, tx))
        base = [(bx - half, rect.top + 3), (bx + half, rect.top + 3)]
    else:
        by = max(rect.y + 10, min(rect.bottom - 10, ty))
        edge = rect.right - 3 if tx > rect.centerx else rect.x + 3
        base = [(edge, by - half), (edge, by + half)]
    points = [base[0], tip, base[1]]
    pygame.draw.polygon(surface, pal.BUBBLE, points)
    pygame.draw.line(surface, color, base[0], tip, 2)
    pygame.draw.line(surface, color, base[1], tip, 2)

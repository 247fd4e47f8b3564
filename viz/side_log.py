"""The side log: the last lines spoken and the narrator's events, newest at the bottom."""

from __future__ import annotations

from collections import OrderedDict

import pygame

from simulation.events import EventKind
from viz import palette as pal
from viz.fonts import Fonts
from viz.layout import Rect
from viz.palette import Color
from viz.scene import Cast
from viz.story import LogEntry

TITLE = "TOWN LOG"
PAD = 12
TEXT_SIZE = 14
LINE_H = 18
GAP = 9
INDENT = 52
MAX_BODY_LINES = 5
RECENT_TICKS = 1
"""Entries from the last this many ticks are marked as new."""

_HEAD_COLORS: dict[EventKind, Color] = {
    EventKind.NARRATOR: pal.TICKER_KINDS["narrator"],
    EventKind.USER_EVENT: pal.TICKER_KINDS["user_event"],
    EventKind.WHISPER: pal.TICKER_KINDS["whisper"],
    EventKind.ACTION_REFUSED: (240, 140, 120),
    EventKind.CONVERSATION_START: pal.TEXT_DIM,
    EventKind.CONVERSATION_JOIN: pal.TEXT_DIM,
}


class SideLog:
    """Draws log entries in a panel along the left edge.

    Args:
        fonts: Fonts and text cache.
        cast: Colours of the people.
    """

    def __init__(self, fonts: Fonts, cast: Cast) -> None:
        self.fonts = fonts
        self.cast = cast
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.shown: list[LogEntry] = []
        self._entries: OrderedDict[tuple[LogEntry, int], pygame.Surface] = OrderedDict()
        self._panel: tuple[tuple, pygame.Surface] | None = None

    def draw(self, surface: pygame.Surface, rect: Rect, entries: list[LogEntry], tick: int) -> None:
        """Draws the panel in ``rect`` with as many of the newest ``entries`` as fit.

        The panel is opaque and composed once per change (a new tick, other entries, another
        size), so a frame costs one plain blit.

        Args:
            surface: Where to draw.
            rect: The panel's place.
            entries: Oldest first.
            tick: The tick at the play head (newer entries are marked).
        """
        self.rect = pygame.Rect(rect)
        key = (self.rect.size, tuple(entries), tuple(tick - e.tick < RECENT_TICKS for e in entries))
        if self._panel is None or self._panel[0] != key:
            self._panel = (key, self._compose(self.rect.size, entries, tick))
        surface.blit(self._panel[1], self.rect.topleft)

    def _compose(self, size: tuple[int, int], entries: list[LogEntry], tick: int) -> pygame.Surface:
        w, h = size
        panel = pygame.Surface((w, h))
        panel.fill(pal.PANEL)
        pygame.draw.line(panel, pal.PANEL_EDGE, (w - 1, 0), (w - 1, h))
        title = self.fonts.text(TITLE, 12, pal.HEADING, bold=True)
        panel.blit(title, (PAD, 10))
        hint = self.fonts.text("T hides", 12, pal.TEXT_DIM)
        panel.blit(hint, (w - PAD - hint.get_width(), 10))
        top = 10 + title.get_height() + 8
        self.shown = []
        if not entries:
            panel.blit(self.fonts.text("nothing said yet", TEXT_SIZE, pal.TEXT_DIM), (PAD, top))
            return panel
        room = h - 8 - top
        kept: list[tuple[LogEntry, pygame.Surface]] = []
        for entry in reversed(entries):  # the newest always fits; older ones if room is left
            block = self._entry(entry, w - 2 * PAD)
            if kept and block.get_height() > room:
                break
            kept.append((entry, block))
            room -= block.get_height() + GAP
        kept.reverse()
        self.shown = [e for e, _ in kept]
        y = top
        for entry, block in kept:
            if tick - entry.tick < RECENT_TICKS:
                pygame.draw.rect(panel, pal.ACCENT, (4, y + 2, 3, block.get_height() - 4))
            panel.blit(block, (PAD, y))
            y += block.get_height() + GAP
        return panel

    def _entry(self, entry: LogEntry, width: int) -> pygame.Surface:
        key = (entry, width)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found
        found = self._render(entry, width)
        self._entries[key] = found
        if len(self._entries) > 400:
            self._entries.popitem(last=False)
        return found

    def _render(self, entry: LogEntry, width: int) -> pygame.Surface:
        fonts = self.fonts
        stamp = fonts.text(f"{entry.time:%H:%M}", 13, pal.TEXT_DIM)
        head_w = width - INDENT
        spoken = entry.kind == EventKind.UTTERANCE
        head_color = pal.TEXT if spoken else _HEAD_COLORS.get(entry.kind, pal.TEXT)
        dot = 0
        if spoken and entry.who:
            dot = 12
        head = fonts.text(
            fonts.ellipsize(entry.head, TEXT_SIZE, head_w - dot, True),
            TEXT_SIZE, head_color, bold=True,
        )  # fmt: skip
        body_text = f'"{entry.text}"' if spoken else entry.text
        body = fonts.wrap(body_text, TEXT_SIZE, head_w, MAX_BODY_LINES) if body_text else []
        height = LINE_H * (1 + len(body))
        block = pygame.Surface((width, height), pygame.SRCALPHA)
        block.blit(stamp, (0, (LINE_H - stamp.get_height()) // 2 + 1))
        if dot:
            color = self.cast.color(entry.who[0])
            pygame.draw.circle(block, color, (INDENT + 4, LINE_H // 2 + 1), 5)
            pygame.draw.circle(block, pal.shade(color, 0.6), (INDENT + 4, LINE_H // 2 + 1), 5, 1)
        block.blit(head, (INDENT + dot, (LINE_H - head.get_height()) // 2))
        body_color = pal.TEXT if spoken else pal.mix(pal.TEXT, head_color, 0.25)
        for i, line in enumerate(body):
            text = fonts.text(line, TEXT_SIZE, body_color)
            block.blit(text, (INDENT, LINE_H * (1 + i) + (LINE_H - text.get_height()) // 2))
        return block

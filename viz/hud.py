"""Heads-up display: date and time, tick, speed, LLM spend, ticker, scrubber and help.

Also the toasts, the go-to-time prompt and, in a live run, the minds' progress line.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from viz import palette as pal
from viz.fonts import Fonts
from viz.history import History
from viz.source import Timeline

TOP_H = 40
SCRUB_H = 14
TICKER_LINES = 4

HELP: tuple[tuple[str, str], ...] = (
    ("Space", "pause / play"),
    (". ,", "step one tick forward / back (pauses)"),
    ("] [  or  1-7", "faster / slower, or speed x1 ... x64"),
    ("G", "go to a time (HH:MM, day 2 08:00, tick 40)"),
    ("Home / End", "first / newest frame"),
    ("Arrows, drag", "pan the map"),
    ("Wheel, + -", "zoom; 0 fits the town"),
    ("Click", "inspect a person or an object"),
    ("Tab", "inspect the next person"),
    ("F", "follow the inspected person"),
    ("L", "labels: auto (by zoom) / everyone / off"),
    ("A", "what people are doing, under their names: on / off"),
    ("T", "town log of lines spoken and events: on / off"),
    ("P", "save a PNG screenshot"),
    ("H  or  F1", "this help"),
    ("Esc", "close panels;  Q quits"),
)


@dataclass
class Toast:
    """A short message shown for a moment."""

    text: str
    until: float


def _panel(size: tuple[int, int], alpha: int = pal.PANEL_ALPHA) -> pygame.Surface:
    panel = pygame.Surface(size, pygame.SRCALPHA)
    panel.fill((*pal.PANEL, alpha))
    return panel


def draw_play_icon(surface: pygame.Surface, at: tuple[int, int], playing: bool, size: int) -> None:
    """A play triangle or pause bars (drawn, so no font glyph is needed)."""
    x, y = at
    if playing:
        pygame.draw.polygon(
            surface, pal.ACCENT, [(x, y), (x, y + size), (x + size * 0.85, y + size / 2)]
        )
    else:
        w = max(2, size // 3)
        pygame.draw.rect(surface, pal.ACCENT, (x, y, w, size))
        pygame.draw.rect(surface, pal.ACCENT, (x + size - w, y, w, size))


class Hud:
    """Draws the interface around the map.

    Args:
        fonts: Fonts and text cache.
        title: The town's name.
    """

    def __init__(self, fonts: Fonts, title: str) -> None:
        self.fonts = fonts
        self.title = title
        self.toast: Toast | None = None
        self.prompt: str | None = None
        self.show_help = False
        self._bars: dict[tuple[int, int, int], pygame.Surface] = {}
        self.scrub_rect = pygame.Rect(0, 0, 0, 0)

    def say(self, text: str, now: float, seconds: float = 2.0) -> None:
        """Shows a toast message."""
        self.toast = Toast(text, now + seconds)

    def _bar(self, w: int, h: int, alpha: int = pal.PANEL_ALPHA) -> pygame.Surface:
        key = (w, h, alpha)
        if key not in self._bars:
            self._bars[key] = _panel((w, h), alpha)
        return self._bars[key]

    def draw(
        self, surface: pygame.Surface, timeline: Timeline, history: History, *, live: bool,
        finished: bool, now: float, ticker_width: int, ticker: bool = True,
        progress: str | None = None, centre_x: int | None = None,
    ) -> None:  # fmt: skip
        """Draws the top bar, ticker, scrubber and overlays.

        Args:
            surface: Where to draw.
            timeline: Frames and play head.
            history: What happened so far.
            live: A running simulation (LIVE / ENDED badge).
            finished: The live simulation has ended.
            now: The viewer's clock, in seconds (blinking, toasts).
            ticker_width: Width of the event ticker.
            ticker: Whether to draw the event ticker (the side log replaces it).
            progress: What the minds are doing (a live run): in the top bar where it has room,
                else just under it.
            centre_x: Where to centre overlays (the middle of the visible map).
        """
        free = self._top(surface, timeline, history, live, finished, now)
        if ticker:
            self._ticker(surface, timeline, history, ticker_width)
        self._scrubber(surface, timeline, history)
        if self.prompt is not None:
            self._prompt(surface)
        elif progress:
            self._progress(surface, progress, free, centre_x, now)
        if self.toast is not None and now < self.toast.until:
            self._toast(surface, self.toast.text)
        if self.show_help:
            self._help(surface)

    def _top(self, surface: pygame.Surface, tl: Timeline, history: History, live: bool,
             finished: bool, now: float) -> tuple[int, int]:  # fmt: skip
        """Draws the top bar; returns the free span ``(left, right)`` between its two sides."""
        w = surface.get_width()
        surface.blit(self._bar(w, TOP_H), (0, 0))
        pygame.draw.line(surface, pal.PANEL_EDGE, (0, TOP_H - 1), (w, TOP_H - 1))
        frame = tl.frame
        x = 12
        title = self.fonts.text(self.title, 16, pal.TEXT, bold=True)
        surface.blit(title, (x, (TOP_H - title.get_height()) // 2))
        x += title.get_width() + 16
        if frame is not None:
            when = frame.time.strftime("%a %d %b %Y")
            clock = frame.time.strftime("%H:%M")
            date_s = self.fonts.text(when, 14, pal.TEXT_DIM)
            clock_s = self.fonts.text(clock, 22, pal.ACCENT, bold=True)
            surface.blit(date_s, (x, (TOP_H - date_s.get_height()) // 2))
            x += date_s.get_width() + 8
            surface.blit(clock_s, (x, (TOP_H - clock_s.get_height()) // 2))
            x += clock_s.get_width() + 22
        draw_play_icon(surface, (x, TOP_H // 2 - 8), tl.playing, 16)
        x += 24
        speed = self.fonts.text(f"x{tl.speed:g}", 16, pal.TEXT, bold=True)
        surface.blit(speed, (x, (TOP_H - speed.get_height()) // 2))
        x += speed.get_width() + 16
        if frame is not None:
            last = tl.frames[-1].tick
            text = f"tick {frame.tick}" + ("" if live else f" / {last}")
            tick_s = self.fonts.text(text, 14, pal.TEXT_DIM)
            surface.blit(tick_s, (x, (TOP_H - tick_s.get_height()) // 2))
            x += tick_s.get_width() + 16
        if live:
            label = "ENDED" if finished else "LIVE"
            color = pal.TEXT_DIM if finished else pal.LIVE
            if not finished and int(now * 2) % 2 == 0:
                pygame.draw.circle(surface, color, (x + 5, TOP_H // 2), 5)
            live_s = self.fonts.text(label, 14, color, bold=True)
            surface.blit(live_s, (x + 14, (TOP_H - live_s.get_height()) // 2))
            x += 14 + live_s.get_width() + 16
        right = w - 12
        help_s = self.fonts.text("H  help", 13, pal.TEXT_DIM)
        right -= help_s.get_width()
        surface.blit(help_s, (right, (TOP_H - help_s.get_height()) // 2))
        tokens, cost = history.spend(frame.tick) if frame is not None else (0, 0.0)
        spend = f"{tokens:,} tokens" + (f"  ${cost:.3f}" if cost else "")
        spend_s = self.fonts.text(spend, 14, pal.TEXT)
        right -= spend_s.get_width() + 20
        surface.blit(spend_s, (right, (TOP_H - spend_s.get_height()) // 2))
        return (x, right - 16)

    def _ticker(self, surface: pygame.Surface, tl: Timeline, history: History, width: int) -> None:
        frame = tl.frame
        if frame is None:
            return
        events = history.ticker(frame.tick, TICKER_LINES)
        if not events:
            return
        h = surface.get_height()
        line_h = 20
        panel_h = line_h * len(events) + 10
        y0 = h - SCRUB_H - panel_h - 6
        surface.blit(self._bar(width, panel_h, 200), (8, y0))
        for i, event in enumerate(events):
            age = frame.tick - event.tick
            color = pal.TICKER_KINDS.get(str(event.kind), pal.TEXT)
            if age > 6:
                color = pal.mix(color, pal.TEXT_DIM, 0.6)
            y = y0 + 5 + i * line_h
            stamp = self.fonts.text(event.time.strftime("%H:%M"), 13, pal.TEXT_DIM)
            surface.blit(stamp, (16, y + 2))
            kind = self.fonts.text(str(event.kind).replace("_", " "), 12, color, bold=True)
            surface.blit(kind, (62, y + 3))
            room = width - 62 - 84
            text = self.fonts.ellipsize(event.text or "", 14, room)
            surface.blit(self.fonts.text(text, 14, pal.TEXT), (146, y + 1))

    def _scrubber(self, surface: pygame.Surface, tl: Timeline, history: History) -> None:
        w, h = surface.get_size()
        self.scrub_rect = pygame.Rect(0, h - SCRUB_H, w, SCRUB_H)
        surface.blit(self._bar(w, SCRUB_H), self.scrub_rect.topleft)
        track = pygame.Rect(10, h - SCRUB_H // 2 - 2, w - 20, 4)
        pygame.draw.rect(surface, (60, 68, 84), track, border_radius=2)
        if tl.last < 1:
            return
        done = track.copy()
        done.w = int(track.w * tl.progress())
        pygame.draw.rect(surface, pal.ACCENT, done, border_radius=2)
        first = tl.frames[0].tick
        span = max(1, tl.frames[-1].tick - first)
        for tick in history.ticker_ticks():
            x = track.x + int(track.w * (tick - first) / span)
            pygame.draw.line(
                surface, pal.TICKER_KINDS["narrator"], (x, track.y - 4), (x, track.bottom + 3)
            )
        pygame.draw.circle(surface, pal.TEXT, (done.right, track.centery), 5)

    def _prompt(self, surface: pygame.Surface) -> None:
        text = f"Go to time: {self.prompt}_"
        label = self.fonts.text(text, 16, pal.TEXT, bold=True)
        box = pygame.Rect(0, 0, max(320, label.get_width() + 24), label.get_height() + 16)
        box.midtop = (surface.get_width() // 2, TOP_H + 10)
        surface.blit(self._bar(box.w, box.h, 240), box.topleft)
        pygame.draw.rect(surface, pal.ACCENT, box, 1, border_radius=4)
        surface.blit(label, (box.x + 12, box.y + 8))

    def _progress(
        self, surface: pygame.Surface, text: str, free: tuple[int, int], centre_x: int | None,
        now: float,
    ) -> None:  # fmt: skip
        label = self.fonts.text(text, 14, pal.TEXT)
        box = pygame.Rect(0, 0, label.get_width() + 40, label.get_height() + 10)
        left, right = free
        if box.w <= right - left:  # in the top bar, centred in its free span
            box.center = ((left + right) // 2, TOP_H // 2)
        else:  # just under it, over the middle of the map
            box.midtop = (surface.get_width() // 2 if centre_x is None else centre_x, TOP_H + 8)
            box.x = max(0, min(box.x, surface.get_width() - box.w))
        surface.blit(self._bar(box.w, box.h, 225), box.topleft)
        pygame.draw.rect(surface, pal.PANEL_EDGE, box, 1, border_radius=4)
        for k in range(3):  # three dots taking turns: the minds are at work
            lit = int(now * 3) % 3 == k
            color = pal.ACCENT if lit else pal.mix(pal.ACCENT, pal.PANEL, 0.6)
            pygame.draw.circle(surface, color, (box.x + 10 + k * 7, box.centery), 2)
        surface.blit(label, (box.x + 32, box.y + 5))

    def _toast(self, surface: pygame.Surface, text: str) -> None:
        label = self.fonts.text(text, 15, pal.TEXT, bold=True)
        box = pygame.Rect(0, 0, label.get_width() + 24, label.get_height() + 12)
        box.midtop = (surface.get_width() // 2, TOP_H + 56)
        surface.blit(self._bar(box.w, box.h, 235), box.topleft)
        surface.blit(label, (box.x + 12, box.y + 6))

    def _help(self, surface: pygame.Surface) -> None:
        rows = [(self.fonts.text(k, 15, pal.ACCENT, bold=True), self.fonts.text(v, 15, pal.TEXT))
                for k, v in HELP]  # fmt: skip
        key_w = max(r[0].get_width() for r in rows)
        val_w = max(r[1].get_width() for r in rows)
        title = self.fonts.text("gentown viewer - keys", 18, pal.TEXT, bold=True)
        w = key_w + val_w + 60
        h = len(rows) * 24 + title.get_height() + 40
        box = pygame.Rect(0, 0, w, h)
        box.center = (surface.get_width() // 2, surface.get_height() // 2)
        surface.blit(self._bar(w, h, 245), box.topleft)
        pygame.draw.rect(surface, pal.PANEL_EDGE, box, 1, border_radius=6)
        surface.blit(title, (box.x + 20, box.y + 14))
        y = box.y + 24 + title.get_height()
        for key_s, val_s in rows:
            surface.blit(key_s, (box.x + 20, y))
            surface.blit(val_s, (box.x + 40 + key_w, y))
            y += 24

"""Agents on the map: coloured tokens with initials, labels, conversation links, sleepers' "z".

A label is a name with, under it, what the person is doing (its emoji and a few words; the A key
turns these off). Labels are placed so they do not overlap and stay on screen; the inspected
agent gets a pulsing ring.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import pygame

from viz import palette as pal
from viz.camera import Camera
from viz.fonts import Fonts
from viz.layout import Placer, Rect
from viz.palette import Color
from viz.scene import AgentView, Cast, initials
from viz.story import caption

LABEL_MODES = ("auto", "all", "off")
"""Which people get a label, cycled with L: by zoom, everyone, nobody (but the selected)."""


@dataclass
class DrawnAgent:
    """Where an agent was drawn in the last frame (for clicks, bubbles and tests)."""

    name: str
    center: tuple[int, int]
    radius: int
    label: pygame.Rect | None = None


class AgentsLayer:
    """Draws agents and remembers where they went on screen.

    Args:
        cast: Colours and personas.
        fonts: Fonts and text cache.
    """

    def __init__(self, cast: Cast, fonts: Fonts) -> None:
        self.cast = cast
        self.fonts = fonts
        self.label_mode = "auto"
        self.activities = True
        self.drawn: dict[str, DrawnAgent] = {}
        self._on_screen: list[tuple[AgentView, tuple[int, int]]] = []
        self._s = 32
        self._tokens: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._labels: OrderedDict[tuple, pygame.Surface] = OrderedDict()

    def cycle_labels(self) -> str:
        """Switches to the next label mode and returns it."""
        self.label_mode = LABEL_MODES[(LABEL_MODES.index(self.label_mode) + 1) % len(LABEL_MODES)]
        return self.label_mode

    def toggle_activities(self) -> bool:
        """Shows or hides what people are doing under their names; returns the new setting."""
        self.activities = not self.activities
        return self.activities

    # --- drawing -------------------------------------------------------------------------

    def draw(
        self,
        surface: pygame.Surface,
        camera: Camera,
        views: list[AgentView],
        bounds: Rect,
        *,
        now: float,
        selected: str | None = None,
        speakers: frozenset[str] = frozenset(),
    ) -> None:
        """Draws links and labels (placed so they do not overlap), then the tokens on top."""
        self.draw_under(surface, camera, views, bounds, selected=selected, speakers=speakers)
        self.draw_tokens(surface, now=now, selected=selected)

    def draw_under(
        self,
        surface: pygame.Surface,
        camera: Camera,
        views: list[AgentView],
        bounds: Rect,
        *,
        selected: str | None = None,
        speakers: frozenset[str] = frozenset(),
    ) -> None:
        """Finds where agents go on screen and draws what lies under their tokens.

        That is the conversation links and the labels; :meth:`draw_tokens` comes after, so a
        crowded label never hides a person.
        """
        s = camera.tile_px
        radius = max(4, int(s * 0.36))
        self.drawn = {}
        vw, vh = surface.get_size()
        margin = radius + 4
        on_screen: list[tuple[AgentView, tuple[int, int]]] = []
        for view in sorted(views, key=lambda v: (v.y, v.x)):
            sx, sy = camera.world_to_screen(view.x + 0.5, view.y + 0.5)
            if view.walking:
                sy -= abs(math.sin((view.x + view.y) * math.pi)) * s * 0.08  # a little bounce
            if -margin <= sx <= vw + margin and -margin <= sy <= vh + margin:
                on_screen.append((view, (round(sx), round(sy))))
        self._conversation_links(surface, on_screen, s)
        for view, center in on_screen:
            self.drawn[view.name] = DrawnAgent(view.name, center, radius)
        self._place_labels(surface, on_screen, radius, s, bounds, selected, speakers)
        self._on_screen, self._s = on_screen, s

    def draw_tokens(self, surface: pygame.Surface, *, now: float, selected: str | None) -> None:
        """Draws the tokens placed by the last :meth:`draw_under`."""
        for view, center in self._on_screen:
            radius = self.drawn[view.name].radius
            self._token(surface, view, center, radius, self._s, now, view.name == selected)

    def _token(
        self, surface: pygame.Surface, view: AgentView, center: tuple[int, int], radius: int,
        s: int, now: float, selected: bool,
    ) -> None:  # fmt: skip
        asleep = view.snapshot.asleep
        key = (view.name, radius, asleep)
        token = self._tokens.get(key)
        if token is None:
            token = self._make_token(view.name, radius, asleep)
            self._tokens[key] = token
            if len(self._tokens) > 1200:
                self._tokens.popitem(last=False)
        x, y = center
        if selected:
            pulse = 2 + int(2 * (1 + math.sin(now * 5)))
            pygame.draw.circle(surface, pal.SELECTION, center, radius + 2 + pulse, max(2, s // 16))
        surface.blit(token, (x - token.get_width() // 2, y - token.get_height() // 2))
        if s >= 24 and not asleep:
            self._emoji_badge(surface, view, (x + radius + 1, y - radius), max(9, int(s * 0.28)))
        if asleep and s >= 10:
            size = max(10, int(s * 0.38))
            for k in range(3):
                phase = (now * 0.5 + k / 3) % 1.0
                alpha = int(255 * min(1.0, 1.6 * (1 - phase)))
                zx = x + radius // 2 + int(phase * s * 0.5)
                zy = y - radius - size // 2 - int(phase * s * 0.8)
                letter = "z" if k % 2 else "Z"
                for color, dx, dy in ((pal.SLEEP_SHADOW, 1, 1), (pal.SLEEP_Z, 0, 0)):
                    z = self.fonts.text(letter, size - k, color, bold=True)
                    z.set_alpha(alpha)
                    surface.blit(z, (zx + dx, zy + dy))
                    z.set_alpha(None)

    def _make_token(self, name: str, radius: int, asleep: bool) -> pygame.Surface:
        color = self.cast.color(name)
        if asleep:
            color = pal.mix(color, (90, 96, 120), 0.55)
        size = radius * 2 + 6
        token = pygame.Surface((size, size + 3), pygame.SRCALPHA)
        c = (size // 2, size // 2)
        pygame.draw.ellipse(token, (0, 0, 0, 70), (3, size // 2 + 1, size - 6, size // 2 + 1))
        pygame.draw.circle(token, (255, 255, 255), c, radius + 2)
        pygame.draw.circle(token, color, c, radius)
        pygame.draw.circle(
            token,
            pal.shade(color, 1.25),
            (c[0] - radius // 3, c[1] - radius // 3),
            max(1, radius // 3),
        )
        pygame.draw.circle(token, pal.shade(color, 0.65), c, radius, max(1, radius // 7))
        if radius >= 7:
            text_color = pal.TEXT_DARK if pal.luminance(color) > 0.62 else (255, 255, 255)
            label = self.fonts.text(
                initials(name), max(8, int(radius * 0.95)), text_color, bold=True
            )
            token.blit(label, (c[0] - label.get_width() // 2, c[1] - label.get_height() // 2))
        return token

    def _emoji_badge(
        self, surface: pygame.Surface, view: AgentView, at: tuple[int, int], size: int
    ) -> None:
        emoji = view.snapshot.emoji
        if not emoji:
            return
        glyph = self.fonts.emoji(emoji, size)
        r = size // 2 + 2
        pygame.draw.circle(surface, (255, 255, 255), at, r)
        if glyph is not None:
            surface.blit(glyph, (at[0] - glyph.get_width() // 2, at[1] - glyph.get_height() // 2))
        else:  # no font has this emoji: a small marker in a colour of its own
            pygame.draw.circle(surface, pal.marker_color(emoji), at, max(2, r - 2))
        pygame.draw.circle(surface, (60, 60, 70), at, r, 1)

    def _conversation_links(
        self, surface: pygame.Surface, on_screen: list[tuple[AgentView, tuple[int, int]]], s: int
    ) -> None:
        groups: dict[str, list[tuple[int, int]]] = {}
        for view, center in on_screen:
            if view.snapshot.conversation:
                groups.setdefault(view.snapshot.conversation, []).append(center)
        width = max(2, s // 12)
        for members in groups.values():
            if len(members) < 2:
                continue
            cx = sum(p[0] for p in members) // len(members)
            cy = sum(p[1] for p in members) // len(members)
            for p in members:
                pygame.draw.line(surface, pal.CONVERSATION_LINK, p, (cx, cy), width)
            r = max(4, s // 6)
            pygame.draw.circle(surface, pal.CONVERSATION_LINK, (cx, cy), r)
            for k in (-1, 0, 1):
                pygame.draw.circle(surface, (120, 110, 90), (cx + k * r // 2, cy), max(1, r // 5))

    # --- labels --------------------------------------------------------------------------

    def _detail(self, s: int, important: bool) -> str | None:
        """The label to show: the whole name ("full"), the first ("name"), or None."""
        mode = self.label_mode
        if important or mode == "all":
            return "full"
        if mode == "off":
            return None
        return "full" if s >= 28 else "name" if s >= 12 else None

    def _place_labels(
        self, surface: pygame.Surface, on_screen: list[tuple[AgentView, tuple[int, int]]],
        radius: int, s: int, bounds: Rect, selected: str | None, speakers: frozenset[str],
    ) -> None:  # fmt: skip
        tokens = [(c[0] - radius, c[1] - radius, 2 * radius, 2 * radius) for _, c in on_screen]
        placer = Placer(bounds, tokens if len(tokens) < 400 else ())
        ordered = sorted(
            on_screen, key=lambda item: (item[0].name != selected, item[0].name not in speakers)
        )
        bx, by, bw, bh = bounds
        for view, (x, y) in ordered:
            if not (bx <= x < bx + bw and by <= y < by + bh):
                continue  # under a panel or off the map: no label floating elsewhere
            detail = self._detail(s, view.name == selected)
            if detail is None and view.name in speakers:
                detail = "name"
            if detail is None:
                continue
            label = self._label(view, detail, s, view.name == selected)
            w, h = label.get_size()
            below = y + radius + 3
            right, left = x + radius + 3, x - radius - 3 - w
            candidates = [
                (x - w // 2, below), (right, y - h // 2), (left, y - h // 2),
                (right - radius, below), (left + radius, below), (x - w // 2, below + h // 2),
                (x - w // 2, y - radius - 3 - h), (right, y - h - 2), (left, y - h - 2),
            ]  # fmt: skip
            rect = placer.place(w, h, candidates, fallback=s >= 16 or view.name == selected)
            if rect is None:
                continue
            surface.blit(label, rect[:2])
            self.drawn[view.name].label = pygame.Rect(rect)

    def _label(self, view: AgentView, detail: str, s: int, selected: bool) -> pygame.Surface:
        snap = view.snapshot
        name = view.name if (detail == "full" or s >= 28) else view.name.split()[0]
        action, emoji = "", ""
        if selected:  # the inspected person: as much as fits
            action, emoji = ("asleep" if snap.asleep else snap.action), snap.emoji
        elif self.activities:
            emoji, action = caption(snap)
        key = (name, action, emoji, s >= 24, selected)
        found = self._labels.get(key)
        if found is not None:
            self._labels.move_to_end(key)
            return found
        found = self._make_label(name, action, emoji, 12 if s >= 24 else 11, selected, view.name)
        self._labels[key] = found
        if len(self._labels) > 1500:
            self._labels.popitem(last=False)
        return found

    def _make_label(
        self, name: str, action: str, emoji: str, size: int, selected: bool, who: str
    ) -> pygame.Surface:
        color: Color = self.cast.color(who)
        name_s = self.fonts.text(name, size, pal.LABEL_TEXT, bold=True)
        parts = [name_s]
        glyph = None
        if action:
            max_w = 190
            glyph = self.fonts.emoji(emoji, size) if emoji else None
            room = max_w - (glyph.get_width() + 3 if glyph else 0)
            text = self.fonts.ellipsize(action, size - 1, room)
            parts.append(self.fonts.text(text, size - 1, pal.TEXT_DIM))
        pad = 4
        lines_w = [p.get_width() for p in parts]
        if glyph is not None and len(parts) > 1:
            lines_w[1] += glyph.get_width() + 3
        w = max(lines_w) + 2 * pad + 4
        h = sum(p.get_height() for p in parts) + pad
        label = pygame.Surface((w, h), pygame.SRCALPHA)
        bg = (*pal.LABEL_BG, 235 if selected else 205)
        pygame.draw.rect(label, bg, label.get_rect(), border_radius=min(8, h // 2))
        pygame.draw.rect(
            label,
            (*color, 255),
            (0, 0, 4, h),
            border_top_left_radius=4,
            border_bottom_left_radius=4,
        )
        if selected:
            pygame.draw.rect(
                label, (*pal.SELECTION, 255), label.get_rect(), 1, border_radius=min(8, h // 2)
            )
        y = pad // 2
        label.blit(parts[0], (pad + 4, y))
        if len(parts) > 1:
            y += parts[0].get_height()
            x = pad + 4
            if glyph is not None:
                label.blit(glyph, (x, y + (parts[1].get_height() - glyph.get_height()) // 2))
                x += glyph.get_width() + 3
            label.blit(parts[1], (x, y))
        return label

    # --- picking -------------------------------------------------------------------------

    def agent_at(self, point: tuple[int, int]) -> str | None:
        """The agent whose token (or label) is under a screen point, nearest first."""
        best, best_d = None, 1e9
        for drawn in self.drawn.values():
            d = math.hypot(point[0] - drawn.center[0], point[1] - drawn.center[1])
            if d <= drawn.radius + 4 and d < best_d:
                best, best_d = drawn.name, d
        if best is None:
            for drawn in self.drawn.values():
                if drawn.label is not None and drawn.label.collidepoint(point):
                    return drawn.name
        return best

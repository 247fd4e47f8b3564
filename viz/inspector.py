"""The inspector panel: a person's persona, plan, memories and relationships, or an object.

Cards are plain data (testable without pygame); the panel draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pygame

from simulation.frames import Frame
from viz import palette as pal
from viz.fonts import Fonts
from viz.history import History
from viz.palette import Color
from viz.scene import Cast
from worlds.places import GameObject

WIDTH = 380

Line = tuple[str, str]
"""``(text, style)``; style is ``"text"``, ``"dim"`` or ``"hl"`` (highlighted)."""


@dataclass
class Card:
    """What the inspector shows."""

    title: str
    subtitle: str = ""
    color: Color | None = None
    sections: list[tuple[str, list[Line]]] = field(default_factory=list)

    def text(self) -> str:
        """All the card's text, one line per entry (for tests and logs)."""
        out = [self.title, self.subtitle]
        for heading, lines in self.sections:
            out.append(heading)
            out.extend(t for t, _ in lines)
        return "\n".join(x for x in out if x)


def pretty_place(address: str | None) -> str:
    """``"Cafe:counter:stove"`` -> ``"Cafe / counter / stove"``."""
    return " / ".join(address.split(":")) if address else "outdoors"


def agent_card(name: str, cast: Cast, frame: Frame | None, history: History) -> Card:
    """The card of a person at the frame's tick."""
    persona = cast.persona(name)
    tick = frame.tick if frame is not None else 0
    bits = [str(persona["age"])] if persona.get("age") is not None else []
    if persona.get("occupation"):
        bits.append(str(persona["occupation"]))
    card = Card(name, ", ".join(bits), cast.color(name))
    snap = None
    if frame is not None:
        snap = next((a for a in frame.agents if a.name == name), None)
    now: list[Line] = []
    if snap is not None:
        now.append(("asleep" if snap.asleep else snap.action, "hl"))
        now.append((f"at {pretty_place(snap.place)}", "dim"))
        if snap.conversation:
            others = [
                a.name
                for a in frame.agents
                if a.conversation == snap.conversation and a.name != name
            ]  # type: ignore[union-attr]
            now.append((f"talking with {', '.join(others) or 'someone'}", "text"))
        if snap.utterance:
            now.append((f'says: "{snap.utterance}"', "text"))
    else:
        now.append(("not in this frame", "dim"))
    card.sections.append(("Now", now))
    about: list[Line] = []
    if persona.get("traits"):
        about.append(("Traits: " + ", ".join(persona["traits"]), "text"))
    if persona.get("speaking_style"):
        about.append(("Speaks: " + str(persona["speaking_style"]), "dim"))
    if persona.get("currently"):
        about.append(("Currently: " + str(persona["currently"]), "text"))
    if about:
        card.sections.append(("Persona", about))
    card.sections.append(("Plan", _plan_lines(history, name, tick, frame.time if frame else None)))
    memories = [
        (f"[{e.data.get('importance', '?')}] {e.text}", "text")
        for e in history.memories(name, tick)
    ]
    card.sections.append(("Recent memories", memories or [("none yet", "dim")]))
    reflections = [(e.text or "", "text") for e in history.reflections(name, tick)]
    if reflections:
        card.sections.append(("Reflections", reflections))
    card.sections.append(("Relationships", _relationship_lines(persona, history, name, tick)))
    return card


def _plan_lines(history: History, name: str, tick: int, when: datetime | None) -> list[Line]:
    plan = history.plan(name, tick)
    if plan is None:
        return [("no plan yet", "dim")]
    blocks = plan.data.get("blocks") or []
    if not blocks:
        return [(plan.text or "", "text")]
    clock = when.strftime("%H:%M") if when else ""
    current = max((i for i, b in enumerate(blocks) if str(b.get("start", "")) <= clock), default=-1)
    lines: list[Line] = []
    for i, block in enumerate(blocks):
        text = f"{block.get('start', '')}  {block.get('activity', '')}"
        style = "hl" if i == current else ("dim" if i < current else "text")
        lines.append((("> " if i == current else "   ") + text, style))
    if plan.kind == "replan":
        lines.insert(0, ("(re-planned)", "dim"))
    return lines


def _relationship_lines(persona: dict, history: History, name: str, tick: int) -> list[Line]:
    lines: list[Line] = []
    talked = history.talked_with(name, tick)
    for other, view in (persona.get("relationships") or {}).items():
        count = talked.get(other, 0)
        suffix = f"  ({count} lines together)" if count else ""
        lines.append((f"{other}: {view}{suffix}", "text"))
    known = set((persona.get("relationships") or {}).keys())
    for other, count in talked.most_common():
        if other not in known:
            lines.append((f"talked with {other} ({count} lines)", "hl"))
    return lines or [("none recorded", "dim")]


def object_card(obj: GameObject, state: str, frame: Frame | None, history: History) -> Card:
    """The card of an object at the frame's tick."""
    card = Card(obj.name, pretty_place(obj.arena), pal.ACTIVE_GLOW)
    states: list[Line] = [
        (f"{'> ' if s == state else '   '}{s}", "hl" if s == state else "dim") for s in obj.states
    ]
    card.sections.append(("State", states))
    users = [a.name for a in frame.agents if a.place == obj.address] if frame is not None else []
    card.sections.append(("Used by", [(u, "text") for u in users] or [("nobody", "dim")]))
    change = history.object_change(obj.address, frame.tick) if frame is not None else None
    if change is not None:
        card.sections.append(
            ("Last change", [(f"{change.time:%H:%M} (tick {change.tick}): {change.text}", "text")])
        )
    about: list[Line] = [(f"capacity {obj.capacity}", "dim")]
    if obj.type:
        about.insert(0, (f"type: {obj.type}", "dim"))
    if obj.affordances:
        about.append(("used to: " + ", ".join(obj.affordances), "dim"))
    if obj.description:
        about.append((obj.description, "text"))
    card.sections.append(("About", about))
    return card


class Inspector:
    """The side panel that draws a card; scrolls with the wheel.

    Args:
        fonts: Fonts and text cache.
    """

    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.scroll = 0
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.close_rect = pygame.Rect(0, 0, 0, 0)
        self._content_h = 0

    def draw(self, surface: pygame.Surface, card: Card, top: int, bottom: int) -> pygame.Rect:
        """Draws the panel along the right edge between ``top`` and ``bottom``; returns its rect."""
        w = surface.get_width()
        self.rect = pygame.Rect(w - WIDTH, top, WIDTH, max(50, bottom - top))
        panel = pygame.Surface(self.rect.size, pygame.SRCALPHA)
        panel.fill((*pal.PANEL, 238))
        pygame.draw.line(panel, pal.PANEL_EDGE, (0, 0), (0, self.rect.h))
        if card.color is not None:
            pygame.draw.rect(panel, card.color, (0, 0, 6, self.rect.h))
        inner_w = WIDTH - 40
        y = 14 - self.scroll
        title = self.fonts.text(
            self.fonts.ellipsize(card.title, 20, inner_w - 30, True), 20, pal.TEXT, bold=True
        )
        panel.blit(title, (20, y))
        self.close_rect = pygame.Rect(self.rect.right - 30, self.rect.y + 12, 18, 18)
        local_close = self.close_rect.move(-self.rect.x, -self.rect.y)
        pygame.draw.line(panel, pal.TEXT_DIM, local_close.topleft, local_close.bottomright, 2)
        pygame.draw.line(panel, pal.TEXT_DIM, local_close.topright, local_close.bottomleft, 2)
        y += title.get_height() + 2
        if card.subtitle:
            for line in self.fonts.wrap(card.subtitle, 14, inner_w, 3):
                panel.blit(self.fonts.text(line, 14, pal.TEXT_DIM), (20, y))
                y += 18
        styles = {"text": pal.TEXT, "dim": pal.TEXT_DIM, "hl": pal.ACCENT}
        for heading, lines in card.sections:
            y += 10
            panel.blit(self.fonts.text(heading.upper(), 12, pal.HEADING, bold=True), (20, y))
            y += 18
            for text, style in lines:
                for i, part in enumerate(self.fonts.wrap(text, 14, inner_w - 12, 6)):
                    if -20 < y < self.rect.h:
                        panel.blit(
                            self.fonts.text(part, 14, styles.get(style, pal.TEXT)),
                            (20 + (12 if i else 0), y),
                        )
                    y += 18
        self._content_h = y + self.scroll + 20
        surface.blit(panel, self.rect.topleft)
        return self.rect

    def scroll_by(self, lines: int) -> None:
        """Scrolls the panel (positive: down)."""
        limit = max(0, self._content_h - self.rect.h)
        self.scroll = max(0, min(limit, self.scroll + lines * 36))

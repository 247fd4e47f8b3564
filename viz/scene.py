"""What is on screen at the play head, independent of drawing.

Agents at interpolated positions and the speech bubbles still showing. No pygame here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from simulation.events import EventKind
from simulation.frames import AgentSnapshot
from viz.motion import position, tiles_per_tick
from viz.palette import Color, agent_color
from viz.source import Timeline

BUBBLE_TICKS = 4.0
"""How many ticks a line stays on screen (it fades during the last one)."""


class Cast:
    """The people of the run: persona dicts, colours and initials, by name.

    Args:
        personas: Persona dicts (name, age, occupation, relationships, color, emoji...).
    """

    def __init__(self, personas: list[dict[str, Any]]) -> None:
        self.personas: dict[str, dict[str, Any]] = {}
        self.colors: dict[str, Color] = {}
        for persona in personas:
            name = str(persona.get("name", ""))
            if name and name not in self.personas:
                self.personas[name] = persona
                self.colors[name] = agent_color(len(self.colors), name, persona.get("color"))

    def color(self, name: str) -> Color:
        """The agent's colour (new names get the next distinct colour)."""
        found = self.colors.get(name)
        if found is None:
            found = agent_color(len(self.colors), name)
            self.colors[name] = found
        return found

    def persona(self, name: str) -> dict[str, Any]:
        """The persona dict (empty for an agent without one)."""
        return self.personas.get(name, {})


def initials(name: str) -> str:
    """Up to two initials: "Rosa Delgado" -> "RD", "Cleo" -> "CL"."""
    parts = [p for p in name.replace("-", " ").split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


@dataclass(frozen=True)
class AgentView:
    """One agent as drawn now.

    Attributes:
        name: The agent.
        x: Column of its tile position (float while walking); the tile's centre is ``x + 0.5``.
        y: Row, likewise.
        walking: Whether it is between tiles right now.
        snapshot: Its state in the current frame (action, emoji, asleep...).
    """

    name: str
    x: float
    y: float
    walking: bool
    snapshot: AgentSnapshot


@dataclass(frozen=True)
class Speech:
    """A line still showing in a bubble.

    Attributes:
        speaker: Who said it.
        text: The line.
        tick: The tick it was said.
        age: Ticks since it was said (fractional: the play head is between frames).
        conversation: Conversation id, if any.
        listeners: Who it was said to.
    """

    speaker: str
    text: str
    tick: int
    age: float
    conversation: str | None = None
    listeners: tuple[str, ...] = ()

    @property
    def alpha(self) -> int:
        """Opacity 0..255: full until the last tick of its life, then fading out."""
        left = BUBBLE_TICKS - self.age
        return 255 if left >= 1 else max(0, int(255 * left))


def agent_views(timeline: Timeline) -> list[AgentView]:
    """Every agent at the play head, positioned between the current and next frame.

    Agents standing on the same tile are spread around its centre so each stays visible.
    """
    frame = timeline.frame
    if frame is None:
        return []
    after = timeline.next_frame
    fraction = timeline.fraction
    pace = tiles_per_tick(frame, after)
    later = {a.name: a for a in after.agents} if after is not None else {}
    views: list[AgentView] = []
    for snap in frame.agents:
        (x, y), walking = position(snap, later.get(snap.name), fraction, pace)
        views.append(AgentView(snap.name, x, y, walking, snap))
    return _spread(views)


def _spread(views: list[AgentView]) -> list[AgentView]:
    groups: dict[tuple[int, int], list[int]] = {}
    for i, view in enumerate(views):
        if not view.walking:
            groups.setdefault((round(view.x), round(view.y)), []).append(i)
    out = list(views)
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: views[i].name)
        radius = 0.42 if len(members) <= 3 else 0.5
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / len(members) - math.pi / 2
            v = views[i]
            out[i] = AgentView(
                v.name, v.x + radius * math.cos(angle), v.y + radius * math.sin(angle), False,
                v.snapshot,
            )  # fmt: skip
    return out


def speeches(timeline: Timeline, lifetime: float = BUBBLE_TICKS) -> list[Speech]:
    """Lines said in the last ``lifetime`` ticks up to the play head, newest first."""
    if timeline.frame is None:
        return []
    out: list[Speech] = []
    index = timeline.index
    first = max(0, index - math.ceil(lifetime) + 1)
    for j in range(index, first - 1, -1):
        frame = timeline.frames[j]
        age = timeline.cursor - j
        if age >= lifetime:
            break
        seen: set[tuple[str, str]] = set()
        for event in frame.events:
            if event.kind == EventKind.UTTERANCE and event.agents and event.text:
                key = (event.agents[0], event.text)
                if key not in seen:
                    seen.add(key)
                    conv = event.data.get("conversation")
                    out.append(
                        Speech(event.agents[0], event.text, frame.tick, age, conv, event.agents[1:])
                    )
        for snap in frame.agents:
            if snap.utterance and (snap.name, snap.utterance) not in seen:
                seen.add((snap.name, snap.utterance))
                out.append(Speech(snap.name, snap.utterance, frame.tick, age, snap.conversation))
    return out

"""Perception: what each body notices in a tick, within its vision and its attention.

An agent sees the people within its vision radius who share its arena (or, outdoors, the open
street), the objects of its arena whose state differs from their resting state, and the events
addressed to it. Attention bandwidth keeps the nearest few. Neighbours come from the grid's cells
(never by comparing every pair of agents).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mesa.discrete_space import OrthogonalMooreGrid

from simulation.body import Body
from simulation.conversations import ConversationBook
from simulation.narrator import Narrator
from simulation.perception import Observation, Perception
from simulation.scheduled import TownEvent
from worlds.places import GameObject
from worlds.world import World


@dataclass(frozen=True)
class SenseLimits:
    """Perception limits.

    Attributes:
        vision_radius: How far (in tiles) a person sees, within their own arena.
        attention_bandwidth: How many of the people and the changed objects in view a person
            takes in per tick, nearest first; events addressed to them always reach them.
            Generative Agents' town used 8.
    """

    vision_radius: int = 4
    attention_bandwidth: int = 8


def audience(event: TownEvent, bodies: dict[str, Body], world: World) -> list[str]:
    """Names of the awake agents who perceive an environment event."""
    names = [n for n in event.agents if n in bodies]
    if event.place is None and not event.agents:
        names += [n for n, b in bodies.items() if not b.state.asleep]
    elif event.place is not None:
        tiles = world.tiles_of(event.place)
        names += [n for n, b in bodies.items() if not b.state.asleep and b.tile in tiles]
    return sorted(set(names))


class Senses:
    """Builds each body's :class:`Perception` for a tick.

    Args:
        world: The town.
        grid: The Mesa grid the bodies stand on.
        narrator: For object states and earshot.
        conversations: The run's conversations.
        limits: Vision radius and attention bandwidth.
    """

    def __init__(
        self,
        world: World,
        grid: OrthogonalMooreGrid,
        narrator: Narrator,
        conversations: ConversationBook,
        limits: SenseLimits,
    ) -> None:
        self.world = world
        self.grid = grid
        self.narrator = narrator
        self.conversations = conversations
        self.limits = limits
        self._objects: dict[str, list[GameObject]] = {}
        for obj in world.objects:
            self._objects.setdefault(obj.arena, []).append(obj)

    def perceive(
        self, body: Body, tick: int, now: datetime, events: dict[str, list[Observation]]
    ) -> Perception:
        """Returns what ``body`` perceives this tick (``events`` are addressed observations)."""
        x, y = body.tile
        arena_id = self.world.arena_id_at(x, y)
        seen: list[Observation] = []
        nearby: list[str] = []
        if not body.state.asleep:
            for other, distance in self._neighbours(body):
                ox, oy = other.tile
                if self.world.arena_id_at(ox, oy) != arena_id:
                    continue
                what = "asleep" if other.state.asleep else other.state.activity.description
                seen.append(
                    Observation(
                        kind="agent",
                        subject=other.name,
                        text=f"{other.name} is {what}",
                        place=arena_id,
                        distance=distance,
                    )
                )
                if not other.state.asleep and self.narrator.within_earshot(body, other):
                    nearby.append(other.name)
            if arena_id is not None:
                seen += self._object_observations(arena_id, (x, y))
            seen.sort(key=lambda o: o.distance)  # stable: people keep their order at a distance
            seen = seen[: self.limits.attention_bandwidth]
        conversation = self.conversations.of(body.name)
        sector = arena_id.split(":", 1)[0] if arena_id else None
        return Perception(
            agent=body.name,
            tick=tick,
            time=now,
            position=(x, y),
            arena=arena_id,
            sector=sector,
            action=body.state.activity.description,
            action_done=body.action_done(tick),
            asleep=body.state.asleep,
            observations=(*events.get(body.name, ()), *seen),
            nearby=tuple(nearby),
            conversation=conversation.view_for(body.name) if conversation else None,
            finished=self.conversations.take_finished(body.name),
            outcome=body.state.outcome,
            refused_object=body.state.refused_object,
        )

    def _neighbours(self, body: Body) -> list[tuple[Body, int]]:
        x, y = body.tile
        found = []
        cells = body.cell.get_neighborhood(radius=self.limits.vision_radius, include_center=True)  # type: ignore[union-attr]
        for cell in cells:
            for agent in cell.agents:
                if agent is body or not isinstance(agent, Body):
                    continue
                ox, oy = agent.tile
                found.append((agent, max(abs(ox - x), abs(oy - y))))
        found.sort(key=lambda pair: (pair[1], pair[0].name))
        return found

    def _object_observations(self, arena_id: str, at: tuple[int, int]) -> list[Observation]:
        """The arena's objects out of their usual state, with their distance from ``at``."""
        x, y = at
        result = []
        for obj in self._objects.get(arena_id, ()):
            state = self.narrator.object_states.get(obj.id, obj.start_state)
            if state != obj.start_state:
                distance = min(max(abs(ox - x), abs(oy - y)) for ox, oy in obj.tiles)
                result.append(
                    Observation(
                        kind="object",
                        subject=obj.id,
                        text=f"the {obj.name} is {state}",
                        place=arena_id,
                        distance=distance,
                    )
                )
        return result

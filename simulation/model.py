"""The town model: a Mesa model whose step is one tick of perceive → decide → resolve.

Activation is written out in :meth:`TownModel.step` (Mesa 3 has no schedulers): environment
events are released, every body perceives, every mind decides *concurrently*, the narrator
resolves intentions in a seeded order, bodies walk, and a frame goes to every sink.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import mesa
from mesa.discrete_space import OrthogonalMooreGrid

from simulation.actions import Action, Continue
from simulation.body import Body
from simulation.clock import SimClock
from simulation.conversations import ConversationBook
from simulation.events import Event, EventKind
from simulation.frames import AgentSnapshot, Frame
from simulation.mind import Mind, StopRun
from simulation.narrator import Narrator
from simulation.perception import Observation, Perception
from simulation.scheduled import EventJudge, EventQueue, TownEvent
from simulation.senses import SenseLimits, Senses, audience
from worlds.world import World

T = TypeVar("T")

FrameSink = Callable[[Frame], None]
TickHook = Callable[[int, datetime], None]


@dataclass(frozen=True)
class Resident:
    """A person placed in the town: where they start and where they work."""

    name: str
    tile: tuple[int, int]
    workplace: str | None = None


@dataclass
class TownConfig:
    """Time and perception settings of a town model."""

    start: datetime
    minutes_per_tick: int = 10
    limits: SenseLimits = field(default_factory=SenseLimits)
    ambient_per_hour: float = 0.0


class TownModel(mesa.Model):
    """A town of bodies driven by minds.

    Args:
        world: The town's map and places.
        residents: Who lives in it and where they start.
        minds: A mind per resident, by name.
        config: Clock and perception settings.
        seed: Seeds ``self.random`` and ``self.rng``; all randomness draws from them.
        sinks: Called with each tick's frame (trajectory writer, viewer queue...).
        after_tick: Called after resolution each tick (e.g. the memory stream's batched flush).
        usage: Returns the run's LLM tokens and cost so far, shown in frames.
        event_judge: Places user events given without a place (the narrator's LLM side);
            without one, such events reach the whole town.
    """

    def __init__(
        self,
        world: World,
        residents: list[Resident],
        minds: dict[str, Mind],
        config: TownConfig,
        seed: int = 0,
        sinks: list[FrameSink] | None = None,
        after_tick: list[TickHook] | None = None,
        event_judge: EventJudge | None = None,
        usage: Callable[[], tuple[int, float]] | None = None,
    ) -> None:
        super().__init__(seed=seed)
        self.world = world
        self.config = config
        self.clock = SimClock(config.start, config.minutes_per_tick)
        self.grid = OrthogonalMooreGrid(
            (world.width, world.height), torus=False, random=self.random
        )
        self.bodies: dict[str, Body] = {r.name: Body(self, r.name, r.tile) for r in residents}
        self.minds = dict(minds)
        self.conversations = ConversationBook()
        workplaces = {r.name: world.sector_of(r.workplace).name for r in residents if r.workplace}
        self.narrator = Narrator(
            world, self.bodies, self.conversations, workplaces, config.minutes_per_tick
        )
        self.queue = EventQueue(config.ambient_per_hour, tuple(s.name for s in world.sectors))
        self.senses = Senses(world, self.grid, self.narrator, self.conversations, config.limits)
        self.sinks: list[FrameSink] = list(sinks or [])
        self.after_tick: list[TickHook] = list(after_tick or [])
        self.stop_reason: str | None = None
        self.abandoned_tick: int | None = None
        self.event_judge = event_judge
        self.usage = usage
        self._tick_events: list[Event] = []
        self._runner = asyncio.Runner()
        self.frame = self._frame(())
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "awake": lambda m: sum(not b.state.asleep for b in m.bodies.values()),
                "walking": lambda m: sum(b.walking for b in m.bodies.values()),
                "conversations": lambda m: len(m.conversations.open),
            },
            agent_reporters={
                "name": "name",
                "x": lambda b: b.tile[0],
                "y": lambda b: b.tile[1],
                "action": lambda b: b.state.activity.description,
            },
        )

    # --- the tick ------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The simulated time of the last completed tick."""
        return self.clock.now

    def record(self, event: Event) -> None:
        """Adds an event to the tick in progress (minds record plans, memories, fallbacks)."""
        self._tick_events.append(event)

    def inject(
        self,
        text: str,
        place: str | None = None,
        agents: tuple[str, ...] = (),
        at: datetime | None = None,
        kind: EventKind = EventKind.USER_EVENT,
    ) -> TownEvent:
        """Queues an environment event; it is released at ``at`` (default: the next tick)."""
        if place is not None:
            self.world.resolve(place)
        unknown = [a for a in agents if a not in self.bodies]
        if unknown:
            raise KeyError(f"no agent named {', '.join(unknown)} in this town")
        event = TownEvent(
            time=at or self.clock.now, text=text, place=place, agents=agents, kind=kind
        )
        self.queue.add(event)
        return event

    def step(self) -> None:
        """Runs one tick. On :class:`StopRun` the tick is abandoned and ``running`` is False.

        An abandoned tick leaves no trace: the model returns to its state at the start of the
        tick (clock, bodies, minds, narrator, queue, random streams), as a checkpoint taken
        then would restore it, and ``abandoned_tick`` names the tick. Events recorded between
        ticks (a whisper, an injection) belong to the next frame.
        """
        start_state = self.get_state()
        self.abandoned_tick = None
        now = self.clock.advance()
        tick = self.clock.tick
        addressed = self._release_events(tick, now)
        self._tick_events += self.narrator.finish_activities(tick, now)
        perceptions = {
            name: self.senses.perceive(body, tick, now, addressed)
            for name, body in self.bodies.items()
        }
        for body in self.bodies.values():
            body.state.outcome = None  # a refusal is told once
            body.state.refused_object = None
        decided_from = len(self._tick_events)
        try:
            intentions = self._runner.run(self._decide_all(perceptions))
        except StopRun as stop:
            self.set_state(start_state)
            self.steps -= 1  # Mesa counted the step before calling it
            self.abandoned_tick = tick
            self.stop_reason = str(stop)
            self.running = False
            return
        # Minds record events as their LLM calls return; order them by agent so the frame does
        # not depend on which reply came back first (each agent's own order is kept).
        decided = self._tick_events[decided_from:]
        decided.sort(key=lambda e: e.agents[0] if e.agents else "")
        self._tick_events[decided_from:] = decided
        order = sorted(self.bodies)
        self.random.shuffle(order)
        self._tick_events += self.narrator.resolve(intentions, order, tick, now)
        self._walk(tick, now)
        for hook in self.after_tick:
            hook(tick, now)
        self.frame = self._frame(tuple(self._tick_events))
        self._tick_events = []
        for sink in self.sinks:
            sink(self.frame)
        self.datacollector.collect(self)

    def _release_events(self, tick: int, now: datetime) -> dict[str, list[Observation]]:
        addressed: dict[str, list[Observation]] = {}
        for event in self.queue.release(now, self.clock.step, self.random):
            if self._needs_judging(event):
                sectors = [s.name for s in self.world.sectors]
                place = self._runner.run(self.event_judge.place_of(event, sectors, tick))  # type: ignore[union-attr]
                if place is not None:
                    event = event.model_copy(update={"place": place})
            hearers = audience(event, self.bodies, self.world)
            for name in hearers:
                addressed.setdefault(name, []).append(
                    Observation(
                        kind="event", subject="narrator", text=event.text, place=event.place
                    )
                )
            self.record(
                Event(
                    kind=event.kind,
                    tick=tick,
                    time=now,
                    agents=tuple(hearers),
                    place=event.place,
                    text=event.text,
                )
            )
        return addressed

    def _needs_judging(self, event: TownEvent) -> bool:
        return (
            self.event_judge is not None
            and event.kind == EventKind.USER_EVENT
            and event.place is None
            and not event.agents
        )

    async def _decide_all(self, perceptions: dict[str, Perception]) -> dict[str, Action]:
        """Runs the awake minds concurrently; the first to fail cancels the others.

        Raises:
            StopRun: A mind asked the run to stop (the other minds are cancelled first).
            Exception: A mind's error; several errors of one type raise the first of them,
                errors of different types raise them all as an ExceptionGroup.
        """
        names = [n for n, p in perceptions.items() if not self._sleeping_through(p)]
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self.minds[n].decide(perceptions[n])) for n in names]
        except BaseExceptionGroup as failed:
            errors = failed.exceptions
            if all(type(error) is type(errors[0]) for error in errors):
                raise errors[0] from None
            raise
        intentions: dict[str, Action] = dict.fromkeys(perceptions, Continue())
        intentions.update(zip(names, (task.result() for task in tasks), strict=True))
        return intentions

    def _sleeping_through(self, perception: Perception) -> bool:
        """A sleeper with nothing addressed to it is not woken: nights cost no LLM call."""
        body = self.bodies[perception.agent]
        return body.state.asleep and not perception.observations and not perception.finished

    def _walk(self, tick: int, now: datetime) -> None:
        speed = max(1, self.clock.minutes_per_tick)
        for body in self.bodies.values():
            if body.walk(speed) is not None and not body.walking:
                self.record(
                    Event(
                        kind=EventKind.MOVEMENT,
                        tick=tick,
                        time=now,
                        agents=(body.name,),
                        place=body.state.activity.arena,
                        text=f"{body.name} arrived at {body.state.activity.arena}",
                        data={"tile": list(body.tile)},
                    )
                )

    def _frame(self, events: tuple[Event, ...]) -> Frame:
        tokens, cost = self.usage() if self.usage is not None else (0, 0.0)
        return Frame(
            tick=self.clock.tick,
            time=self.clock.now,
            agents=tuple(
                AgentSnapshot(
                    name=b.name,
                    x=b.tile[0],
                    y=b.tile[1],
                    action=b.state.activity.description,
                    emoji=b.state.activity.emoji,
                    place=self.world.address(*b.tile),
                    utterance=b.state.utterance,
                    conversation=(c.id if (c := self.conversations.of(b.name)) else None),
                    asleep=b.state.asleep,
                    walked=b.walked,
                )
                for b in self.bodies.values()
            ),
            events=events,
            object_states=dict(self.narrator.object_states),
            llm_tokens=tokens,
            llm_cost_usd=cost,
        )

    def run_coroutine(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Runs a coroutine to completion on the model's event loop (between ticks).

        The minds' clients (LLM, memory) are bound to this loop, so work for them from outside
        a tick (an interview, say) runs here too.
        """
        return self._runner.run(coroutine)

    def close(self) -> None:
        """Closes the model's event loop."""
        self._runner.close()

    # --- checkpoints ---------------------------------------------------------------------

    def get_state(self) -> dict[str, Any]:
        """Returns everything needed to continue this run exactly, JSON-ready."""
        version, internal, gauss = self.random.getstate()
        return {
            "clock": self.clock.get_state(),
            "steps": self.steps,
            "bodies": {n: b.get_state() for n, b in self.bodies.items()},
            "minds": {n: m.get_state() for n, m in self.minds.items()},
            "narrator": self.narrator.get_state(),
            "conversations": self.conversations.get_state(),
            "queue": self.queue.get_state(),
            "random": [version, list(internal), gauss],
            "rng": self.rng.bit_generator.state,
            "frame": self.frame.model_dump(mode="json"),
            "pending_events": [e.model_dump(mode="json") for e in self._tick_events],
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state` (a deep copy: nothing is shared)."""
        import copy

        state = copy.deepcopy(state)
        self.clock.set_state(state["clock"])
        self.steps = int(state["steps"])
        for name, body_state in state["bodies"].items():
            self.bodies[name].set_state(body_state)
        for name, mind_state in state["minds"].items():
            self.minds[name].set_state(mind_state)
        self.narrator.set_state(state["narrator"])
        self.conversations.set_state(state["conversations"])
        self.queue.set_state(state["queue"])
        version, internal, gauss = state["random"]
        self.random.setstate((version, tuple(internal), gauss))
        self.rng.bit_generator.state = state["rng"]
        self.frame = Frame.model_validate(state["frame"])
        # Events recorded between ticks (a whisper given to a stopped run) go to the next frame.
        self._tick_events = [Event.model_validate(e) for e in state.get("pending_events", ())]

"""Plan: the person's usual day, today's additions, and steps just in time.

On waking the agent's day starts from its usual day (:mod:`agents.cognition.routine`: routine,
own workplace and its hours, meals at ordinary hours), built in code at no cost. Only when
something is on its mind (a whispered intention, an important memory, a promise) does the model
add to it, and its additions are checked: times forward and within waking hours, meals at meal
times, no one else's job. Each block is broken into 5–60 minute steps only when it begins.
Commitments made in conversation are inserted at their time and place. Plans are memories too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, model_validator

from agents.cognition.places import NO_OBJECT, KnownArena, ScheduledBlock
from agents.cognition.routine import DayTemplate
from agents.cognition.services import AgentServices
from agents.cognition.step_library import StepLibrary, place_kind, span_minutes
from agents.memory.records import MemoryKind
from simulation.actions import DoActivity
from simulation.events import Event, EventKind
from worlds.hours import ClockTime, parse_clock_time

PLAN_IMPORTANCE = 5
PLAN_MAX_TOKENS = 160
DECOMPOSE_MAX_TOKENS = 200
MAX_ADDITIONS = 3
SHORT_BLOCK_MINUTES = 45
"""A block this short is one step, as planned, without a call (breakfast, a walk home)."""

PlanCheck = Callable[[list[tuple[str, str, str]]], str | None]
"""Checks additions (start, activity, place label) against the day; returns why they are wrong."""


class PlanAdditions(BaseModel):
    """The model's answer about what is on the agent's mind, item by item.

    For each thing it names: whether it happens today and, if so, when, what and where
    (``today``, ``at``, ``do``, ``place``). At least one item is asked for (small models
    otherwise answer with an empty list whatever is on their mind); ``today: false`` is how the
    model says a thing is not for today.
    Validated with ``context={"check": PlanCheck}``, today's items the check rejects are
    invalid output, so the model is asked again with the reason.
    """

    model_config = ConfigDict(extra="ignore")

    add: list[Any] = Field(min_length=1, max_length=MAX_ADDITIONS)

    @property
    def today(self) -> list[Any]:
        """The items that happen today."""
        return [a for a in self.add if a.today]

    @model_validator(mode="after")
    def _fits_the_day(self, info: ValidationInfo) -> PlanAdditions:
        check = (info.context or {}).get("check")
        if check is not None and self.today:
            problem = check([(a.at, a.do, a.place) for a in self.today])
            if problem:
                raise ValueError(problem)
        return self


@lru_cache(maxsize=1024)
def plan_additions_model(labels: tuple[str, ...]) -> type[PlanAdditions]:
    """The additions type of an agent whose places are ``labels``."""
    item = create_model(
        "PlanItem",
        __config__=ConfigDict(extra="ignore"),
        today=(bool, ...),
        at=(ClockTime, ...),
        do=(Annotated[str, Field(min_length=3, max_length=60)], ...),
        place=(Literal[labels], ...),  # type: ignore[valid-type]
    )
    return create_model(
        "PlanAdditions",
        __base__=PlanAdditions,
        add=(list[item], Field(min_length=1, max_length=MAX_ADDITIONS)),  # type: ignore[valid-type]
    )


@dataclass
class Step:
    """One concrete step of the current block."""

    description: str
    emoji: str
    arena: str
    object: str | None
    minutes: int


class Planner:
    """Keeps an agent's schedule and hands out its next step.

    Args:
        services: The agent's services.
        template: The agent's usual day (from its routine, workplace and the town's hours).
        check: Checks the model's additions against the day (see :data:`PlanCheck`).
        steps: The run's shared library of decompositions: a block like one decomposed before
            (by anyone, any day) reuses its steps without a call.
        deliberate: Whether the model plans (see ``MindParts.planning``). When False the usual
            day is followed as it is: no additions, revisions or agreed times, and each block
            is one step.
    """

    def __init__(
        self,
        services: AgentServices,
        template: DayTemplate,
        check: PlanCheck | None = None,
        steps: StepLibrary | None = None,
        deliberate: bool = True,
    ) -> None:
        self.services = services
        self.deliberate = deliberate
        self.template = template
        self.check = check
        self.library = steps
        self.plan_date: str | None = None
        self.blocks: list[ScheduledBlock] = []
        self.block_index = -1
        self.steps: list[Step] = []
        self.block_steps: list[Step] = []
        """The current block's decomposition; its steps start over when they run out."""
        self.commitments: list[ScheduledBlock] = []
        self.unavailable: set[str] = set()
        """Objects found in use during the current block: steps do not ask for them again."""
        self.new_since_plan = False

    def note_news(self) -> None:
        """Something important came up (the ``news`` signal): revise the rest of today."""
        if self.deliberate:
            self.new_since_plan = True

    def needs_day_plan(self, now: datetime) -> bool:
        """Whether today has no plan yet."""
        return self.plan_date != now.date().isoformat()

    async def plan_day(self, now: datetime, tick: int, on_mind: list[str] | None = None) -> None:
        """Lays out today: the usual day, promises, and the model's additions.

        The model is asked only when something is on the agent's mind (``on_mind``).
        """
        services, persona = self.services, self.services.persona
        usual = self.template.day(now.weekday())
        blocks = _merge(usual, self.commitments)
        added: list[ScheduledBlock] = []
        if on_mind and self.deliberate:
            added = await self._additions(blocks, on_mind, now, tick)
        self.blocks = _merge(blocks, added)
        self.commitments = []
        self.new_since_plan = False
        self.plan_date = now.date().isoformat()
        self.block_index = -1
        self.steps = []
        self.unavailable = set()
        text = f"{persona.name}'s plan for {now:%A %B %d}: " + "; ".join(
            f"{b.start} {b.activity}" for b in self.blocks
        )
        memory_id = services.remember(MemoryKind.PLAN, text[:600], tick, now, PLAN_IMPORTANCE)
        services.record(
            Event(
                kind=EventKind.PLAN,
                tick=tick,
                time=now,
                agents=(services.name,),
                text=text[:600],
                data={
                    "reused": not added,
                    "memory_id": memory_id,
                    "blocks": [b.model_dump() for b in self.blocks],
                    "added": [b.model_dump() for b in added],
                },
            )
        )

    async def revise(self, now: datetime, tick: int, on_mind: list[str]) -> None:
        """Adds to the rest of today what has come up since the day was planned.

        A whisper or an important event sets ``new_since_plan``; nothing on the agent's mind
        means no call.
        """
        self.new_since_plan = False
        if not on_mind:
            return
        added = await self._additions(self.blocks, on_mind, now, tick)
        if not added:
            return
        self._replan(
            _merge(self.blocks, added),
            now,
            tick,
            f"{self.services.name} adds to today's plan: "
            + "; ".join(f"{b.start} {b.activity}" for b in added),
            added=[b.model_dump() for b in added],
        )

    async def _additions(
        self, blocks: list[ScheduledBlock], on_mind: list[str], now: datetime, tick: int
    ) -> list[ScheduledBlock]:
        """Asks the model what today's plan needs beyond the usual day; [] on failure."""
        services, places = self.services, self.services.places
        labels = tuple(places.labels())
        reply = await services.ask(
            "plan_day",
            "plan_day",
            plan_additions_model(labels),
            tick,
            now,
            max_tokens=PLAN_MAX_TOKENS,
            context={"check": self.check} if self.check else None,
            places=list(labels),
            date=now.strftime("%B %d"),
            weekday=now.strftime("%A"),
            time=now.strftime("%H:%M"),
            sleep=services.persona.sleep_time,
            usual=[f"{b.start} {b.activity} ({_label(places, b.arena)})" for b in blocks],
            on_mind=on_mind,
        )
        if reply is None:
            return []
        return [
            ScheduledBlock(start=a.at, activity=a.do, arena=places.by_label[a.place].address)
            for a in reply.today
        ]

    def upcoming(self, now: datetime, limit: int = 4) -> list[str]:
        """The rest of today's plan as prompt lines: "HH:MM activity (place)"."""
        places = self.services.places
        current = _block_at(self.blocks, now.time())
        return [
            f"{b.start} {b.activity} ({_label(places, b.arena)})"
            for i, b in enumerate(self.blocks)
            if current is not None and i > current
        ][:limit]

    def commit(self, block: ScheduledBlock, now: datetime, tick: int) -> None:
        """Adds a commitment (e.g. an accepted invitation) to today's or tomorrow's schedule."""
        if not self.deliberate:
            return
        if parse_clock_time(block.start) > now.time() and not self.needs_day_plan(now):
            self.blocks = _merge(self.blocks, [block])
            self.block_index = -1
            self.steps = []
            kind = EventKind.REPLAN
        else:
            self.commitments.append(block)
            kind = EventKind.PLAN
        self.services.record(
            Event(
                kind=kind,
                tick=tick,
                time=now,
                agents=(self.services.name,),
                place=block.arena,
                text=f"{self.services.name} will {block.activity} at {block.start}",
            )
        )

    def refused(self, now: datetime, tick: int, why: str, object_in_use: str | None) -> None:
        """The narrator refused the last attempt: do something else instead of retrying it.

        An object in use is not asked for again during this block (the person carries on
        without it); a place that turned the person away is replaced, for the rest of the
        block, by time at home, with the reason recorded.
        """
        if object_in_use is not None:
            self.unavailable.add(object_in_use)
            self.steps = [
                Step(s.description, s.emoji, s.arena, None, s.minutes)
                if s.object == object_in_use
                else s
                for s in self.steps
            ]
            return
        index = _block_at(self.blocks, now.time())
        if index is None:
            return
        block, home = self.blocks[index], self.services.places.home_arena
        if block.arena == home:
            self.steps = [Step(block.activity, "", home, None, 60)]
            return
        blocks = list(self.blocks)
        blocks[index] = ScheduledBlock(
            start=block.start, activity=f"{block.activity} (at home instead)", arena=home
        )
        self._replan(blocks, now, tick, f"{self.services.name} changes plans: {why}", place=home)

    def _replan(
        self,
        blocks: list[ScheduledBlock],
        now: datetime,
        tick: int,
        text: str,
        place: str | None = None,
        **data: Any,
    ) -> None:
        """Replaces today's blocks (steps start afresh) and records a ``replan`` event."""
        self.blocks = blocks
        self.block_index = -1
        self.steps = []
        self.services.record(
            Event(
                kind=EventKind.REPLAN,
                tick=tick,
                time=now,
                agents=(self.services.name,),
                place=place,
                text=text,
                data={"blocks": [b.model_dump() for b in blocks], **data} if data else {},
            )
        )

    def block_changed(self, now: datetime) -> bool:
        """Whether a new schedule block has begun since the last step was handed out."""
        return _block_at(self.blocks, now.time()) != self.block_index

    async def next_step(self, now: datetime, tick: int) -> DoActivity | None:
        """Returns the next step of the block that covers ``now``.

        A new block is decomposed (one call at most: none for a short block, or one like a
        block decomposed before); when its steps run out before the block ends, the same steps
        start over, without a call.
        """
        index = _block_at(self.blocks, now.time())
        if index is None:
            return None
        if index != self.block_index:
            self.block_index = index
            self.unavailable = set()
            self.block_steps = await self._decompose(index, now, tick)
            self.steps = list(self.block_steps)
        if not self.steps:
            self.steps = list(self.block_steps)
        step = self.steps.pop(0)
        return DoActivity(
            description=step.description,
            emoji=step.emoji,
            arena=step.arena,
            object=None if step.object in self.unavailable else step.object,
            duration_min=step.minutes,
        )

    async def _decompose(self, index: int, now: datetime, tick: int) -> list[Step]:
        services = self.services
        block = self.blocks[index]
        arena = (
            services.places.by_address.get(block.arena)
            or services.places.by_address[services.places.home_arena]
        )
        last = index + 1 >= len(self.blocks)
        end = services.persona.sleep_time if last else self.blocks[index + 1].start
        ends = parse_clock_time(end)
        span, kind = span_minutes(now.time(), ends), place_kind(arena)
        if span <= SHORT_BLOCK_MINUTES or not self.deliberate:
            return [Step(block.activity, "", arena.address, None, span)]
        if self.library is not None:
            found = self.library.lookup(block.activity, kind, span, arena.objects)
            if found is not None:
                return [
                    Step(s.description, s.emoji, arena.address, _object(arena, s.thing), s.minutes)
                    for s in found
                ]
        reply = await services.ask(
            "decompose",
            "decompose",
            services.places.steps_model(arena),
            tick,
            now,
            max_tokens=DECOMPOSE_MAX_TOKENS,
            time=now.strftime("%H:%M"),
            start=block.start,
            end=end,
            activity=block.activity,
            place=arena.label,
            objects=list(arena.objects),
        )
        if reply is None:
            return [Step(block.activity, "", arena.address, None, 30)]
        if self.library is not None:
            self.library.store(block.activity, kind, span, reply.steps)  # type: ignore[attr-defined]
        return [
            Step(s.description, s.emoji, arena.address, _object(arena, s.thing), s.minutes)
            for s in reply.steps  # type: ignore[attr-defined]
        ]

    def get_state(self) -> dict[str, object]:
        """Returns the planner's state for a checkpoint."""
        return {
            "plan_date": self.plan_date,
            "blocks": [b.model_dump() for b in self.blocks],
            "block_index": self.block_index,
            "block_steps": [vars(s).copy() for s in self.block_steps],
            "steps": [vars(s).copy() for s in self.steps],
            "commitments": [b.model_dump() for b in self.commitments],
            "unavailable": sorted(self.unavailable),
            "new_since_plan": self.new_since_plan,
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.plan_date = state["plan_date"]
        self.blocks = [ScheduledBlock(**b) for b in state["blocks"]]
        self.block_index = int(state["block_index"])
        self.steps = [Step(**s) for s in state["steps"]]
        self.block_steps = [Step(**s) for s in state.get("block_steps", state["steps"])]
        self.commitments = [ScheduledBlock(**b) for b in state["commitments"]]
        self.unavailable = set(state.get("unavailable", ()))
        self.new_since_plan = bool(state["new_since_plan"])


def _label(places: Any, arena: str) -> str:
    known = places.by_address.get(arena)
    return known.label if known is not None else arena


def _object(arena: KnownArena, thing: str) -> str | None:
    return None if thing == NO_OBJECT else arena.objects.get(thing)


def _block_at(blocks: list[ScheduledBlock], now: time) -> int | None:
    if not blocks:
        return None
    index = 0
    for i, block in enumerate(blocks):
        if parse_clock_time(block.start) <= now:
            index = i
    return index


def _merge(blocks: list[ScheduledBlock], extra: list[ScheduledBlock]) -> list[ScheduledBlock]:
    """Inserts commitments into a schedule, replacing a block that starts at the same time."""
    starts = {b.start for b in extra}
    return sorted([b for b in blocks if b.start not in starts] + list(extra), key=lambda b: b.start)

"""Plan: a day plan in broad strokes, a schedule bound to known places, and steps just in time.

On waking the agent writes its day in 5–8 strokes and turns them into a schedule whose places are
a constrained choice of the arenas it knows. Each block is broken into 5–60 minute steps only
when it begins. Plans are memories too. A day with nothing new reuses the previous schedule as
it was planned, without that day's one-off changes (the "lifestyle policy" of Affordable
Generative Agents), and commitments made in conversation are inserted at their time and place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from agents.cognition.places import NO_OBJECT, KnownArena, ScheduledBlock
from agents.cognition.schemas import DayPlan
from agents.cognition.services import AgentServices
from agents.memory.records import MemoryKind
from simulation.actions import DoActivity
from simulation.clock import parse_clock_time
from simulation.events import Event, EventKind

PLAN_IMPORTANCE = 5
SCHEDULE_MAX_TOKENS = 700
DECOMPOSE_MAX_TOKENS = 450


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
        fallback_blocks: The schedule used when the model fails to write one (from the persona's
            home, workplace and hours).
    """

    def __init__(self, services: AgentServices, fallback_blocks: list[ScheduledBlock]) -> None:
        self.services = services
        self.fallback_blocks = fallback_blocks
        self.plan_date: str | None = None
        self.strokes: list[str] = []
        self.blocks: list[ScheduledBlock] = []
        self.planned: list[ScheduledBlock] = []
        """The schedule as last written by the model: a reused day starts from it, without
        the previous day's one-off changes (commitments, reroutes)."""
        self.block_index = -1
        self.steps: list[Step] = []
        self.commitments: list[ScheduledBlock] = []
        self.new_since_plan = False

    def needs_day_plan(self, now: datetime) -> bool:
        """Whether today has no plan yet."""
        return self.plan_date != now.date().isoformat()

    async def plan_day(self, now: datetime, tick: int) -> None:
        """Writes today's plan and schedule (or reuses yesterday's when nothing is new)."""
        services, persona = self.services, self.services.persona
        date = now.date().isoformat()
        reused = bool(self.planned) and not self.new_since_plan and not self.commitments
        if not reused:
            memories = services.memory.retrieve(
                services.name, f"{persona.name}'s plans for today", now, k=6
            )
            plan = await services.ask(
                "plan_day",
                "plan_day",
                DayPlan,
                tick,
                now,
                date=date,
                weekday=now.strftime("%A"),
                wake=persona.wake_time,
                sleep=persona.sleep_time,
                routines="; ".join(persona.routines) or "none given",
                memories=[m.record.text for m in memories],
            )
            self.strokes = list(plan.strokes) if plan else []
            self.planned = await self._schedule(now, tick) if plan else list(self.fallback_blocks)
        self.blocks = _merge(self.planned, self.commitments)
        self.commitments = []
        self.new_since_plan = False
        self.plan_date = date
        self.block_index = -1
        self.steps = []
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
                    "reused": reused,
                    "memory_id": memory_id,
                    "blocks": [b.model_dump() for b in self.blocks],
                },
            )
        )

    async def _schedule(self, now: datetime, tick: int) -> list[ScheduledBlock]:
        services, persona, places = self.services, self.services.persona, self.services.places
        reply = await services.ask(
            "schedule",
            "schedule",
            places.schedule_model(),
            tick,
            now,
            max_tokens=SCHEDULE_MAX_TOKENS,
            strokes=self.strokes,
            places=places.labels(),
            home=places.home_sector,
            work=places.work_sector,
            wake=persona.wake_time,
            sleep=persona.sleep_time,
        )
        if reply is None:
            return list(self.fallback_blocks)
        blocks = [
            ScheduledBlock(
                start=b.start, activity=b.activity, arena=places.by_label[b.place].address
            )
            for b in reply.blocks  # type: ignore[attr-defined]
        ]
        return sorted(blocks, key=lambda b: b.start)

    def commit(self, block: ScheduledBlock, now: datetime, tick: int) -> None:
        """Adds a commitment (e.g. an accepted invitation) to today's or tomorrow's schedule."""
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

    def reroute(self, now: datetime, tick: int, why: str) -> None:
        """The current block's place turned the agent away: spend the rest of it at home."""
        index = _block_at(self.blocks, now.time())
        if index is None:
            return
        block, home = self.blocks[index], self.services.places.home_arena
        if block.arena == home:
            self.steps = [Step(block.activity, "", home, None, 60)]
            return
        self.blocks[index] = ScheduledBlock(
            start=block.start, activity=f"{block.activity} (at home instead)", arena=home
        )
        self.block_index = -1
        self.steps = []
        self.services.record(
            Event(
                kind=EventKind.REPLAN,
                tick=tick,
                time=now,
                agents=(self.services.name,),
                place=home,
                text=f"{self.services.name} changes plans: {why}",
            )
        )

    def block_changed(self, now: datetime) -> bool:
        """Whether a new schedule block has begun since the last step was handed out."""
        return _block_at(self.blocks, now.time()) != self.block_index

    async def next_step(self, now: datetime, tick: int) -> DoActivity | None:
        """Returns the next step of the block that covers ``now`` (decomposing it if new)."""
        index = _block_at(self.blocks, now.time())
        if index is None:
            return None
        if index != self.block_index:
            self.block_index = index
            self.steps = await self._decompose(index, now, tick)
        if not self.steps:
            self.steps = await self._decompose(index, now, tick)
        step = self.steps.pop(0)
        return DoActivity(
            description=step.description,
            emoji=step.emoji,
            arena=step.arena,
            object=step.object,
            duration_min=step.minutes,
        )

    async def _decompose(self, index: int, now: datetime, tick: int) -> list[Step]:
        services = self.services
        block = self.blocks[index]
        arena = (
            services.places.by_address.get(block.arena)
            or services.places.by_address[services.places.home_arena]
        )
        end = self.blocks[index + 1].start if index + 1 < len(self.blocks) else "the evening"
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
        return [
            Step(s.description, s.emoji, arena.address, _object(arena, s.thing), s.minutes)
            for s in reply.steps  # type: ignore[attr-defined]
        ]

    def get_state(self) -> dict[str, object]:
        """Returns the planner's state for a checkpoint."""
        return {
            "plan_date": self.plan_date,
            "strokes": list(self.strokes),
            "blocks": [b.model_dump() for b in self.blocks],
            "planned": [b.model_dump() for b in self.planned],
            "block_index": self.block_index,
            "steps": [vars(s).copy() for s in self.steps],
            "commitments": [b.model_dump() for b in self.commitments],
            "new_since_plan": self.new_since_plan,
        }

    def set_state(self, state: dict[str, object]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.plan_date = state["plan_date"]  # type: ignore[assignment]
        self.strokes = list(state["strokes"])  # type: ignore[call-overload]
        self.blocks = [ScheduledBlock(**b) for b in state["blocks"]]  # type: ignore[attr-defined]
        planned = state.get("planned", state["blocks"])  # checkpoints before "planned" existed
        self.planned = [ScheduledBlock(**b) for b in planned]  # type: ignore[attr-defined]
        self.block_index = int(state["block_index"])  # type: ignore[call-overload]
        self.steps = [Step(**s) for s in state["steps"]]  # type: ignore[attr-defined]
        self.commitments = [ScheduledBlock(**b) for b in state["commitments"]]  # type: ignore[attr-defined]
        self.new_since_plan = bool(state["new_since_plan"])


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

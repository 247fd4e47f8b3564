"""The generative mind: observe, plan, react, converse and reflect, behind the town's interface.

One :class:`GenerativeMind` per agent. It receives a :class:`~simulation.perception.Perception`
and returns an intended :class:`~simulation.actions.Action`; it never changes the world. The
steps run in the order of the Generative Agents architecture, with cheap rules in front of every
LLM call so a quiet tick costs nothing.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time
from typing import Any

from agents.cognition.conversing import Conversationalist, ConversationMode, Scene
from agents.cognition.grounding import recent_intentions
from agents.cognition.interviewing import interview
from agents.cognition.observing import Observer
from agents.cognition.parts import MindParts
from agents.cognition.planning import PlanCheck, Planner
from agents.cognition.reacting import Reactor
from agents.cognition.reflecting import DEFAULT_THRESHOLD, Reflector
from agents.cognition.routine import DayTemplate
from agents.cognition.services import AgentServices
from agents.cognition.signals import Signals
from agents.cognition.step_library import StepLibrary
from agents.cognition.views import PersonViews
from agents.memory.records import MemoryKind
from simulation.actions import Action, Continue, Say, Sleep
from simulation.events import Event, EventKind
from simulation.perception import ConversationView, Observation, Perception
from worlds.hours import parse_clock_time

WHISPER_IMPORTANCE = 8
REPLAN_IMPORTANCE = 7
RECENT_FOR_INTENTIONS = 40
KEPT_WHISPERS = 2


class GenerativeMind:
    """A generative agent's mind.

    Args:
        services: Persona, places, LLM, memory and recorder of this agent.
        template: The agent's usual day, from its routine, workplace and the town's hours.
        reflection_threshold: Summed importance of new memories that triggers a reflection.
        retention_ticks: How long an observation counts as already seen.
        conversation_mode: ``"scene"`` (a call per exchange) or ``"line"`` (a call per line).
        plan_check: Checks the model's additions to a day plan.
        steps: The run's shared library of block decompositions.
        parts: Which parts run (all by default; see :class:`MindParts`). The parts talk
            through the mind's :class:`Signals`: a part switched off does not subscribe.
    """

    def __init__(
        self,
        services: AgentServices,
        template: DayTemplate,
        reflection_threshold: int = DEFAULT_THRESHOLD,
        retention_ticks: int = 6,
        conversation_mode: ConversationMode = "scene",
        plan_check: PlanCheck | None = None,
        steps: StepLibrary | None = None,
        parts: MindParts | None = None,
    ) -> None:
        parts = parts or MindParts()
        self.services = services
        self.parts = parts
        self.signals = Signals()
        self.views = PersonViews(dict(services.persona.relationships))
        self.observer = Observer(services, retention_ticks=retention_ticks)
        self.planner = Planner(services, template, plan_check, steps, deliberate=parts.planning)
        self.reactor = Reactor(services)
        self.talk = Conversationalist(services, self.views, conversation_mode)
        self.reflector = Reflector(services, reflection_threshold)
        self.signals.on("news", self.planner.note_news)
        if parts.reflection:
            self.signals.on("remembered", self.reflector.on_remembered)
        services.on_remember = lambda kind, importance: self.signals.emit(
            "remembered", kind=kind, importance=importance
        )
        self.whispers: list[str] = []
        self._place = ""
        self._activities: dict[str, str] = {}
        self._opened_talk = False
        """Whether the last action opened a talk (its refusal is no reason to change plans)."""

    @property
    def name(self) -> str:
        """The agent's name."""
        return self.services.name

    async def decide(self, perception: Perception) -> Action:
        """Returns the intended action for this tick; see the module docstring."""
        p, now, tick = perception, perception.time, perception.tick
        self._place = self._place_label(p)
        self._activities = _activities(p.observations)
        for finished in p.finished:
            await self._remember_conversation(finished, now, tick)
        if p.asleep and self._sleep_time(now.time()):
            return Continue()
        if self._sleep_time(now.time()) and p.conversation is None:
            return self._go_to_bed()
        fresh = self.observer.novel(p.observations, tick)
        scored = await self._observe_and_plan(fresh, now, tick)
        if any(importance >= REPLAN_IMPORTANCE for _, importance in scored):
            self.signals.emit("news")
        if p.conversation is not None:
            return await self._converse(p.conversation, now, tick)
        opened, self._opened_talk = self._opened_talk, False
        if p.outcome is not None and not opened:  # a talk that could not start: carry on
            self.planner.refused(now, tick, p.outcome, p.refused_object)
        pairs = [(o, imp) for o, (_, imp) in zip(fresh, scored, strict=True)]
        if self.reactor.worth_a_call(pairs, p.nearby, tick):
            action = await self._react(p, [o.text for o in fresh], now, tick)
            if action is not None:
                return action
        if self.reflector.due:
            await self.reflector.reflect(now, tick)
        if p.action_done or self.planner.block_changed(now):
            step = await self.planner.next_step(now, tick)
            if step is not None:
                return step
        return Continue()

    def on_my_mind(self, now: datetime, with_plan: bool = True) -> list[str]:
        """What the agent has on its mind: recent intentions and news, then the rest of today.

        Args:
            now: The current simulated time.
            with_plan: Whether to list the rest of today's plan too.

        Returns:
            Prompt lines, each dated or timed.
        """
        records = self.services.memory.recent(self.name, RECENT_FOR_INTENTIONS)
        items = recent_intentions(records, now)
        if with_plan:
            items += [f"later today: {item}" for item in self.planner.upcoming(now)]
        return items

    async def _observe_and_plan(
        self, fresh: list[Observation], now: datetime, tick: int
    ) -> list[tuple[str, int]]:
        """Scores new observations while the day is planned (two independent LLM chains).

        The plan's events are recorded first, then the observations' (and any fallback of the
        scoring call), so the order never depends on which reply came back first.
        """
        deferred: list[Event] = []
        scoring = self.observer.score(fresh, tick, now, deferred)
        if self.planner.needs_day_plan(now):
            intentions = self.on_my_mind(now, with_plan=False)
            planning = self.planner.plan_day(now, tick, intentions)
            scores, _ = await asyncio.gather(scoring, planning)
        elif self.planner.new_since_plan:
            intentions = self.on_my_mind(now, with_plan=False)
            scores, _ = await asyncio.gather(scoring, self.planner.revise(now, tick, intentions))
        else:
            scores = await scoring
        for event in deferred:
            self.services.record(event)
        return self.observer.remember(fresh, scores, tick, now)

    def _scene(self, now: datetime) -> Scene:
        return Scene(self._place, now, self.on_my_mind(now), self._activities)

    async def _converse(self, conversation: ConversationView, now: datetime, tick: int) -> Action:
        if not conversation.your_turn:
            return Continue()
        others = [n for n in conversation.participants if n != self.name]
        line = await self.talk.utter(others, list(conversation.turns), self._scene(now), tick)
        return Say(to=(line.to,), text=line.text, end_conversation=line.end)

    async def _react(
        self, p: Perception, observed: list[str], now: datetime, tick: int
    ) -> Action | None:
        decision = await self.reactor.decide(observed, p.nearby, p.action, self._place, now, tick)
        if decision is None or not decision.react:
            return None
        partner = decision.talk_to
        self.reactor.talked(partner, tick)
        self._opened_talk = True
        scene = self._scene(now)
        if self.talk.mode == "scene":
            lines = await self.talk.open_scene([partner], scene, tick, reason=decision.reason)
            if lines:
                first, *rest = lines
                return Say(to=first.to, text=first.text, script=tuple(rest))
        line = await self.talk.utter([partner], [], scene, tick, reason=decision.reason)
        return Say(to=(partner,), text=line.text, end_conversation=False)

    async def _remember_conversation(
        self, finished: ConversationView, now: datetime, tick: int
    ) -> None:
        for other in finished.participants:
            if other != self.name:
                self.reactor.talked(other, tick)
        commitment = await self.talk.conclude(finished, self._place, now, tick)
        if commitment is not None:
            self.planner.commit(commitment, now, tick)

    def _sleep_time(self, now: time) -> bool:
        persona = self.services.persona
        wake, sleep = parse_clock_time(persona.wake_time), parse_clock_time(persona.sleep_time)
        if sleep > wake:
            return now >= sleep or now < wake
        return sleep <= now < wake

    def _go_to_bed(self) -> Sleep:
        places = self.services.places
        return Sleep(
            arena=places.home_arena, object=places.bed, until=self.services.persona.wake_time
        )

    def _place_label(self, p: Perception) -> str:
        """The place as prompts name it, the same for everyone there ("Sector, arena")."""
        arena = self.services.places.by_address.get(p.arena or "")
        if arena is not None:
            return arena.label
        return p.arena.replace(":", ", ") if p.arena else p.sector or "outdoors"

    def whisper(self, text: str, now: datetime, tick: int) -> str:
        """Gives the agent an inner-voice intention and returns its memory id.

        The intention becomes part of what the agent is currently about (every prompt shows
        it, as the paper seeded Isabella's party in ``currently``), a memory, and a reason to
        revisit the day's plan.
        """
        memory_id = self.services.remember(MemoryKind.WHISPER, text, tick, now, WHISPER_IMPORTANCE)
        self.services.record(
            Event(kind=EventKind.WHISPER, tick=tick, time=now, agents=(self.name,), text=text)
        )
        self.whispers = [*self.whispers, text][-KEPT_WHISPERS:]
        self.services.currently = _currently(self.services.persona.currently, self.whispers)
        self.signals.emit("news")
        return memory_id

    async def interview(self, question: str, now: datetime, tick: int) -> str:
        """Answers a question in character from the agent's memories."""
        return await interview(self.services, question, now, tick)

    def get_state(self) -> dict[str, Any]:
        """Returns the mind's state for a checkpoint."""
        return {
            "views": self.views.get_state(),
            "observer": self.observer.get_state(),
            "planner": self.planner.get_state(),
            "reactor": self.reactor.get_state(),
            "reflector": self.reflector.get_state(),
            "whispers": list(self.whispers),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.views.set_state(state["views"])
        self.observer.set_state(state["observer"])
        self.planner.set_state(state["planner"])
        self.reactor.set_state(state["reactor"])
        self.reflector.set_state(state["reflector"])
        self.whispers = list(state.get("whispers", ()))
        self.services.currently = _currently(self.services.persona.currently, self.whispers)


def _currently(base: str, whispers: list[str]) -> str:
    """What the agent is currently about: its persona's ``currently`` and its intentions."""
    return " ".join(part for part in [base, *whispers] if part)


def _activities(observations: tuple[Observation, ...]) -> dict[str, str]:
    """What each person in view is doing, from "X is ..." observations."""
    return {
        o.subject: o.text.removeprefix(f"{o.subject} is ")
        for o in observations
        if o.kind == "agent" and o.text.startswith(f"{o.subject} is ")
    }

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

from agents.cognition.conversing import Conversationalist
from agents.cognition.interviewing import interview
from agents.cognition.observing import Observer
from agents.cognition.places import ScheduledBlock
from agents.cognition.planning import Planner
from agents.cognition.reacting import Reactor
from agents.cognition.reflecting import DEFAULT_THRESHOLD, Reflector
from agents.cognition.services import AgentServices
from agents.cognition.views import PersonViews
from agents.memory.records import MemoryKind
from simulation.actions import Action, Continue, Say, Sleep
from simulation.clock import parse_clock_time
from simulation.events import Event, EventKind
from simulation.perception import ConversationView, Observation, Perception

WHISPER_IMPORTANCE = 8
REPLAN_IMPORTANCE = 7


class GenerativeMind:
    """A generative agent's mind.

    Args:
        services: Persona, places, LLM, memory and recorder of this agent.
        fallback_blocks: Schedule used when the model cannot write one.
        reflection_threshold: Summed importance that triggers a reflection.
        retention_ticks: How long an observation counts as already seen.
    """

    def __init__(
        self,
        services: AgentServices,
        fallback_blocks: list[ScheduledBlock],
        reflection_threshold: int = DEFAULT_THRESHOLD,
        retention_ticks: int = 6,
    ) -> None:
        self.services = services
        self.views = PersonViews(dict(services.persona.relationships))
        self.observer = Observer(services, retention_ticks=retention_ticks)
        self.planner = Planner(services, fallback_blocks)
        self.reactor = Reactor(services)
        self.talk = Conversationalist(services, self.views)
        self.reflector = Reflector(services, reflection_threshold)
        self._conversation: ConversationView | None = None
        self._place = ""

    @property
    def name(self) -> str:
        """The agent's name."""
        return self.services.name

    async def decide(self, perception: Perception) -> Action:
        """Returns the intended action for this tick; see the module docstring."""
        p, now, tick = perception, perception.time, perception.tick
        self._place = self._place_label(p)
        await self._close_finished_conversation(p, now, tick)
        if p.asleep and self._sleep_time(now.time()):
            return Continue()
        if self._sleep_time(now.time()) and p.conversation is None:
            return self._go_to_bed()
        fresh = self.observer.novel(p.observations, tick)
        scored = await self._observe_and_plan(fresh, now, tick)
        for _, importance in scored:
            self.reflector.add_importance(importance)
            if importance >= REPLAN_IMPORTANCE:
                self.planner.new_since_plan = True
        if p.conversation is not None:
            return await self._converse(p.conversation, now, tick)
        if p.outcome is not None:
            self.planner.reroute(now, tick, p.outcome)
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
            scores, _ = await asyncio.gather(scoring, self.planner.plan_day(now, tick))
        else:
            scores = await scoring
        for event in deferred:
            self.services.record(event)
        return self.observer.remember(fresh, scores, tick, now)

    async def _converse(self, conversation: ConversationView, now: datetime, tick: int) -> Action:
        self._conversation = conversation
        if not conversation.your_turn:
            return Continue()
        others = [n for n in conversation.participants if n != self.name]
        line = await self.talk.utter(others, list(conversation.turns), self._place, now, tick)
        return Say(to=tuple(others), text=line.text, end_conversation=line.end_conversation)

    async def _react(
        self, p: Perception, observed: list[str], now: datetime, tick: int
    ) -> Action | None:
        decision = await self.reactor.decide(observed, p.nearby, p.action, self._place, now, tick)
        if decision is None or not decision.react or decision.talk_to not in p.nearby:
            return None
        partner = decision.talk_to
        self.reactor.talked(partner, tick)
        line = await self.talk.utter([partner], [], self._place, now, tick, reason=decision.reason)
        return Say(to=(partner,), text=line.text, end_conversation=False)

    async def _close_finished_conversation(self, p: Perception, now: datetime, tick: int) -> None:
        finished = self._conversation
        if finished is None or (p.conversation is not None and p.conversation.id == finished.id):
            return
        self._conversation = None
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
        arena = self.services.places.by_address.get(p.arena or "")
        if arena is not None:
            return arena.label
        return p.arena or p.sector or "outdoors"

    def whisper(self, text: str, now: datetime, tick: int) -> str:
        """Gives the agent an inner-voice memory (an idea, an intention) and returns its id."""
        memory_id = self.services.remember(MemoryKind.WHISPER, text, tick, now, WHISPER_IMPORTANCE)
        self.services.record(
            Event(kind=EventKind.WHISPER, tick=tick, time=now, agents=(self.name,), text=text)
        )
        self.reflector.add_importance(WHISPER_IMPORTANCE)
        self.planner.new_since_plan = True
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
            "conversation": self._conversation.model_dump() if self._conversation else None,
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.views.set_state(state["views"])
        self.observer.set_state(state["observer"])
        self.planner.set_state(state["planner"])
        self.reactor.set_state(state["reactor"])
        self.reflector.set_state(state["reflector"])
        conversation = state["conversation"]
        self._conversation = ConversationView.model_validate(conversation) if conversation else None

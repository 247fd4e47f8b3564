"""What happened so far, indexed for the HUD and the inspector; built as frames arrive.

Every query takes the current tick so a replay shows only what had happened by then. No pygame.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from simulation.events import Event, EventKind
from simulation.frames import Frame
from viz.story import STORY_KINDS

TICKER_KINDS = frozenset({EventKind.NARRATOR, EventKind.USER_EVENT, EventKind.WHISPER})
PLAN_KINDS = frozenset({EventKind.PLAN, EventKind.REPLAN})


@dataclass
class _Track:
    """Events of one kind of interest, in tick order, with their ticks for bisecting."""

    ticks: list[int] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def add(self, event: Event, tick: int | None = None) -> None:
        self.ticks.append(event.tick if tick is None else tick)
        self.events.append(event)

    def until(self, tick: int, n: int | None = None) -> list[Event]:
        end = bisect.bisect_right(self.ticks, tick)
        start = 0 if n is None else max(0, end - n)
        return self.events[start:end]


class History:
    """Plans, memories, reflections, talk partners, ticker and story events, LLM spend, by tick."""

    def __init__(self) -> None:
        self._plans: dict[str, _Track] = {}
        self._memories: dict[str, _Track] = {}
        self._reflections: dict[str, _Track] = {}
        self._talk: dict[str, _Track] = {}
        self._objects: dict[str, _Track] = {}
        self._ticker = _Track()
        self._story = _Track()
        self._spend_ticks: list[int] = []
        self._spend: list[tuple[int, float]] = []
        self._has_call_records = False
        self._reflected: set[tuple[str, str | None]] = set()

    def add(self, frame: Frame, llm_calls: list[dict[str, Any]] | None = None) -> None:
        """Indexes one frame (and the LLM call records of its tick, if known)."""
        for event in frame.events:
            self._index(event)
            if event.kind in STORY_KINDS:
                self._story.add(event, frame.tick)  # by frame: a whisper at tick 0 is in frame 1
        tokens, cost = self._spend[-1] if self._spend else (0, 0.0)
        if llm_calls:
            self._has_call_records = True
            for call in llm_calls:
                tokens += int(call.get("prompt_tokens") or 0) + int(
                    call.get("completion_tokens") or 0
                )
                cost += float(call.get("cost_usd") or 0.0)
        if not self._has_call_records and (frame.llm_tokens or frame.llm_cost_usd):
            # Frames carry run totals so far when the runner fills them.
            tokens, cost = max(tokens, frame.llm_tokens), max(cost, frame.llm_cost_usd)
        self._spend_ticks.append(frame.tick)
        self._spend.append((tokens, cost))

    def _index(self, event: Event) -> None:
        actor = event.agents[0] if event.agents else None
        kind = event.kind
        if kind in TICKER_KINDS:
            self._ticker.add(event)
        if actor is None:
            if kind == EventKind.OBJECT_STATE and event.place:
                self._objects.setdefault(event.place, _Track()).add(event)
            return
        if kind in PLAN_KINDS:
            self._plans.setdefault(actor, _Track()).add(event)
        elif kind == EventKind.REFLECTION or (
            kind == EventKind.MEMORY_ADDED and event.data.get("memory_kind") == "reflection"
        ):
            key = (actor, event.text)  # a reflection is recorded as an event and as a memory
            if key not in self._reflected:
                self._reflected.add(key)
                self._reflections.setdefault(actor, _Track()).add(event)
        elif kind == EventKind.MEMORY_ADDED:
            if event.data.get("memory_kind") != "plan":
                self._memories.setdefault(actor, _Track()).add(event)
        elif kind == EventKind.UTTERANCE:
            for name in event.agents:
                self._talk.setdefault(name, _Track()).add(event)
        elif kind == EventKind.OBJECT_STATE and event.place:
            self._objects.setdefault(event.place, _Track()).add(event)

    # --- queries -------------------------------------------------------------------------

    def spend(self, tick: int) -> tuple[int, float]:
        """LLM tokens and cost in USD spent up to and including ``tick``."""
        i = bisect.bisect_right(self._spend_ticks, tick) - 1
        return self._spend[i] if i >= 0 else (0, 0.0)

    def plan(self, name: str, tick: int) -> Event | None:
        """The agent's latest plan or re-plan by ``tick``."""
        found = self._plans.get(name, _Track()).until(tick, 1)
        return found[-1] if found else None

    def memories(self, name: str, tick: int, n: int = 6) -> list[Event]:
        """The agent's ``n`` latest memories (not plans or reflections), newest first."""
        return self._memories.get(name, _Track()).until(tick, n)[::-1]

    def reflections(self, name: str, tick: int, n: int = 4) -> list[Event]:
        """The agent's ``n`` latest reflections, newest first."""
        return self._reflections.get(name, _Track()).until(tick, n)[::-1]

    def talked_with(self, name: str, tick: int) -> Counter[str]:
        """Lines exchanged with each other agent by ``tick`` (said to or heard from)."""
        counts: Counter[str] = Counter()
        for event in self._talk.get(name, _Track()).until(tick):
            speaker, *listeners = event.agents
            if speaker == name:
                counts.update(listeners)
            else:
                counts[speaker] += 1
        counts.pop(name, None)
        return counts

    def last_lines(self, name: str, tick: int, n: int = 3) -> list[Event]:
        """The latest utterances the agent said or heard, newest first."""
        return self._talk.get(name, _Track()).until(tick, n)[::-1]

    def ticker(self, tick: int, n: int = 4) -> list[Event]:
        """The ``n`` latest narrator, user and whisper events by ``tick``, oldest first."""
        return self._ticker.until(tick, n)

    def story(self, tick: int, n: int = 8) -> list[tuple[int, Event]]:
        """The ``n`` latest story events by ``tick``, oldest first, with their frames' ticks.

        Story events are lines spoken and the narrator's events (:data:`viz.story.STORY_KINDS`).
        """
        end = bisect.bisect_right(self._story.ticks, tick)
        start = max(0, end - n)
        return list(zip(self._story.ticks[start:end], self._story.events[start:end], strict=True))

    def ticker_ticks(self) -> list[int]:
        """Ticks of every ticker event (marks on the scrubber)."""
        return list(self._ticker.ticks)

    def object_change(self, address: str, tick: int) -> Event | None:
        """The latest state change of an object by ``tick``."""
        found = self._objects.get(address, _Track()).until(tick, 1)
        return found[-1] if found else None

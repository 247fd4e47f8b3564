"""Run statistics gathered from frames: what the summary reports besides LLM accounting."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulation.events import EventKind
from simulation.frames import Frame


class RunStats:
    """A frame sink that counts events by kind and keeps the simulated span."""

    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.first_time: str | None = None
        self.last_time: str | None = None
        self.ticks = 0
        self.fallbacks: Counter[str] = Counter()

    def __call__(self, frame: Frame) -> None:
        """Counts one frame."""
        self.ticks += 1
        stamp = frame.time.strftime("%Y-%m-%d %H:%M")
        self.first_time = self.first_time or stamp
        self.last_time = stamp
        for event in frame.events:
            self.events[event.kind.value] += 1
            if event.kind == EventKind.LLM_FALLBACK:
                self.fallbacks[str(event.data.get("step"))] += 1

    def summary(self) -> dict[str, Any]:
        """Counts for the run summary."""
        return {
            "ticks": self.ticks,
            "simulated_from": self.first_time,
            "simulated_to": self.last_time,
            "conversations": self.events[EventKind.CONVERSATION_START.value],
            "utterances": self.events[EventKind.UTTERANCE.value],
            "reflections": self.events[EventKind.REFLECTION.value],
            "plans": self.events[EventKind.PLAN.value] + self.events[EventKind.REPLAN.value],
            "actions": self.events[EventKind.ACTION_START.value],
            "refused_actions": self.events[EventKind.ACTION_REFUSED.value],
            "memories": self.events[EventKind.MEMORY_ADDED.value],
            "fallbacks": dict(sorted(self.fallbacks.items())),
            "events": dict(sorted(self.events.items())),
        }

    def get_state(self) -> dict[str, Any]:
        """Returns the counters for a checkpoint."""
        return {
            "events": dict(self.events),
            "first_time": self.first_time,
            "last_time": self.last_time,
            "ticks": self.ticks,
            "fallbacks": dict(self.fallbacks),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores counters made by :meth:`get_state`."""
        self.events = Counter(state["events"])
        self.first_time = state["first_time"]
        self.last_time = state["last_time"]
        self.ticks = int(state["ticks"])
        self.fallbacks = Counter(state["fallbacks"])

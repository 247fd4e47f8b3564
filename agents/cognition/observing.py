"""Observe: new observations become memories, scored for importance in one call per tick.

Repeats are not remembered again while they stay within the retention window (an agent who
watches a friend read for an hour remembers it once), so only what is new reaches the LLM.
"""

from __future__ import annotations

from datetime import datetime

from agents.cognition.schemas import ImportanceScores
from agents.cognition.services import AgentServices
from agents.memory.records import MemoryKind
from simulation.events import Event
from simulation.perception import Observation

FALLBACK_IMPORTANCE = 3
_KIND_OF = {
    "agent": MemoryKind.OBSERVATION,
    "object": MemoryKind.OBSERVATION,
    "event": MemoryKind.EVENT,
    "utterance": MemoryKind.OBSERVATION,
}


class Observer:
    """Turns perceptions into scored memories.

    Args:
        services: The agent's services.
        retention_ticks: How long an observation counts as already seen.
        max_per_tick: Attention bandwidth: at most this many new observations are kept a tick
            (events first, then the nearest).
    """

    def __init__(self, services: AgentServices, retention_ticks: int = 6, max_per_tick: int = 8):
        self.services = services
        self.retention_ticks = retention_ticks
        self.max_per_tick = max_per_tick
        self._seen: dict[str, int] = {}

    def novel(self, observations: tuple[Observation, ...], tick: int) -> list[Observation]:
        """Returns the observations not seen within the retention window, and marks them seen."""
        self._seen = {t: k for t, k in self._seen.items() if tick - k < self.retention_ticks}
        fresh: dict[str, Observation] = {}
        for observation in sorted(observations, key=lambda o: (o.kind != "event", o.distance)):
            if observation.kind == "utterance" or observation.text in self._seen:
                continue  # words heard are remembered as the conversation, at its end
            fresh.setdefault(observation.text, observation)
        kept = list(fresh.values())[: self.max_per_tick]
        for observation in kept:  # what attention dropped may still be noticed next tick
            self._seen[observation.text] = tick
        return kept

    async def observe(
        self, observations: list[Observation], tick: int, when: datetime
    ) -> list[tuple[str, int]]:
        """Scores and remembers observations; returns (memory id, importance) pairs."""
        return self.remember(observations, await self.score(observations, tick, when), tick, when)

    def remember(
        self, observations: list[Observation], scores: list[int], tick: int, when: datetime
    ) -> list[tuple[str, int]]:
        """Stores scored observations as memories; returns (memory id, importance) pairs."""
        return [
            (
                self.services.remember(_KIND_OF[o.kind], o.text, tick, when, score),
                score,
            )
            for o, score in zip(observations, scores, strict=True)
        ]

    async def score(
        self,
        observations: list[Observation],
        tick: int,
        when: datetime,
        deferred: list[Event] | None = None,
    ) -> list[int]:
        """Importance 1–10 of each observation, in one LLM call; a neutral score on failure."""
        if not observations:
            return []
        texts = [o.text for o in observations]
        reply = await self.services.ask(
            "importance",
            "importance",
            ImportanceScores,
            tick,
            when,
            deferred=deferred,
            memories=texts,
        )
        if reply is None:
            return [FALLBACK_IMPORTANCE] * len(texts)
        scores = list(reply.scores[: len(texts)])
        return scores + [FALLBACK_IMPORTANCE] * (len(texts) - len(scores))

    def get_state(self) -> dict[str, int]:
        """Returns what was recently seen, for a checkpoint."""
        return dict(self._seen)

    def set_state(self, state: dict[str, int]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self._seen = {str(k): int(v) for k, v in state.items()}

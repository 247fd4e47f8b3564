"""Observe: new observations become memories, scored for importance.

Repeats are not remembered again while they stay within the retention window (an agent who
watches a friend read for an hour remembers it once). Importance comes from rules where they
decide it (someone seen going about their day, an object's state) and from one LLM call per
tick only for what is novel: events.
"""

from __future__ import annotations

from datetime import datetime

from agents.cognition.schemas import ImportanceScores
from agents.cognition.services import AgentServices
from agents.memory.records import MemoryKind
from simulation.events import Event
from simulation.perception import Observation

FALLBACK_IMPORTANCE = 3
SEEN_ASLEEP = 1
SEEN_PERSON = 2
SEEN_OBJECT = 2


def rule_importance(observation: Observation) -> int | None:
    """The importance of an observation when a rule decides it, else None (ask the model).

    Someone seen going about their day is mundane (2; asleep, 1), and so is an object's state
    (2); events (a narrator's line, news, a user's injection) are novel and go to the model.
    """
    if observation.kind == "agent":
        return SEEN_ASLEEP if observation.text.endswith(" is asleep") else SEEN_PERSON
    if observation.kind == "object":
        return SEEN_OBJECT
    return None


_KIND_OF = {
    "agent": MemoryKind.OBSERVATION,
    "object": MemoryKind.OBSERVATION,
    "event": MemoryKind.EVENT,
}


class Observer:
    """Turns perceptions into scored memories.

    Args:
        services: The agent's services.
        retention_ticks: How long an observation counts as already seen.

    What a person takes in at all is limited by the senses' attention bandwidth
    (``simulation.senses.SenseLimits``); here only what was already seen is left out.
    """

    def __init__(self, services: AgentServices, retention_ticks: int = 6):
        self.services = services
        self.retention_ticks = retention_ticks
        self._seen: dict[str, int] = {}

    def novel(self, observations: tuple[Observation, ...], tick: int) -> list[Observation]:
        """Returns the observations not seen within the retention window, and marks them seen."""
        self._seen = {t: k for t, k in self._seen.items() if tick - k < self.retention_ticks}
        fresh: dict[str, Observation] = {}
        for observation in sorted(observations, key=lambda o: (o.kind != "event", o.distance)):
            if observation.text not in self._seen:
                fresh.setdefault(observation.text, observation)
        for text in fresh:
            self._seen[text] = tick
        return list(fresh.values())

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
        """Importance 1–10 of each observation: by rule where one decides, else one LLM call.

        Observations the rules leave open are scored in one call; a neutral score on failure.
        """
        ruled = [rule_importance(o) for o in observations]
        texts = [o.text for o, score in zip(observations, ruled, strict=True) if score is None]
        if not texts:
            return [score or FALLBACK_IMPORTANCE for score in ruled]
        reply = await self.services.ask(
            "importance",
            "importance",
            ImportanceScores,
            tick,
            when,
            deferred=deferred,
            memories=texts,
        )
        asked = list(reply.scores[: len(texts)]) if reply is not None else []
        asked += [FALLBACK_IMPORTANCE] * (len(texts) - len(asked))
        answers = iter(asked)
        return [score if score is not None else next(answers) for score in ruled]

    def get_state(self) -> dict[str, int]:
        """Returns what was recently seen, for a checkpoint."""
        return dict(self._seen)

    def set_state(self, state: dict[str, int]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self._seen = {str(k): int(v) for k, v in state.items()}

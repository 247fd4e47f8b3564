"""Reflect: when enough has happened, ask what it means and store insights with their evidence.

Triggered when the summed importance of memories since the last reflection passes a threshold
(150 in the Generative Agents paper). The agent asks the salient questions of its ~100 most
recent memories, retrieves for each, and stores insights that cite the memories (reflections
included) they rest on.
"""

from __future__ import annotations

from datetime import datetime

from agents.cognition.schemas import Insights, ReflectionQuestions
from agents.cognition.services import AgentServices
from agents.memory.records import MemoryKind
from simulation.events import Event, EventKind

DEFAULT_THRESHOLD = 150
RECENT_FOR_QUESTIONS = 100
PROMPT_MEMORIES = 30
EVIDENCE_PER_QUESTION = 8
REFLECTION_IMPORTANCE = 7


class Reflector:
    """Accumulates importance and reflects when it passes the threshold.

    Args:
        services: The agent's services.
        threshold: Summed importance that triggers a reflection.
    """

    def __init__(self, services: AgentServices, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.services = services
        self.threshold = threshold
        self.accumulated = 0

    def add_importance(self, importance: int) -> None:
        """Counts a new memory's importance toward the next reflection."""
        self.accumulated += importance

    def on_remembered(self, kind: MemoryKind, importance: int) -> None:
        """The ``remembered`` signal: every new memory but a reflection counts."""
        if kind != MemoryKind.REFLECTION:
            self.add_importance(importance)

    @property
    def due(self) -> bool:
        """Whether enough importance has accumulated to reflect."""
        return self.accumulated >= self.threshold

    async def reflect(self, now: datetime, tick: int) -> list[str]:
        """Reflects and returns the ids of the stored insights."""
        services = self.services
        self.accumulated = 0
        recent = services.memory.recent(services.name, RECENT_FOR_QUESTIONS)
        if not recent:
            return []
        texts = [m.text for m in reversed(recent[:PROMPT_MEMORIES])]  # oldest first
        questions = await services.ask(
            "reflect_questions", "reflect_questions", ReflectionQuestions, tick, now, memories=texts
        )
        if questions is None:
            return []
        stored: list[str] = []
        for question in questions.questions:
            evidence = services.memory.retrieve(
                services.name, question, now, k=EVIDENCE_PER_QUESTION
            )
            if not evidence:
                continue
            reply = await services.ask(
                "reflect_insights",
                "reflect_insights",
                Insights,
                tick,
                now,
                question=question,
                memories=[m.record.text for m in evidence],
            )
            if reply is None:
                continue
            for insight in reply.insights:
                cited = tuple(
                    evidence[i - 1].record.id for i in insight.evidence if 1 <= i <= len(evidence)
                )
                memory_id = services.remember(
                    MemoryKind.REFLECTION,
                    insight.text,
                    tick,
                    now,
                    REFLECTION_IMPORTANCE,
                    evidence=cited,
                )
                stored.append(memory_id)
                services.record(
                    Event(
                        kind=EventKind.REFLECTION,
                        tick=tick,
                        time=now,
                        agents=(services.name,),
                        text=insight.text,
                        data={"id": memory_id, "question": question, "evidence": list(cited)},
                    )
                )
        return stored

    def get_state(self) -> dict[str, int]:
        """Returns the accumulated importance for a checkpoint."""
        return {"accumulated": self.accumulated}

    def set_state(self, state: dict[str, int]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.accumulated = int(state["accumulated"])

"""Interview: an agent answers a question in character from what it remembers."""

from __future__ import annotations

from datetime import datetime

from agents.cognition.grounding import dated_lines
from agents.cognition.schemas import InterviewAnswer
from agents.cognition.services import AgentServices

INTERVIEW_MEMORIES = 10


async def interview(services: AgentServices, question: str, now: datetime, tick: int) -> str:
    """Returns the agent's answer to ``question``, grounded in retrieved memories.

    Memories are shown as conversations are: dated, and a conversation by its summary.

    A failed call gives an explicit "could not answer" text (and a recorded fallback event).
    """
    memories = services.memory.retrieve(services.name, question, now, k=INTERVIEW_MEMORIES)
    reply = await services.ask(
        "interview",
        "interview",
        InterviewAnswer,
        tick,
        now,
        time=now.strftime("%A %H:%M"),
        question=question,
        memories=dated_lines((m.record for m in memories), now),
    )
    return reply.answer if reply else f"({services.name} could not answer: the model failed)"

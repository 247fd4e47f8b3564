"""Converse: one utterance per turn, and what each participant takes away afterwards.

Each turn is grounded in memories of the partner and the agent's view of them.
"""

from __future__ import annotations

from datetime import datetime

from agents.cognition.places import ScheduledBlock
from agents.cognition.schemas import ConversationOutcome, Utterance
from agents.cognition.services import AgentServices
from agents.cognition.views import PersonViews
from agents.memory.records import MemoryKind
from simulation.perception import ConversationView

CONVERSATION_IMPORTANCE = 5
FALLBACK_LINE = "Sorry, I have to get going. Talk later!"


class Conversationalist:
    """Speaks in conversations and remembers them.

    Args:
        services: The agent's services.
        views: The agent's views of others (read for each turn, updated after).
    """

    def __init__(self, services: AgentServices, views: PersonViews) -> None:
        self.services = services
        self.views = views

    async def utter(
        self,
        others: list[str],
        turns: list[tuple[str, str]],
        place: str,
        now: datetime,
        tick: int,
        reason: str = "",
    ) -> Utterance:
        """Returns the agent's next line (a polite closing line if the model fails)."""
        services = self.services
        last = turns[-1][1] if turns else reason
        query = [*others, *([last] if last else [])]
        memories = services.memory.retrieve(services.name, query, now, k=5)
        reply = await services.ask(
            "converse",
            "converse",
            Utterance,
            tick,
            now,
            time=now.strftime("%H:%M"),
            place=place,
            others=others,
            views=[self.views.describe(o) for o in others],
            memories=[m.record.text for m in memories],
            turns=turns,
            reason=reason,
            context={"said": [text for _, text in turns]},
        )
        return reply or Utterance(text=FALLBACK_LINE, end_conversation=True)

    async def conclude(
        self, conversation: ConversationView, place: str, now: datetime, tick: int
    ) -> ScheduledBlock | None:
        """Stores a memory of a finished conversation, updates views; returns any commitment."""
        services = self.services
        others = [p for p in conversation.participants if p != services.name]
        if not others or not conversation.turns:
            return None
        reply = await services.ask(
            "conversation_outcome",
            "conversation_outcome",
            ConversationOutcome,
            tick,
            now,
            time=now.strftime("%H:%M"),
            place=place,
            others=others,
            turns=list(conversation.turns),
        )
        transcript = " / ".join(f"{s}: {t}" for s, t in conversation.turns)
        summary = reply.summary if reply else f"Talked with {', '.join(others)}"
        text = f"{summary} (conversation with {', '.join(others)}: {transcript})"[:900]
        services.remember(MemoryKind.CONVERSATION, text, tick, now, CONVERSATION_IMPORTANCE)
        if reply is None:
            return None
        self.views.apply(others[0], reply.view_updates)
        if reply.agreed_time and reply.agreed_activity:
            return ScheduledBlock(
                start=reply.agreed_time,
                activity=reply.agreed_activity,
                arena=_mentioned_arena(services, f"{reply.agreed_activity} {summary}"),
            )
        return None


def _mentioned_arena(services: AgentServices, text: str) -> str:
    """The known arena whose label (or sector) the text mentions, else the agent's home."""
    lowered = text.lower()
    for arena in services.places.arenas:
        sector = arena.label.split(",")[0].lower()
        if arena.label.lower() in lowered or sector in lowered:
            return arena.address
    return services.places.home_arena

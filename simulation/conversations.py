"""Conversations between agents: who is in one, whose turn it is, when it ends."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulation.perception import ConversationView

MAX_TURNS = 10


@dataclass
class Conversation:
    """A conversation in progress.

    Attributes:
        id: Stable id, e.g. ``"c12"``.
        participants: Everyone in it, the opener first.
        arena: Where it takes place.
        turns: (speaker, text) in order.
        started_tick: The tick of the first utterance.
    """

    id: str
    participants: list[str]
    arena: str | None
    started_tick: int
    turns: list[tuple[str, str]] = field(default_factory=list)

    def next_speakers(self) -> list[str]:
        """Participants who may speak now: everyone but the last speaker."""
        last = self.turns[-1][0] if self.turns else None
        return [p for p in self.participants if p != last]

    def view_for(self, agent: str) -> ConversationView:
        """The conversation as ``agent`` sees it."""
        return ConversationView(
            id=self.id,
            participants=tuple(self.participants),
            turns=tuple(self.turns[-8:]),
            your_turn=agent in self.next_speakers(),
        )


class ConversationBook:
    """All conversations of a run: open ones by participant, and an id counter."""

    def __init__(self, max_turns: int = MAX_TURNS) -> None:
        self.max_turns = max_turns
        self.open: dict[str, Conversation] = {}
        self._next_id = 1
        self.finished = 0

    def of(self, agent: str) -> Conversation | None:
        """The open conversation ``agent`` is in, if any."""
        for conversation in self.open.values():
            if agent in conversation.participants:
                return conversation
        return None

    def start(self, participants: list[str], arena: str | None, tick: int) -> Conversation:
        """Opens a conversation and returns it."""
        conversation = Conversation(f"c{self._next_id}", participants, arena, tick)
        self._next_id += 1
        self.open[conversation.id] = conversation
        return conversation

    def close(self, conversation: Conversation) -> None:
        """Ends a conversation."""
        if self.open.pop(conversation.id, None) is not None:
            self.finished += 1

    def get_state(self) -> dict[str, Any]:
        """Returns the book's state for a checkpoint."""
        return {
            "next_id": self._next_id,
            "finished": self.finished,
            "open": [
                {
                    "id": c.id,
                    "participants": list(c.participants),
                    "arena": c.arena,
                    "started_tick": c.started_tick,
                    "turns": [list(t) for t in c.turns],
                }
                for c in self.open.values()
            ],
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self._next_id = int(state["next_id"])
        self.finished = int(state["finished"])
        self.open = {}
        for item in state["open"]:
            conversation = Conversation(
                id=item["id"],
                participants=list(item["participants"]),
                arena=item["arena"],
                started_tick=int(item["started_tick"]),
                turns=[(str(s), str(t)) for s, t in item["turns"]],
            )
            self.open[conversation.id] = conversation

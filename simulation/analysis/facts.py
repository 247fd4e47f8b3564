"""Facts to track through a run, and when each agent was first exposed to one.

A fact is named and described, with keyword groups: a text mentions the fact when every group
has at least one of its ``|``-separated alternatives in it (case-insensitive substrings), e.g.
``["party", "valentine|cafe"]``. Exposure is read from the trajectory alone: the whisper or
environment event that seeded the fact, the utterance that carried it (heard or said), or a
memory of it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulation.events import Event, EventKind
from simulation.run_reader import RunData

NEGATIVE = re.compile(
    r"^\W*(no\b|nope|not really|i don'?t know|i do not know|i haven'?t heard|i have not heard|"
    r"i'?ve not heard|i'?m not aware|i am not aware|i'?m not sure|i am not sure|"
    r"never heard|i don'?t recall|i do not recall|i don'?t remember|i do not remember|"
    r"nothing|i know nothing|not that i know)",
    re.IGNORECASE,
)
"""How a negative interview answer starts ("No, ...", "I don't know ...")."""


class Fact(BaseModel):
    """A piece of information whose spread a run is evaluated on.

    Attributes:
        name: A short slug (``valentine_party``).
        keywords: Keyword groups; all must match, alternatives inside a group split by ``|``.
        description: What the fact is, in words (used to phrase the default question).
        question: The interview question that asks about it.
        reference: The fraction of agents who knew it at the end in a reference study (e.g.
            0.52 for the Valentine's party in Generative Agents), for comparison tables.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)
    keywords: tuple[str, ...] = Field(min_length=1, max_length=10)
    description: str = Field("", max_length=300)
    question: str | None = Field(None, min_length=5, max_length=300)
    reference: float | None = Field(
        None, ge=0, le=1, description="The end fraction a reference study reported (0.52)."
    )

    @field_validator("keywords")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        groups = tuple(k.strip().lower() for k in value)
        for group in groups:
            if not group or any(not alt.strip() for alt in group.split("|")):
                raise ValueError("a keyword group is empty; give words like 'party' or 'cafe|bar'")
        return groups

    @classmethod
    def from_text(cls, text: str, keywords: list[str] | None = None) -> Fact:
        """A fact from a description and keywords (default: the description's long words)."""
        words = keywords or [w for w in re.findall(r"[a-z0-9']+", text.lower()) if len(w) > 3]
        slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "fact"
        return cls(name=slug, keywords=tuple(words or [text.lower()]), description=text)

    @property
    def interview_question(self) -> str:
        """The question put to every agent."""
        if self.question:
            return self.question
        about = self.description or self.name.replace("_", " ")
        return f"Have you heard anything about {about}? What do you know about it?"

    def mentioned_in(self, text: str | None) -> bool:
        """Whether a text mentions the fact (every keyword group matches)."""
        if not text:
            return False
        lowered = text.lower()
        return all(any(alt.strip() in lowered for alt in g.split("|")) for g in self.keywords)


def is_negative(answer: str) -> bool:
    """Whether an interview answer starts by denying (``"No..."``, ``"I don't know..."``)."""
    return bool(NEGATIVE.match(answer.strip()))


def answer_knows(answer: str, fact: Fact) -> bool:
    """The LLM-free reading of an interview answer: it mentions the fact and does not deny it."""
    return fact.mentioned_in(answer) and not is_negative(answer)


@dataclass(frozen=True)
class Exposure:
    """The first time the trajectory shows an agent with a fact.

    Attributes:
        agent: Who.
        tick: The event's tick (0 for whispers given before the first tick).
        time: Simulated time.
        via: ``whisper`` (planted), ``event`` (an environment event the agent perceived),
            ``heard`` or ``said`` (an utterance), ``memory`` (a memory of it, e.g. an
            observation or a reflection).
        source: Who said it, for ``heard``.
        conversation: The conversation id, for ``heard`` and ``said``.
        text: The text that carried it.
    """

    agent: str
    tick: int
    time: datetime
    via: str
    source: str | None = None
    conversation: str | None = None
    text: str = ""

    @property
    def seeded(self) -> bool:
        """Whether the fact was whispered to the agent (planted by the experimenter)."""
        return self.via == "whisper"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "time": self.time.isoformat(timespec="minutes")}


def exposures(run: RunData, fact: Fact) -> dict[str, Exposure]:
    """Each agent's first exposure to a fact, in recording order (agents never exposed omitted)."""
    first: dict[str, Exposure] = {}

    def note(agent: str, event: Event, via: str, source: str | None = None) -> None:
        if agent not in first:
            first[agent] = Exposure(
                agent=agent,
                tick=event.tick,
                time=event.time,
                via=via,
                source=source,
                conversation=event.data.get("conversation"),
                text=(event.text or "")[:300],
            )

    for event in run.events:
        if not fact.mentioned_in(event.text):
            continue
        if event.kind == EventKind.WHISPER and event.agents:
            note(event.agents[0], event, "whisper")
        elif event.kind in (EventKind.NARRATOR, EventKind.USER_EVENT):
            for agent in event.agents:
                note(agent, event, "event")
        elif event.kind == EventKind.UTTERANCE and event.agents:
            speaker = event.agents[0]
            note(speaker, event, "said")
            for listener in event.agents[1:]:
                note(listener, event, "heard", source=speaker)
        elif event.kind in (EventKind.MEMORY_ADDED, EventKind.OBSERVATION) and event.agents:
            # a whisper's memory is recorded just before its whisper event
            whispered = event.data.get("memory_kind") == "whisper"
            note(event.agents[0], event, "whisper" if whispered else "memory")
    return first

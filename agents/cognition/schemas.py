"""Output types of the cognitive steps: small, bounded JSON schemas a 1.5B model can fill.

Every list has ``max_length`` and every string a ``max_length`` so a local model cannot run
past its token limit; clock times carry a pattern. Types that must name a real place are built
per agent by :func:`agents.cognition.places.place_choice_model`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ImportanceScores(_Out):
    """Importance 1–10 of several memories, in the order they were listed."""

    scores: list[Annotated[int, Field(ge=1, le=10)]] = Field(min_length=1, max_length=20)


class DayPlan(_Out):
    """The day in broad strokes, each with the hour it starts (5–8 asked for, 3 accepted)."""

    strokes: list[Annotated[str, Field(min_length=3, max_length=90)]] = Field(
        min_length=3, max_length=8
    )


class ReactDecision(_Out):
    """Whether to interrupt what the agent is doing, and how."""

    react: bool
    talk_to: str | None = Field(None, max_length=60)
    reason: str = Field("", max_length=120)


class Utterance(_Out):
    """One turn of a conversation.

    Validated with ``context={"said": [...]}`` (the conversation's lines so far), a line that
    repeats one of them is invalid: small models otherwise loop, and the retry tells them so.
    """

    text: str = Field(min_length=1, max_length=220)
    end_conversation: bool = False

    @field_validator("text")
    @classmethod
    def _not_said_before(cls, text: str, info: ValidationInfo) -> str:
        said = (info.context or {}).get("said", ())
        if _plain(text) in {_plain(line) for line in said}:
            raise ValueError("this line was already said in the conversation; say something new")
        return text


def _plain(line: str) -> str:
    """A line without case, punctuation or spacing differences."""
    return " ".join("".join(c for c in line.lower() if c.isalnum() or c.isspace()).split())


class ReflectionQuestions(_Out):
    """The salient high-level questions about recent memories."""

    questions: list[Annotated[str, Field(min_length=5, max_length=120)]] = Field(
        min_length=1, max_length=3
    )


class Insight(_Out):
    """One insight and the numbers of the memories that support it."""

    text: str = Field(min_length=5, max_length=160)
    evidence: list[Annotated[int, Field(ge=1, le=40)]] = Field(default_factory=list, max_length=5)


class Insights(_Out):
    """Insights drawn from retrieved memories."""

    insights: list[Insight] = Field(min_length=1, max_length=5)


class PersonUpdate(_Out):
    """An operation on one field of an agent's view of another person."""

    op: Literal["add", "update", "delete", "none"]
    field: Literal["role", "said", "feeling", "plans"]
    value: str = Field("", max_length=120)


class ConversationOutcome(_Out):
    """What an agent takes away from a conversation."""

    summary: str = Field(min_length=5, max_length=200)
    view_updates: list[PersonUpdate] = Field(default_factory=list, max_length=4)
    agreed_time: ClockTime | None = None
    agreed_activity: str | None = Field(None, max_length=90)


class InterviewAnswer(_Out):
    """An in-character answer to an interviewer's question."""

    answer: str = Field(min_length=1, max_length=500)

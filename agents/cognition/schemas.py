"""Output types of the cognitive steps: small, bounded JSON schemas a 1.5B model can fill.

Every list has ``max_length`` and every string a ``max_length`` so a local model cannot run
past its token limit; clock times carry a pattern. Keys are short: every key is generated
tokens. Types that must name a real place or person are built per agent or per conversation
(:mod:`agents.cognition.places`, :func:`utterance_model`, :func:`scene_model`), so the schema
the model fills holds only those choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    model_validator,
)

from simulation.analysis.believability import misaddressed, normalise_line
from worlds.hours import ClockTime


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ImportanceScores(_Out):
    """Importance 1–10 of several memories, in the order they were listed."""

    scores: list[Annotated[int, Field(ge=1, le=10)]] = Field(min_length=1, max_length=20)


NOBODY = "nobody"


class ReactDecision(_Out):
    """Whom to talk to now, if anyone ("nobody" to carry on), and why.

    The per-tick type from :func:`react_model` limits ``talk_to`` to the people in reach, so a
    small model names one of them (or "nobody") first instead of deciding to react and then
    naming no one.
    """

    talk_to: str = Field(max_length=80)
    reason: str = Field("", max_length=120)

    @property
    def react(self) -> bool:
        """Whether the agent interrupts what it is doing to talk."""
        return self.talk_to != NOBODY


@lru_cache(maxsize=512)
def react_model(nearby: tuple[str, ...]) -> type[ReactDecision]:
    """The decision type of a tick whose ``talk_to`` may only name ``nearby`` or "nobody"."""
    return create_model(
        "ReactDecision",
        __base__=ReactDecision,
        talk_to=(Literal[(*nearby, NOBODY)], ...),  # type: ignore[valid-type]
    )


class Utterance(_Out):
    """One line of a conversation: to whom it is said, the words, and whether it ends the talk.

    Validated with ``context={"speaker": ..., "listeners": [...], "cast": [...], "said": [...]}``
    (see :func:`line_context`), a line is invalid when it repeats a line of the conversation
    (small models loop) or addresses the wrong person: the speaker by their own name, someone
    who is not there, or the listener described to their face. The retry tells the model why.
    The per-conversation type from :func:`utterance_model` limits ``to`` to the listeners.
    """

    to: str = Field(max_length=80)
    text: str = Field(min_length=1, max_length=220)
    end: bool = False

    @model_validator(mode="after")
    def _fits_the_conversation(self, info: ValidationInfo) -> Utterance:
        problem = line_problem(self.text, self.to, info.context)
        if problem:
            raise ValueError(problem)
        return self


SCENE_LINE_CHARS = 160
SCENE_LINES = 4


class SceneLine(_Out):
    """One line of a written scene (shorter than a single line: a scene is written at once)."""

    by: str = Field(max_length=80)
    to: str = Field(max_length=80)
    text: str = Field(min_length=1, max_length=SCENE_LINE_CHARS)


class Scene(_Out):
    """A short exchange written in one call (scene mode); the opener speaks first.

    Validated with the same context as :class:`Utterance` (``speaker`` is the opener), every
    line is checked as a line of its speaker, and a line may not repeat an earlier one.
    """

    lines: list[SceneLine] = Field(min_length=2, max_length=SCENE_LINES)

    @model_validator(mode="after")
    def _fits_the_conversation(self, info: ValidationInfo) -> Scene:
        context = dict(info.context or {})
        people = [context.get("speaker"), *context.get("listeners", ())]
        if context.get("speaker") and self.lines[0].by != context["speaker"]:
            raise ValueError(f"the first line must be said by {context['speaker']}")
        said = list(context.get("said", ()))
        for number, line in enumerate(self.lines, 1):
            if line.by == line.to:
                raise ValueError(f"line {number}: {line.by} cannot speak to themself")
            listeners = [p for p in people if p and p != line.by]
            problem = line_problem(
                line.text,
                line.to,
                {**context, "speaker": line.by, "listeners": listeners, "said": said},
            )
            if problem:
                raise ValueError(f"line {number}: {problem}")
            said.append(line.text)
        return self


def line_context(
    speaker: str, listeners: Sequence[str], cast: Sequence[str], said: Sequence[str]
) -> dict[str, Any]:
    """The validation context of a conversation line (see :class:`Utterance`)."""
    return {
        "speaker": speaker,
        "listeners": list(listeners),
        "cast": list(cast),
        "said": list(said),
    }


def line_problem(text: str, to: str, context: dict[str, Any] | None) -> str | None:
    """Why a line does not fit its conversation, or None (no context: nothing to check)."""
    if not context:
        return None
    if normalise_line(text) in {normalise_line(line) for line in context.get("said", ())}:
        return "this line was already said in the conversation; say something new"
    speaker, listeners = context.get("speaker"), list(context.get("listeners", ()))
    if speaker is None:
        return None
    if listeners and to not in listeners:
        return f"'to' must be one of: {', '.join(listeners)}"
    return misaddressed(text, speaker, listeners, list(context.get("cast", ())))


@lru_cache(maxsize=512)
def utterance_model(listeners: tuple[str, ...]) -> type[Utterance]:
    """The line type of a conversation whose ``to`` may only name its listeners."""
    return create_model(
        "Utterance",
        __base__=Utterance,
        to=(Literal[listeners], ...),  # type: ignore[valid-type]
    )


@lru_cache(maxsize=512)
def scene_model(participants: tuple[str, ...]) -> type[Scene]:
    """The scene type of a conversation whose speakers and addressees are its participants."""
    line = create_model(
        "SceneLine",
        __base__=SceneLine,
        by=(Literal[participants], ...),  # type: ignore[valid-type]
        to=(Literal[participants], ...),  # type: ignore[valid-type]
    )
    return create_model(
        "Scene",
        __base__=Scene,
        lines=(list[line], Field(min_length=2, max_length=SCENE_LINES)),  # type: ignore[valid-type]
    )


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


CONVERSATION_DEFAULT_IMPORTANCE = 5


class ConversationOutcome(_Out):
    """What a conversation came to, the same for everyone in it.

    A summary naming who said what, how much it matters (1–10, as the paper rates a
    conversation's poignancy), and any time and place agreed. One call serves every participant
    (the prompt is the same for all), so a two-person talk costs one reply, not two.
    """

    summary: str = Field(min_length=5, max_length=160)
    importance: int = Field(CONVERSATION_DEFAULT_IMPORTANCE, ge=1, le=10)
    agreed_time: ClockTime | None = None
    agreed_activity: str | None = Field(None, max_length=90)
    agreed_place: str | None = Field(None, max_length=120)


@lru_cache(maxsize=1024)
def outcome_model(places: tuple[str, ...]) -> type[ConversationOutcome]:
    """The outcome type whose agreed place may only be one of ``places`` (the public ones)."""
    return create_model(
        "ConversationOutcome",
        __base__=ConversationOutcome,
        agreed_place=(Literal[places] | None, None),  # type: ignore[valid-type]
    )


class InterviewAnswer(_Out):
    """An in-character answer to an interviewer's question."""

    answer: str = Field(min_length=1, max_length=500)

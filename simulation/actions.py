"""Intended actions: what a mind returns. Only resolution turns an intention into a change.

Actions form a discriminated union on ``type`` so that a mind (or a test) can build them as
data, and a trajectory can record them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from worlds.hours import ClockTime


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Continue(_Action):
    """Keep doing the current action (walking on, or carrying on with the activity)."""

    type: Literal["continue"] = "continue"


class DoActivity(_Action):
    """Go to a place (walking there first if needed) and do something there.

    Attributes:
        description: What the agent does, e.g. "brewing coffee for the morning rush".
        emoji: A short emoji for the viewer.
        arena: The arena address ("Sector:arena") where it happens.
        object: The object address ("Sector:arena:object") used, if any.
        duration_min: How long the activity lasts once started, in simulated minutes.
    """

    type: Literal["activity"] = "activity"
    description: str = Field(min_length=1, max_length=160)
    emoji: str = Field("", max_length=8)
    arena: str
    object: str | None = None
    duration_min: int = Field(30, ge=1, le=24 * 60)


class Line(BaseModel):
    """One planned line of a conversation: who says it, to whom, and what.

    Attributes:
        speaker: The participant who says it.
        to: The participants it is said to.
        text: The words.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    speaker: str
    to: tuple[str, ...] = Field(min_length=1)
    text: str = Field(min_length=1, max_length=400)


class Say(_Action):
    """Say something to one or more agents nearby (opening or continuing a conversation).

    Attributes:
        to: The addressees.
        text: The utterance.
        end_conversation: Whether the speaker closes the conversation with this line.
        script: The rest of a scene written in one go (scene mode): the narrator plays these
            lines out over the following turns and ends the conversation after the last one.
    """

    type: Literal["say"] = "say"
    to: tuple[str, ...] = Field(min_length=1)
    text: str = Field(min_length=1, max_length=400)
    end_conversation: bool = False
    script: tuple[Line, ...] = ()


class Sleep(_Action):
    """Go to bed (at home) until the given clock time."""

    type: Literal["sleep"] = "sleep"
    arena: str
    object: str | None = None
    until: ClockTime


Action = Annotated[Continue | DoActivity | Say | Sleep, Field(discriminator="type")]

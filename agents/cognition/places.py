"""The places an agent knows, and output types that may only name them.

An action is bound to a real place by construction: the step types (and the plan additions of
:mod:`agents.cognition.planning`) are built per agent with ``Literal`` choices of its known
arenas and objects, so the JSON schema the model fills (and the grammar the local runtime
enforces) holds nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

NO_OBJECT = "none"


@dataclass(frozen=True)
class KnownArena:
    """An arena an agent knows, with the objects in it.

    Attributes:
        address: ``"Sector:arena"``.
        label: How prompts name it, e.g. ``"Hobbs Cafe, counter"``.
        objects: Object addresses in the arena, keyed by their short name.
        public: Whether anyone may go there (not a home).
    """

    address: str
    label: str
    objects: dict[str, str] = field(default_factory=dict)
    public: bool = True


@dataclass(frozen=True)
class KnownPlaces:
    """Every arena an agent can choose, by label."""

    arenas: tuple[KnownArena, ...]
    home_arena: str
    bed: str | None = None
    home_sector: str = ""
    work_sector: str | None = None

    @cached_property
    def by_label(self) -> dict[str, KnownArena]:
        """Arenas keyed by their prompt label."""
        return {a.label: a for a in self.arenas}

    @cached_property
    def by_address(self) -> dict[str, KnownArena]:
        """Arenas keyed by address."""
        return {a.address: a for a in self.arenas}

    def labels(self) -> list[str]:
        """Prompt labels of all known arenas."""
        return [a.label for a in self.arenas]

    def public_labels(self) -> list[str]:
        """Labels of the public arenas, sorted: the same list for everyone in a town."""
        return sorted(a.label for a in self.arenas if a.public)

    def steps_model(self, arena: KnownArena) -> type[BaseModel]:
        """The output type of a block's steps, whose objects are those in ``arena``."""
        return _steps_model((*arena.objects, NO_OBJECT))


# Building a pydantic model (and its JSON schema) costs about a millisecond; agents that know the
# same places share one type, built once. The types are pure functions of their choices.
@lru_cache(maxsize=1024)
def _steps_model(choices: tuple[str, ...]) -> type[BaseModel]:
    step = create_model(
        "Step",
        __config__=ConfigDict(extra="ignore"),
        description=(Annotated[str, Field(min_length=3, max_length=40)], ...),
        emoji=(Annotated[str, Field(max_length=4)], ...),
        thing=(Literal[choices], ...),  # type: ignore[valid-type]
        minutes=(Annotated[int, Field(ge=5, le=60)], ...),
    )
    return create_model(
        "BlockSteps",
        __config__=ConfigDict(extra="ignore"),
        steps=(list[step], Field(min_length=1, max_length=4)),  # type: ignore[valid-type]
    )


class ScheduledBlock(BaseModel):
    """One block of a day schedule, resolved to an arena address."""

    model_config = ConfigDict(frozen=True)

    start: str
    activity: str
    arena: str

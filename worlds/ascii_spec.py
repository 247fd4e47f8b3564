"""The authoring schema of ``world.yaml`` (see ``worlds/FORMAT.md``).

These models mirror the YAML exactly (``extra="forbid"``), so a pydantic error location is the
field path the author wrote, e.g. ``sectors.Cafe.arenas.counter.objects.stove.char``.
"""

from __future__ import annotations

import difflib
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from worlds.catalogue import CATALOGUE
from worlds.hours import OpeningHours
from worlds.places import Name, PlaceKind, Terrain


def _check_char(text: str) -> str:
    if len(text) != 1 or text.isspace():
        raise ValueError(f"expected exactly one visible character, got {text!r}")
    return text


def _not_a_yaml_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(
            f"got {value}: YAML reads unquoted yes/no/on/off/true/false as a boolean; expected "
            "text, so quote it (e.g. 'on')"
        )
    return value


Char = Annotated[str, AfterValidator(_check_char)]
Word = Annotated[str, BeforeValidator(_not_a_yaml_bool)]
"""Text in a list (a state, an affordance), refusing YAML booleans with a clear message."""
XY = tuple[int, int]

DEFAULT_LEGEND: dict[str, Terrain] = {"#": Terrain.WALL, ".": Terrain.PATH}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ObjectSpec(_Spec):
    """An object: placed by ``char`` in the map, or by ``at: [x, y]``, or by ``tiles``."""

    char: Char | None = None
    at: XY | None = None
    tiles: list[XY] | None = Field(default=None, min_length=1)
    type: str | None = None
    description: str = ""
    states: list[Word] | None = Field(default=None, min_length=1)
    initial_state: Word | None = None
    capacity: int | None = Field(default=None, ge=1)
    affordances: list[Word] | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in CATALOGUE:
            close = difflib.get_close_matches(value, list(CATALOGUE), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(
                f"unknown object type {value!r}{hint}; expected a type from worlds/catalogue.py, "
                "or leave type out and give states/capacity/affordances"
            )
        return value

    @model_validator(mode="after")
    def _one_placement(self) -> ObjectSpec:
        given = [k for k in ("char", "at", "tiles") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "expected exactly one of char (a map character), at: [x, y] or tiles: "
                f"[[x, y], ...]; got {', '.join(given) if given else 'none'}"
            )
        return self


class ArenaSpec(_Spec):
    """An arena: its map character, kind and objects."""

    char: Char
    kind: PlaceKind
    description: str = ""
    capacity: int | None = Field(default=None, ge=1)
    objects: dict[Name, ObjectSpec] = Field(default_factory=dict)


class SectorSpec(_Spec):
    """A sector: kind, optional opening hours and its arenas."""

    kind: PlaceKind
    description: str = ""
    opening_hours: OpeningHours | None = None
    arenas: dict[Name, ArenaSpec] = Field(min_length=1)


class WorldSpec(_Spec):
    """The whole ``world.yaml``."""

    name: Name
    description: str = ""
    tile_size: int = Field(default=32, ge=1)
    map: str | None = None
    map_file: str | None = None
    legend: dict[Char, Terrain] = Field(default_factory=dict)
    spawns: dict[Name, XY] = Field(default_factory=dict)
    homes: list[str] = Field(default_factory=list)
    workplaces: list[str] = Field(default_factory=list)
    sectors: dict[Name, SectorSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_map(self) -> WorldSpec:
        if (self.map is None) == (self.map_file is None):
            raise ValueError("expected exactly one of map (inline rows) or map_file (a file name)")
        return self

    def full_legend(self) -> dict[str, Terrain]:
        """The default legend (``#`` wall, ``.`` path) updated with the file's legend."""
        return {**DEFAULT_LEGEND, **self.legend}

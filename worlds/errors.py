"""Readable errors for files people write (worlds, personas).

Every problem names the file, the field path inside it (dotted, ``[i]`` for list items), what was
expected and, where we can tell, how to fix it. One exception can carry several problems, so a
file with three typos reports all three at once.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a user-written file.

    Attributes:
        path: The file (as given by the caller), e.g. ``"worlds/towns/maplewood/world.yaml"``.
        field: Dotted field path inside the file, e.g. ``"sectors.Cafe.opening_hours"``.
        message: What is wrong and what was expected.
        fix: A suggestion for the author (may be empty).
        line: 1-based line in the file when known.
    """

    path: str
    field: str
    message: str
    fix: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        return f"{text} (fix: {self.fix})" if self.fix else text


class SpecError(Exception):
    """Base of errors about user-written files; holds one or more :class:`Problem`.

    Attributes:
        path: File of the first problem.
        field: Field path of the first problem.
        message: Message of the first problem.
        fix: Fix suggestion of the first problem.
        problems: Every problem found (at least one).
    """

    def __init__(
        self,
        path: str,
        field: str = "",
        message: str = "",
        fix: str = "",
        *,
        problems: Sequence[Problem] | None = None,
    ) -> None:
        found = tuple(problems) if problems else (Problem(str(path), field, message, fix),)
        first = found[0]
        self.path, self.field, self.message, self.fix = (
            first.path,
            first.field,
            first.message,
            first.fix,
        )
        self.problems: tuple[Problem, ...] = found
        super().__init__(str(self))

    @classmethod
    def from_problems(cls, problems: Iterable[Problem]) -> typing.Self:
        """Build the error from a non-empty list of problems."""
        found = list(problems)
        if not found:
            raise ValueError("from_problems needs at least one problem")
        return cls(found[0].path, problems=found)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class WorldError(SpecError):
    """A world file (world.yaml, its map, a Tiled .tmj) is invalid."""


def format_loc(loc: Sequence[str | int]) -> str:
    """Turn a pydantic location tuple into a dotted path: ``('a', 0, 'b')`` -> ``'a[0].b'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_from_validation_error(
    exc: ValidationError,
    path: str,
    *,
    model: type[BaseModel] | None = None,
    prefix: Sequence[str | int] = (),
    lines: dict[tuple[str | int, ...], int] | None = None,
) -> list[Problem]:
    """Convert every error of a pydantic ``ValidationError`` into a :class:`Problem`.

    Args:
        exc: The validation error.
        path: File name to report.
        model: The model that was validated; used to list allowed fields for typos.
        prefix: Location prefix to prepend (when a sub-document was validated).
        lines: Optional map from location tuple to 1-based line, see ``worlds.yaml_io``.

    Returns:
        One problem per pydantic error, in order.
    """
    problems = []
    for err in exc.errors():
        loc = tuple(prefix) + tuple(p for p in err["loc"] if not _is_union_tag(p))
        kind = err["type"]
        name = str(loc[-1]) if loc else ""
        if kind == "extra_forbidden":
            allowed = _allowed_fields(model, loc[len(prefix) : -1]) if model else []
            close = difflib.get_close_matches(name, allowed, n=1)
            message = f"unknown field '{name}'"
            if allowed:
                message += f"; expected one of: {', '.join(allowed)}"
            fix = f"did you mean '{close[0]}'?" if close else "remove it or check the spelling"
        elif kind == "missing":
            message, fix = f"missing required field '{name}'", f"add '{name}:'"
        else:
            text = str(err["msg"]).removeprefix("Value error, ")
            got = _short(err.get("input"))
            message = text if got in text else f"{text}; got {got}"
            fix = ""
        problems.append(Problem(path, format_loc(loc), message, fix, line=_line_for(lines, loc)))
    return problems


def _line_for(lines: dict[tuple[str | int, ...], int] | None, loc: tuple) -> int | None:
    if not lines:
        return None
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and ("[" in part and "]" in part and "-" in part)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _allowed_fields(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the model found by walking ``loc`` from ``model`` (best effort)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    current = _unwrap_model(current)
    return list(current.model_fields) if current is not None else []


def _step(tp: Any, part: str | int) -> Any:
    model = _unwrap_model(tp)
    if model is not None and isinstance(part, str) and part in model.model_fields:
        return model.model_fields[part].annotation
    tp = _strip_optional(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (dict, typing.Mapping) or (origin is not None and "Mapping" in str(origin)):
        return args[1] if len(args) == 2 else None
    if origin in (list, tuple, set, frozenset, Sequence) and args:
        return args[0]
    return None


def _strip_optional(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _strip_optional(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(tp) if a is not type(None)]
        return _strip_optional(rest[0]) if len(rest) == 1 else tp
    return tp


def _unwrap_model(tp: Any) -> type[BaseModel] | None:
    tp = _strip_optional(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None

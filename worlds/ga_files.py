"""Reading the files of a Generative Agents town folder (``the_ville``), as GA's ``maze.py`` does.

A GA town folder holds ``matrix/maze_meta_info.json``, ``matrix/special_blocks/*_blocks.csv``
(``block id, world, names...`` rows; the last column is the place's name, the world column a
prefix) and ``matrix/maze/*_maze.csv`` (one CSV row of ``maze_width * maze_height`` block ids,
``0`` = nothing). :func:`read_ga_town` reads them, strictly about shape (missing files, columns
and cells are :class:`~worlds.errors.WorldError`) and leaves their meaning to
:mod:`worlds.generative_agents`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worlds.errors import Problem, WorldError
from worlds.places import SEPARATOR

GA_TOWN_PATH = "environment/frontend_server/static_dirs/assets/the_ville"
"""Where the town folder sits in a checkout of the Generative Agents repository."""

_FIX_FOLDER = (
    f"give the the_ville folder ({GA_TOWN_PATH} in the Generative Agents repository), "
    "the one holding matrix/"
)

# block kind -> (file, columns). The last column is the name; the second the world prefix.
BLOCKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "world": ("world_blocks.csv", ("block id", "world")),
    "sector": ("sector_blocks.csv", ("block id", "world", "sector")),
    "arena": ("arena_blocks.csv", ("block id", "world", "sector", "arena")),
    "game_object": ("game_object_blocks.csv", ("block id", "world", "arena", "game object")),
    "spawning_location": (
        "spawning_location_blocks.csv",
        ("block id", "world", "sector", "arena", "spawning location"),
    ),
}
MAZES = ("collision", "sector", "arena", "game_object", "spawning_location")
OPTIONAL = ("world", "spawning_location")


@dataclass(frozen=True)
class Block:
    """One row of a GA ``*_blocks.csv``: the painted id and the names after the world prefix."""

    id: str
    names: tuple[str, ...]
    line: int

    @property
    def name(self) -> str:
        """The place's own name (GA reads the last column)."""
        return self.names[-1]


@dataclass
class GATown:
    """The files of a GA town folder, read but not yet interpreted."""

    folder: Path
    world_name: str
    width: int
    height: int
    tile_size: int
    special_constraint: str
    blocks: dict[str, dict[str, Block]]
    mazes: dict[str, list[str]]
    notes: list[str] = field(default_factory=list)


def find_town_folder(path: str | os.PathLike[str]) -> Path:
    """The GA town folder (holding ``matrix/``) that ``path`` names.

    Accepts the ``the_ville`` folder itself, its ``matrix/`` folder, or the root of a checkout
    of the GA repository.

    Raises:
        WorldError: If ``path`` is missing or holds no ``matrix/maze_meta_info.json``.
    """
    given = Path(path)
    if not given.is_dir():
        raise WorldError(str(given), "", "no such folder", _FIX_FOLDER)
    for folder in (given, given.parent, given / GA_TOWN_PATH):
        if (folder / "matrix" / "maze_meta_info.json").is_file():
            return folder
    raise WorldError(
        str(given),
        "matrix/maze_meta_info.json",
        "not a Generative Agents town folder: no matrix/maze_meta_info.json",
        _FIX_FOLDER,
    )


def read_ga_town(path: str | os.PathLike[str]) -> GATown:
    """Read a GA town folder's meta info, block CSVs and mazes.

    Raises:
        WorldError: Naming the file, the field (or CSV line and column) and a fix, for every
            problem found.
    """
    folder = find_town_folder(path)
    matrix = folder / "matrix"
    meta_path = matrix / "maze_meta_info.json"
    meta = _read_meta(meta_path)
    width, height = meta["maze_width"], meta["maze_height"]
    problems: list[Problem] = []
    notes: list[str] = []
    blocks: dict[str, dict[str, Block]] = {}
    for kind, (name, columns) in BLOCKS.items():
        csv_path = matrix / "special_blocks" / name
        if not csv_path.is_file():
            if kind in OPTIONAL:
                what = "the world's name" if kind == "world" else "spawns"
                notes.append(f"`special_blocks/{name}` is missing: no {what} from it.")
                blocks[kind] = {}
                continue
            problems.append(_missing_file(csv_path, "special_blocks"))
            continue
        blocks[kind] = _read_blocks(csv_path, columns, problems, notes)
    world_name = _world_name(blocks.get("world", {}), meta, folder)
    for kind, rows in blocks.items():
        prefixes = {
            b.names[0]
            for b in rows.values()
            if kind != "world" and b.names[0].casefold() != world_name.casefold()
        }
        if prefixes:
            notes.append(
                f"`{BLOCKS[kind][0]}` names the world {', '.join(sorted(prefixes))!r}, "
                f"not {world_name!r}; the column was dropped all the same."
            )
    mazes: dict[str, list[str]] = {}
    for layer in MAZES:
        maze_path = matrix / "maze" / f"{layer}_maze.csv"
        if not maze_path.is_file():
            if layer in OPTIONAL:
                mazes[layer] = ["0"] * (width * height)
                continue
            problems.append(_missing_file(maze_path, "maze"))
            continue
        mazes[layer] = _read_maze(maze_path, width, height, meta_path, problems, notes)
    if problems:
        raise WorldError.from_problems(problems)
    return GATown(
        folder=folder,
        world_name=world_name,
        width=width,
        height=height,
        tile_size=meta["sq_tile_size"],
        special_constraint=meta["special_constraint"],
        blocks=blocks,
        mazes=mazes,
        notes=notes,
    )


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise WorldError(str(path), "", f"cannot read file: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise WorldError(
            str(path),
            "",
            f"not valid JSON (line {exc.lineno}): {exc.msg}",
            "restore the file from the Generative Agents repository",
        ) from exc
    if not isinstance(data, dict):
        raise WorldError(str(path), "", "expected a JSON object with maze_width and maze_height")
    out: dict[str, Any] = {
        "world_name": str(data.get("world_name") or "").strip(),
        "special_constraint": str(data.get("special_constraint") or "").strip(),
    }
    problems = []
    for key, default in (("maze_width", None), ("maze_height", None), ("sq_tile_size", 32)):
        value = data.get(key, default)
        try:
            number = int(value) if not isinstance(value, bool) else 0
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            got = "missing" if value is None else f"got {value!r}"
            problems.append(
                Problem(
                    str(path),
                    key,
                    f"expected a whole number of tiles of at least 1; {got}",
                    f'set "{key}" like Generative Agents\' own file (140 x 100 tiles of 32 px)',
                )
            )
        out[key] = number
    if problems:
        raise WorldError.from_problems(problems)
    return out


def _missing_file(path: Path, folder: str) -> Problem:
    return Problem(
        str(path),
        "",
        f"file missing: a Generative Agents town has matrix/{folder}/{path.name}",
        "copy the town's whole matrix/ folder from the Generative Agents repository",
    )


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Non-empty CSV rows with 1-based line numbers, cells stripped (as GA's reader does)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorldError(str(path), "", f"cannot read file: {exc}") from exc
    reader = csv.reader(io.StringIO(text))
    rows, line = [], 1
    for row in reader:
        cells = [cell.strip() for cell in row]
        if any(cells):
            rows.append((line, cells))
        line = reader.line_num + 1
    return rows


def _read_blocks(
    path: Path, columns: tuple[str, ...], problems: list[Problem], notes: list[str]
) -> dict[str, Block]:
    out: dict[str, Block] = {}
    example = ", ".join(columns)
    for line, cells in _csv_rows(path):
        if len(cells) < len(columns):
            missing = columns[len(cells)]
            problems.append(
                Problem(
                    str(path),
                    missing,
                    f"missing column {missing!r}: expected {len(columns)} columns ({example}); "
                    f"got {len(cells)}: {', '.join(cells)!r}",
                    f"write the row as '{example}', as in Generative Agents' own file",
                    line,
                )
            )
            continue
        empty = [columns[min(i, len(columns) - 1)] for i, c in enumerate(cells) if not c]
        if empty:
            problems.append(
                Problem(
                    str(path),
                    empty[0],
                    f"column {empty[0]!r} is empty; expected a name",
                    "fill it in or delete the row",
                    line,
                )
            )
            continue
        names = tuple(_clean_name(c, path, line, notes) for c in cells[1:])
        if cells[0] in out:
            notes.append(
                f"`{path.name}` line {line}: block id {cells[0]} is listed twice; the later row "
                "wins, as in Generative Agents."
            )
        out[cells[0]] = Block(cells[0], names, line)
    return out


def _clean_name(text: str, path: Path, line: int, notes: list[str]) -> str:
    if SEPARATOR not in text:
        return text
    clean = text.replace(SEPARATOR, " -")
    notes.append(f"`{path.name}` line {line}: {text!r} has ':' (the address separator): {clean!r}.")
    return clean


def _world_name(rows: dict[str, Block], meta: dict[str, Any], folder: Path) -> str:
    """The world's name as GA reads it: world_blocks.csv, else the meta info, else the folder."""
    for block in rows.values():
        return block.name
    name = meta["world_name"] or folder.name.replace("_", " ")
    return name.replace(SEPARATOR, " -")


def _read_maze(
    path: Path,
    width: int,
    height: int,
    meta_path: Path,
    problems: list[Problem],
    notes: list[str],
) -> list[str]:
    cells = [c for _, row in _csv_rows(path) for c in row]
    while cells and cells[-1] == "":
        cells.pop()
    size = width * height
    if len(cells) < size:
        problems.append(
            Problem(
                str(path),
                "cells",
                f"has {len(cells)} block ids; expected maze_width x maze_height = {width} x "
                f"{height} = {size} (from {meta_path.name})",
                "check maze_width/maze_height in maze_meta_info.json, or restore the maze file",
            )
        )
        return []
    if len(cells) > size:
        notes.append(
            f"`maze/{path.name}` has {len(cells)} block ids, more than {width} x {height}; "
            "the extra ones were ignored, as Generative Agents does."
        )
    return [c or "0" for c in cells[:size]]

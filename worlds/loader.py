"""Find and load worlds: bundled towns by name, or paths to world.yaml / a folder / a .tmj."""

from __future__ import annotations

import json
import os
from pathlib import Path

from worlds.ascii_format import load_ascii_world
from worlds.errors import WorldError
from worlds.tiled import build_tiled_world, load_tiled_world
from worlds.world import World, build_world

TOWNS_DIR = Path(__file__).resolve().parent / "towns"
"""Folder of the bundled towns (``worlds/towns/<name>/world.yaml``)."""

_FOLDER_FILES = ("world.yaml", "world.yml", "world.tmj", "world.json")


def list_bundled_worlds() -> list[str]:
    """Names of the bundled towns, sorted (e.g. ``["maplewood", "two_rooms"]``)."""
    if not TOWNS_DIR.is_dir():
        return []
    return sorted(p.name for p in TOWNS_DIR.iterdir() if p.is_dir() and _world_in(p) is not None)


def world_path(path_or_name: str | os.PathLike[str]) -> Path:
    """The world file a name or path refers to.

    Args:
        path_or_name: A bundled town name (``"maplewood"``), a folder holding ``world.yaml``
            (or ``world.tmj``/``world.json``/a single ``.tmj``), or a file path.

    Raises:
        WorldError: If nothing matches, listing the bundled names.
    """
    text = os.fspath(path_or_name)
    path = Path(text)
    if not path.exists() and os.sep not in text and "/" not in text:
        bundled = TOWNS_DIR / text
        if bundled.is_dir() and _world_in(bundled):
            path = bundled
    if path.is_dir():
        found = _world_in(path)
        if found is None:
            raise WorldError(
                text,
                "",
                "folder has no world.yaml, world.tmj or .tmj file",
                "add world.yaml (see worlds/FORMAT.md)",
            )
        return found
    if path.is_file():
        return path
    names = ", ".join(list_bundled_worlds()) or "none"
    raise WorldError(
        text,
        "",
        f"no such world: not a bundled town ({names}) nor a file or folder",
        "give a bundled name or a path to world.yaml, a folder or a .tmj",
    )


def town_dir(path_or_name: str | os.PathLike[str]) -> Path:
    """Folder of a world (where ``personas/`` and ``scenarios/`` live)."""
    return world_path(path_or_name).parent


def personas_dir(path_or_name: str | os.PathLike[str]) -> Path | None:
    """The ``personas/`` folder next to a world, if it exists."""
    folder = town_dir(path_or_name) / "personas"
    return folder if folder.is_dir() else None


def load_world(path_or_name: str | os.PathLike[str]) -> World:
    """Load a world by bundled name or path.

    ``.yaml``/``.yml`` are read as the gentown format (``worlds/FORMAT.md``); ``.tmj`` (and
    ``.json`` written by Tiled) as a Tiled map; other ``.json`` as a dumped :class:`World`.

    Raises:
        WorldError: Naming the file, the field and what was expected.
    """
    path = world_path(path_or_name)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_ascii_world(path)
    if suffix == ".tmj":
        return load_tiled_world(path)
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise WorldError(str(path), "", f"not readable JSON: {exc}") from exc
        if isinstance(data, dict) and ("tiledversion" in data or "orientation" in data):
            return build_tiled_world(data, str(path), path.parent)
        if not isinstance(data, dict):
            raise WorldError(str(path), "", "expected a JSON object (a dumped World)")
        return build_world(data, source=str(path))
    raise WorldError(
        str(path),
        "",
        f"unknown world file type {suffix!r}; expected .yaml, .tmj or .json",
        "point at world.yaml or a Tiled .tmj",
    )


def _world_in(folder: Path) -> Path | None:
    for name in _FOLDER_FILES:
        if (folder / name).is_file():
            return folder / name
    maps = sorted(folder.glob("*.tmj"))
    return maps[0] if len(maps) == 1 else None

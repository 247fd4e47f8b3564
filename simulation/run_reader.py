"""Reading a run folder back: its layout, header, frames, typed events and personas, no model.

This is the one reader of a run folder; the viewer, the CLI and evaluation read through it. A run
folder holds:

* ``trajectory.jsonl`` (:data:`TRAJECTORY_FILE`): the record; see ``docs/trajectory.md``;
* ``run.json`` (:data:`RUN_FILE`): the config, personas and world the run was started with;
* ``summary.json`` (:data:`SUMMARY_FILE`): written when the run stops;
* ``checkpoints/`` (:data:`CHECKPOINT_DIR`), the memory store ``memory.sqlite3``
  (:data:`MEMORY_FILE`) and its vector index ``chroma/`` (:data:`CHROMA_DIR`);
* what is derived later: ``eval/`` (:data:`EVAL_DIR`) and ``export/`` (:data:`EXPORT_DIR`).

Only the trajectory is required: :func:`load_run` also reads a bare ``.jsonl`` file, taking config
and personas from its header. Reopening a run needs ``run.json`` too (:func:`read_run_json`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from simulation.checkpoint import CHECKPOINT_DIR
from simulation.events import Event, EventKind
from simulation.frames import Frame
from simulation.trajectory import (
    TRAJECTORY_FILE,
    TrajectoryError,
    TrajectoryHeader,
    read_trajectory,
)

__all__ = [
    "CHECKPOINT_DIR",
    "CHROMA_DIR",
    "EVAL_DIR",
    "EXPORT_DIR",
    "MEMORY_FILE",
    "RUN_FILE",
    "SUMMARY_FILE",
    "TRAJECTORY_FILE",
    "RunData",
    "RunFolderError",
    "check_run_folder",
    "load_run",
    "read_run_json",
]

RUN_FILE = "run.json"
SUMMARY_FILE = "summary.json"
MEMORY_FILE = "memory.sqlite3"
CHROMA_DIR = "chroma"
EVAL_DIR = "eval"
EXPORT_DIR = "export"

# The fields of run.json a run is reopened from: their JSON type, and its name.
_RUN_FIELDS = {"config": (dict, "object"), "personas": (list, "array"), "world": (dict, "object")}


class RunFolderError(TrajectoryError):
    """A folder is not a run folder, or a file of it is damaged (a user error, in one line)."""


@dataclass(frozen=True)
class RunData:
    """A run read back from disk.

    Attributes:
        path: The run folder (or the trajectory file when loaded from a bare ``.jsonl``).
        header: The trajectory header.
        frames: Complete ticks, in order.
        llm_calls: LLM call records by tick (complete ticks only).
        personas: Persona mappings (from ``run.json``, else from the header).
        config: The run configuration mapping (from ``run.json``, else from the header).
        world: The world mapping from ``run.json``, if present.
        summary: ``summary.json``, if present.
    """

    path: Path
    header: TrajectoryHeader
    frames: list[Frame]
    llm_calls: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    personas: list[dict[str, Any]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    world: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None

    @cached_property
    def events(self) -> list[Event]:
        """Every event of every frame, in recording order."""
        return [event for frame in self.frames for event in frame.events]

    def events_of(self, *kinds: EventKind | str) -> Iterator[Event]:
        """Events of the given kinds, in order."""
        wanted = {EventKind(k) for k in kinds}
        return (e for e in self.events if e.kind in wanted)

    @cached_property
    def agents(self) -> list[str]:
        """Agent names: the personas' order, else the first frame's."""
        names = [str(p["name"]) for p in self.personas if "name" in p]
        if names:
            return names
        return [a.name for a in self.frames[0].agents] if self.frames else []

    def persona(self, name: str) -> dict[str, Any]:
        """The persona mapping of an agent (empty if unknown)."""
        return next((p for p in self.personas if p.get("name") == name), {})

    @property
    def folder(self) -> Path:
        """The run folder (the trajectory file's folder when loaded from a bare ``.jsonl``)."""
        return self.path if self.path.is_dir() else self.path.parent

    @property
    def minutes_per_tick(self) -> int:
        """Simulated minutes per tick (from the config; 10 if missing)."""
        return int(self.config.get("minutes_per_tick", 10))

    @property
    def start(self) -> datetime | None:
        """Simulated time of the first frame, if any."""
        return self.frames[0].time if self.frames else None

    @property
    def end(self) -> datetime | None:
        """Simulated time of the last complete frame, if any."""
        return self.frames[-1].time if self.frames else None

    @property
    def last_tick(self) -> int:
        """The last complete tick (0 if none)."""
        return self.frames[-1].tick if self.frames else 0


def check_run_folder(folder: Path | str) -> Path:
    """Checks that a folder holds a run: its ``trajectory.jsonl``.

    Args:
        folder: The folder to check.

    Returns:
        The folder, as a path.

    Raises:
        RunFolderError: If the folder has no ``trajectory.jsonl``.
    """
    folder = Path(folder)
    if not (folder / TRAJECTORY_FILE).exists():
        raise RunFolderError(f"{folder}: not a run folder (no {TRAJECTORY_FILE})")
    return folder


def load_run(path: Path | str) -> RunData:
    """Loads a run folder (or a trajectory file) up to its last complete tick.

    Args:
        path: A run folder holding ``trajectory.jsonl``, or the ``.jsonl`` file itself.

    Returns:
        The run's header, frames, LLM calls, personas, config, world and summary.

    Raises:
        TrajectoryError: If there is no trajectory, it is of an unknown format version, or a
            line does not match the format; :class:`RunFolderError` (a ``TrajectoryError``) if
            ``run.json`` or ``summary.json`` is there but damaged.
    """
    path = Path(path)
    trajectory = read_trajectory(path)
    run = _read_json(path / RUN_FILE) if path.is_dir() else None
    summary = _read_json(path / SUMMARY_FILE) if path.is_dir() else None
    header = trajectory.header
    return RunData(
        path=path,
        header=header,
        frames=trajectory.frames,
        llm_calls=trajectory.llm_calls,
        personas=list((run or {}).get("personas") or header.personas),
        config=dict((run or {}).get("config") or header.config),
        world=(run or {}).get("world"),
        summary=summary,
    )


def read_run_json(folder: Path | str) -> dict[str, Any]:
    """Reads the ``run.json`` a run is reopened from (to resume, fork or interview it).

    Args:
        folder: The run folder.

    Returns:
        The mapping, with a ``config`` mapping, a ``personas`` list and a ``world`` mapping.

    Raises:
        RunFolderError: If the folder has no ``run.json`` ("not a run folder"), or it is not
            readable JSON or lacks one of those fields ("the run folder is damaged").
    """
    path = Path(folder) / RUN_FILE
    data = _read_json(path)
    if data is None:
        raise RunFolderError(f"{folder}: not a run folder (no {RUN_FILE})")
    for name, (kind, json_name) in _RUN_FIELDS.items():
        if not isinstance(data.get(name), kind):
            problem = "missing" if name not in data else f"not a JSON {json_name}"
            raise _damaged(path, f"field {name!r} is {problem}")
    return data


def _read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object file of the run folder; ``None`` if there is none."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, str(exc)) from None
    if not isinstance(data, dict):
        raise _damaged(path, "expected a JSON object")
    return data


def _damaged(path: Path, reason: str) -> RunFolderError:
    return RunFolderError(
        f"{path}: not a readable {path.name} ({reason}); the run folder is damaged"
    )

"""Reading a run folder back: header, frames, typed events and personas, without any model.

A run folder holds ``trajectory.jsonl`` (the record; see ``docs/trajectory.md``), ``run.json``
(config, personas, world), ``summary.json``, ``checkpoints/`` and the memory store. Only the
trajectory is required: :func:`load_run` also reads a bare ``.jsonl`` file, taking config and
personas from its header.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from simulation.events import Event, EventKind
from simulation.frames import Frame
from simulation.trajectory import TrajectoryError, TrajectoryHeader, read_trajectory

RUN_FILE = "run.json"
SUMMARY_FILE = "summary.json"
TRAJECTORY_FILE = "trajectory.jsonl"


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


def load_run(path: Path | str) -> RunData:
    """Loads a run folder (or a trajectory file) up to its last complete tick.

    Args:
        path: A run folder holding ``trajectory.jsonl``, or the ``.jsonl`` file itself.

    Returns:
        The run's header, frames, LLM calls, personas, config, world and summary.

    Raises:
        TrajectoryError: If there is no trajectory, it is of an unknown format version, or a
            line does not match the format.
    """
    path = Path(path)
    trajectory = read_trajectory(path)
    folder = path if path.is_dir() else path.parent
    run = _read_json(folder / RUN_FILE) if path.is_dir() else None
    summary = _read_json(folder / SUMMARY_FILE) if path.is_dir() else None
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


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TrajectoryError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise TrajectoryError(f"{path}: expected a JSON object")
    return data

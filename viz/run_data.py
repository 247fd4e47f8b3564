"""A recorded run as the viewer needs it: the world, the cast and the trajectory."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation.trajectory import Trajectory, TrajectoryError, read_trajectory
from worlds.world import World

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedRun:
    """Everything a replay shows.

    Attributes:
        run_dir: The run folder.
        world: The town the run took place in.
        personas: Persona dicts of the cast (name, age, occupation, relationships...).
        trajectory: Frames and LLM call records.
    """

    run_dir: Path
    world: World
    personas: list[dict[str, Any]]
    trajectory: Trajectory

    @property
    def title(self) -> str:
        """A window title: world name and run id."""
        return f"gentown - {self.world.name} - {self.trajectory.header.run_id}"


def load_run(run_dir: Path) -> RecordedRun:
    """Reads a run folder (``trajectory.jsonl`` plus ``run.json`` holding the world).

    Args:
        run_dir: The run folder (or its ``trajectory.jsonl``).

    Raises:
        TrajectoryError: If the trajectory is missing or unreadable, or the world cannot be
            recovered from ``run.json`` nor from the bundled town the header names.
    """
    run_dir = Path(run_dir)
    folder = run_dir if run_dir.is_dir() else run_dir.parent
    trajectory = read_trajectory(run_dir)
    meta: dict[str, Any] = {}
    meta_path = folder / "run.json"
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            logger.warning("%s: unreadable (%s); using the trajectory header only", meta_path, exc)
    world = _world(meta, trajectory, folder)
    personas = list(meta.get("personas") or trajectory.header.personas)
    return RecordedRun(folder, world, personas, trajectory)


def _world(meta: dict[str, Any], trajectory: Trajectory, folder: Path) -> World:
    from worlds.errors import WorldError

    data = meta.get("world")
    if isinstance(data, dict):
        try:
            return World.model_validate(data)
        except (ValueError, WorldError) as exc:
            raise TrajectoryError(
                f"{folder / 'run.json'}: field 'world' is not a valid world ({exc}); "
                "re-run or restore run.json from the run that wrote this trajectory"
            ) from None
    name = trajectory.header.config.get("world") or trajectory.header.world
    from worlds.loader import load_world

    try:
        world = load_world(str(name))
    except WorldError:
        raise TrajectoryError(
            f"{folder}: no run.json with a 'world' field, and the header's world {name!r} is not "
            "a bundled town; copy run.json from the run that wrote this trajectory"
        ) from None
    logger.warning("%s: no world in run.json; using the bundled town %r", folder, name)
    return world

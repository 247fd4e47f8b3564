"""The town a recorded run took place in, which the viewer draws its frames on.

The run itself (frames, LLM calls, personas) is read by :func:`simulation.run_reader.load_run`.
"""

from __future__ import annotations

import logging

from simulation.run_reader import RUN_FILE, RunData
from simulation.trajectory import TrajectoryError
from worlds.errors import WorldError
from worlds.loader import load_world
from worlds.world import World

logger = logging.getLogger(__name__)


def run_world(run: RunData) -> World:
    """The world of a recorded run: the one in ``run.json``, else the bundled town it names.

    Args:
        run: The run, read by :func:`simulation.run_reader.load_run`.

    Returns:
        The world saved in ``run.json``; without one, the bundled town the trajectory header
        names (with a warning).

    Raises:
        TrajectoryError: If ``run.json``'s world is not a valid world, or there is none and the
            header's world is not a bundled town.
    """
    if isinstance(run.world, dict):
        try:
            return World.model_validate(run.world)
        except (ValueError, WorldError) as exc:
            raise TrajectoryError(
                f"{run.folder / RUN_FILE}: field 'world' is not a valid world ({exc}); "
                "re-run or restore run.json from the run that wrote this trajectory"
            ) from None
    name = run.header.config.get("world") or run.header.world
    try:
        world = load_world(str(name))
    except WorldError:
        raise TrajectoryError(
            f"{run.folder}: no run.json with a 'world' field, and the header's world {name!r} is "
            "not a bundled town; copy run.json from the run that wrote this trajectory"
        ) from None
    logger.warning("%s: no world in run.json; using the bundled town %r", run.folder, name)
    return world

"""Smooth motion between ticks: agents walk the tiles the narrator walked them along.

A frame says where each agent stands at each tick and, for a walker, the tiles it stepped on
in that tick (``AgentSnapshot.walked``, from the narrator's own path), so the viewer draws the
walk along them and never through walls, with no path finding of its own. Walkers move at the
town's walking pace (one tile per simulated minute, as the model does), so short walks finish
early in the tick instead of crawling. A trajectory written before frames carried the walked
tiles glides straight from tile to tile. No pygame here.
"""

from __future__ import annotations

import math
from itertools import pairwise

from simulation.frames import AgentSnapshot, Frame

Tile = tuple[int, int]
Point = tuple[float, float]


def along(path: list[Tile], distance: float) -> Point:
    """The point ``distance`` tiles along a polyline of tiles (clamped to its ends)."""
    if distance <= 0 or len(path) == 1:
        return (float(path[0][0]), float(path[0][1]))
    for a, b in pairwise(path):
        seg = math.hypot(b[0] - a[0], b[1] - a[1])
        if distance <= seg:
            t = distance / seg if seg else 1.0
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        distance -= seg
    return (float(path[-1][0]), float(path[-1][1]))


def length(path: list[Tile]) -> float:
    """Length of a polyline of tiles."""
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in pairwise(path))


def walk_path(before: AgentSnapshot, after: AgentSnapshot) -> list[Tile]:
    """The tiles from ``before``'s position to ``after``'s, as the narrator walked them."""
    start, goal = (before.x, before.y), (after.x, after.y)
    if after.walked and after.walked[-1] == goal:
        return [start, *after.walked]
    return [start, goal]


def position(
    before: AgentSnapshot | None,
    after: AgentSnapshot | None,
    fraction: float,
    tiles_per_tick: float,
) -> tuple[Point, bool]:
    """Where an agent is drawn, and whether it is walking at that moment.

    Args:
        before: The agent in the current frame (``None`` if it just appeared).
        after: The agent in the next frame (``None`` at the newest frame).
        fraction: Progress from ``before`` to ``after`` (0..1).
        tiles_per_tick: Walking pace: tiles covered in a whole tick.
    """
    if before is None and after is None:
        raise ValueError("an agent must be in at least one of the two frames")
    if before is None or after is None or fraction <= 0:
        snap = before or after
        return (float(snap.x), float(snap.y)), False  # type: ignore[union-attr]
    if (before.x, before.y) == (after.x, after.y):
        return (float(before.x), float(before.y)), False
    path = walk_path(before, after)
    total = length(path)
    pace = max(tiles_per_tick, total)  # a walk never takes longer than a tick
    walked = fraction * pace
    return along(path, walked), walked < total


def tiles_per_tick(before: Frame, after: Frame | None) -> float:
    """Walking pace between two frames: one tile per simulated minute (the model's pace)."""
    if after is None:
        return 1.0
    minutes = (after.time - before.time).total_seconds() / 60
    return max(1.0, minutes)

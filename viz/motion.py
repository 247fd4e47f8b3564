"""Smooth motion between ticks: agents walk along walkable tiles, never through walls.

A frame only says where each agent stands at each tick; a walker may cover several tiles in a
tick. :class:`Motion` finds a short walkable route between the two tiles (A*, cached) and places
the agent along it. Walkers move at the town's walking pace (one tile per simulated minute, as
the model does), so short walks finish early in the tick instead of crawling. No pygame here.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from itertools import pairwise

from simulation.frames import AgentSnapshot, Frame

Tile = tuple[int, int]
Point = tuple[float, float]

_STEPS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def route(
    start: Tile, goal: Tile, walkable: Callable[[int, int], bool], max_expand: int = 4000
) -> list[Tile]:
    """A shortest 4-connected walkable route from ``start`` to ``goal`` (both included).

    Falls back to ``[start, goal]`` (a straight glide) when no route is found within
    ``max_expand`` expansions.
    """
    if start == goal:
        return [start]
    gx, gy = goal
    frontier: list[tuple[int, int, Tile]] = [(abs(start[0] - gx) + abs(start[1] - gy), 0, start)]
    came: dict[Tile, Tile | None] = {start: None}
    cost: dict[Tile, int] = {start: 0}
    expanded = 0
    while frontier and expanded < max_expand:
        _, g, tile = heapq.heappop(frontier)
        if tile == goal:
            path = [tile]
            while came[path[-1]] is not None:
                path.append(came[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        if g > cost.get(tile, g):
            continue
        expanded += 1
        for dx, dy in _STEPS:
            nxt = (tile[0] + dx, tile[1] + dy)
            if nxt != goal and not walkable(*nxt):
                continue
            ng = g + 1
            if ng < cost.get(nxt, 1 << 30):
                cost[nxt] = ng
                came[nxt] = tile
                heapq.heappush(frontier, (ng + abs(nxt[0] - gx) + abs(nxt[1] - gy), ng, nxt))
    return [start, goal]


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


class Motion:
    """Interpolated agent positions between two frames.

    Args:
        walkable: Whether a tile can be walked on (``World.is_walkable``).
        cache_size: Routes kept (cleared when full).
    """

    def __init__(self, walkable: Callable[[int, int], bool], cache_size: int = 20000) -> None:
        self.walkable = walkable
        self.cache_size = cache_size
        self._routes: dict[tuple[Tile, Tile], tuple[list[Tile], float]] = {}

    def route(self, start: Tile, goal: Tile) -> tuple[list[Tile], float]:
        """The cached route between two tiles and its length."""
        key = (start, goal)
        hit = self._routes.get(key)
        if hit is None:
            if len(self._routes) >= self.cache_size:
                self._routes.clear()
            path = route(start, goal, self.walkable)
            hit = (path, length(path))
            self._routes[key] = hit
        return hit

    def position(
        self,
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
        start, goal = (before.x, before.y), (after.x, after.y)
        if start == goal:
            return (float(start[0]), float(start[1])), False
        path, total = self.route(start, goal)
        pace = max(tiles_per_tick, total)  # a walk never takes longer than a tick
        walked = fraction * pace
        return along(path, walked), walked < total


def tiles_per_tick(before: Frame, after: Frame | None) -> float:
    """Walking pace between two frames: one tile per simulated minute (the model's pace)."""
    if after is None:
        return 1.0
    minutes = (after.time - before.time).total_seconds() / 60
    return max(1.0, minutes)

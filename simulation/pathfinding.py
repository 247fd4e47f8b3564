"""A* paths on a tile grid: four-connected moves over walkable tiles, never through walls."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection

Tile = tuple[int, int]
_STEPS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def find_path(
    start: Tile,
    goals: Collection[Tile],
    walkable: Callable[[int, int], bool],
    width: int,
    height: int,
) -> list[Tile] | None:
    """Finds a shortest path from ``start`` to the nearest of ``goals``.

    Args:
        start: The starting tile.
        goals: Acceptable destination tiles (e.g. every tile of an arena).
        walkable: Whether a tile may be entered.
        width: Grid width in tiles.
        height: Grid height in tiles.

    Returns:
        The tiles to walk, excluding ``start`` and ending on a goal; ``[]`` if ``start`` is a
        goal; ``None`` if no goal can be reached.
    """
    goal_set = {g for g in goals if 0 <= g[0] < width and 0 <= g[1] < height and walkable(*g)}
    if not goal_set:
        return None
    if start in goal_set:
        return []

    # Distance to the goals' bounding box: never more than to the nearest goal (admissible).
    min_x, max_x = min(g[0] for g in goal_set), max(g[0] for g in goal_set)
    min_y, max_y = min(g[1] for g in goal_set), max(g[1] for g in goal_set)

    def heuristic(tile: Tile) -> int:
        dx = max(min_x - tile[0], 0, tile[0] - max_x)
        dy = max(min_y - tile[1], 0, tile[1] - max_y)
        return dx + dy

    frontier: list[tuple[int, int, Tile]] = [(heuristic(start), 0, start)]
    came_from: dict[Tile, Tile] = {}
    cost: dict[Tile, int] = {start: 0}
    while frontier:
        _, g, tile = heapq.heappop(frontier)
        if tile in goal_set:
            path = [tile]
            while path[-1] in came_from and came_from[path[-1]] != start:
                path.append(came_from[path[-1]])
            return path[::-1]
        if g > cost[tile]:
            continue
        for dx, dy in _STEPS:
            nx, ny = tile[0] + dx, tile[1] + dy
            if not (0 <= nx < width and 0 <= ny < height) or not walkable(nx, ny):
                continue
            nxt = (nx, ny)
            new_cost = g + 1
            if new_cost < cost.get(nxt, 1 << 30):
                cost[nxt] = new_cost
                came_from[nxt] = tile
                heapq.heappush(frontier, (new_cost + heuristic(nxt), new_cost, nxt))
    return None

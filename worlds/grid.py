"""Grid helpers: 4-connected groups of tiles and their borders (used by checks and loaders)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from worlds.places import Tile


def neighbours4(tile: Tile) -> tuple[Tile, Tile, Tile, Tile]:
    """The four orthogonal neighbours of a tile (not filtered)."""
    x, y = tile
    return ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1))


def groups(tiles: Iterable[Tile]) -> list[set[Tile]]:
    """Split tiles into 4-connected groups, ordered by their top-left-most tile."""
    left, out = set(tiles), []
    while left:
        start = min(left, key=lambda t: (t[1], t[0]))
        left.remove(start)
        group, queue = {start}, deque([start])
        while queue:
            for n in neighbours4(queue.popleft()):
                if n in left:
                    left.remove(n)
                    group.add(n)
                    queue.append(n)
        out.append(group)
    return out


def components(walkable: Iterable[Tile]) -> list[set[Tile]]:
    """Connected areas of walkable tiles (4-neighbour moves), largest first."""
    return sorted(groups(walkable), key=len, reverse=True)


def border(tiles: set[Tile]) -> set[Tile]:
    """Tiles next to (but not in) a set of tiles."""
    return {n for t in tiles for n in neighbours4(t) if n not in tiles}


def top_left(tiles: Iterable[Tile]) -> Tile:
    """The first tile in reading order (row by row)."""
    return min(tiles, key=lambda t: (t[1], t[0]))

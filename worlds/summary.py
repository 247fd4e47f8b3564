"""Human-readable summary of a world, printed by ``gentown world check``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from worlds.grid import components

if TYPE_CHECKING:
    from worlds.world import World


def summarize(world: World) -> str:
    """Describe a world: size, counts, homes/workplaces, then each sector with its arenas.

    Args:
        world: A validated world.

    Returns:
        Several lines of plain text, no trailing newline.
    """
    walkable = world.walkable_tiles()
    groups = components(walkable)
    lines = [
        f"{world.name}: {world.width}x{world.height} tiles, {len(walkable)} walkable "
        f"({len(groups)} connected area{'s' if len(groups) != 1 else ''})",
        f"{len(world.sectors)} sectors, {len(world.arenas)} arenas, {len(world.objects)} objects, "
        f"{len(world.spawns)} spawns",
        f"homes: {', '.join(world.homes) or '-'}",
        f"workplaces: {', '.join(world.workplaces) or '-'}",
    ]
    if world.spawns:
        lines.append("spawns: " + ", ".join(f"{s.name} ({s.x},{s.y})" for s in world.spawns))
    if world.graphics:
        names = ", ".join(t.name or t.source or "?" for t in world.graphics.tilesets)
        lines.append(f"tilesets: {names or '-'}")
    for sector in world.sectors:
        hours = f", open {sector.opening_hours}" if sector.opening_hours else ""
        lines.append(f"- {sector.name} [{sector.kind.value}{hours}]")
        for arena in world.arenas_in(sector.name):
            objects = world.objects_in(arena.id)
            names = ", ".join(o.name for o in objects) or "no objects"
            lines.append(
                f"    {arena.name} [{arena.kind.value}, {len(arena.tiles)} tiles]: {names}"
            )
    return "\n".join(lines)

"""Write a :class:`~worlds.world.World` as ``world.yaml`` + ``map.txt`` (the gentown format).

The inverse of :mod:`worlds.ascii_format`, for importers whose worlds people then edit by hand.
Each arena gets one map character (letters, digits, then accented letters, so hundreds of arenas
fit); objects are placed with ``at:``/``tiles:`` so they need no characters; terrain that is not
wall or path goes in the legend with its own code. Values equal to an object type's defaults are
left out, so the file reads like a hand-written one.

What does not round-trip: ``graphics`` (Tiled art is not written), and the order of places is
normalized (sectors, then each sector's arenas, then each arena's objects). Arena tiles must be
floor terrain, as the map format has no way to say otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import chain

import yaml

from worlds.ascii_spec import DEFAULT_LEGEND
from worlds.catalogue import CATALOGUE, GENERIC, object_type_for
from worlds.places import TERRAIN_CODES, GameObject, Terrain
from worlds.world import World

MAP_FILE = "map.txt"
"""Name of the map file written next to ``world.yaml``."""

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 '&._/()-]*")


def arena_chars() -> Iterator[str]:
    """Map characters for arenas, in order: a-z, A-Z, 0-9, then accented letters (hundreds)."""
    ascii_chars = chain(
        (chr(c) for c in range(ord("a"), ord("z") + 1)),
        (chr(c) for c in range(ord("A"), ord("Z") + 1)),
        (chr(c) for c in range(ord("0"), ord("9") + 1)),
    )
    yield from ascii_chars
    for code in range(0xC0, 0x500):  # Latin, Greek and Cyrillic letters: one column, left-to-right
        char = chr(code)
        if char.isalpha() and char.isprintable():
            yield char


def quote(text: str) -> str:
    """A YAML scalar for ``text``: plain when that reads back as the same text, else quoted."""
    if (
        _PLAIN.fullmatch(text)
        and text == text.strip()
        and yaml.safe_load(f"- {text}") == [text]
        and yaml.safe_load(f"[{text}]") == [text]
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def world_to_ascii(world: World, header: str = "") -> tuple[str, str]:
    """The text of ``world.yaml`` (with ``map_file: map.txt``) and of ``map.txt``.

    Args:
        world: A validated world.
        header: Comment lines for the top of ``world.yaml`` (without ``#``).

    Returns:
        ``(world_yaml_text, map_text)``.

    Raises:
        ValueError: If an arena covers a tile whose terrain is not floor, or there are more
            arenas than map characters.
    """
    chars = arena_chars()
    char_of: dict[str, str] = {}
    for sector in world.sectors:
        for arena in world.arenas_in(sector.name):
            try:
                char_of[arena.id] = next(chars)
            except StopIteration:
                raise ValueError("too many arenas for the map format") from None
    return _yaml_text(world, char_of, header), _map_text(world, char_of)


def _map_text(world: World, char_of: dict[str, str]) -> str:
    builtin = {terrain: char for char, terrain in DEFAULT_LEGEND.items()}
    rows = []
    for y in range(world.height):
        row = []
        for x in range(world.width):
            arena_id = world.arena_id_at(x, y)
            terrain = world.terrain_at(x, y)
            if arena_id is not None:
                if terrain is not Terrain.FLOOR:
                    raise ValueError(
                        f"arena {arena_id!r} covers (x={x}, y={y}) of terrain {terrain.value}; "
                        "the map format needs floor under arenas"
                    )
                row.append(char_of[arena_id])
            else:
                row.append(builtin.get(terrain, TERRAIN_CODES[terrain]))
        rows.append("".join(row))
    return "\n".join(rows) + "\n"


def _yaml_text(world: World, char_of: dict[str, str], header: str) -> str:
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines.append(f"name: {quote(world.name)}")
    if world.description:
        lines.append(f"description: {quote(world.description)}")
    lines += [f"tile_size: {world.tile_size}", f"map_file: {MAP_FILE}"]
    used = {  # terrain under arenas is floor, written as the arena's char
        code
        for y, row in enumerate(world.terrain)
        for x, code in enumerate(row)
        if world.arena_id_at(x, y) is None
    }
    builtin = {terrain.code for terrain in DEFAULT_LEGEND.values()}
    legend = [
        f"  {quote(terrain.code)}: {terrain.value}"
        for terrain in Terrain
        if terrain.code in used and terrain.code not in builtin
    ]
    if legend:
        lines += ["", "legend:", *legend]
    if world.spawns:
        lines += ["", "spawns:"]
        lines += [f"  {quote(s.name)}: [{s.x}, {s.y}]" for s in world.spawns]
    for field in ("homes", "workplaces"):
        values = getattr(world, field)
        lines += ["", f"{field}:" + ("" if values else " []")]
        lines += [f"  - {quote(v)}" for v in values]
    lines += ["", "sectors:"]
    for sector in world.sectors:
        lines.append(f"  {quote(sector.name)}:")
        lines.append(f"    kind: {sector.kind.value}")
        if sector.description:
            lines.append(f"    description: {quote(sector.description)}")
        if sector.opening_hours:
            lines.append(f"    opening_hours: {json.dumps(sector.opening_hours)}")
        lines.append("    arenas:")
        for arena in world.arenas_in(sector.name):
            lines.append(f"      {quote(arena.name)}:")
            lines.append(f"        char: {quote(char_of[arena.id])}")
            lines.append(f"        kind: {arena.kind.value}")
            if arena.description:
                lines.append(f"        description: {quote(arena.description)}")
            if arena.capacity is not None:
                lines.append(f"        capacity: {arena.capacity}")
            objects = world.objects_in(arena.id)
            if objects:
                lines.append("        objects:")
                lines += [f"          {quote(o.name)}: {_object_fields(o)}" for o in objects]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _object_fields(obj: GameObject) -> str:
    """The inline mapping of an object: placement plus what differs from its type."""
    named_type, _ = object_type_for(obj.name)
    defaults = CATALOGUE.get(obj.type or "", GENERIC)
    fields = []
    if obj.type is not None and obj.type != named_type:
        fields.append(f"type: {quote(obj.type)}")
    tiles = sorted(obj.tiles, key=lambda t: (t[1], t[0]))
    if len(tiles) == 1:
        fields.append(f"at: [{tiles[0][0]}, {tiles[0][1]}]")
    else:
        fields.append("tiles: [" + ", ".join(f"[{x}, {y}]" for x, y in tiles) + "]")
    if obj.capacity != defaults.capacity:
        fields.append(f"capacity: {obj.capacity}")
    if obj.states != defaults.states:
        fields.append("states: [" + ", ".join(quote(s) for s in obj.states) + "]")
    if obj.initial_state is not None:
        fields.append(f"initial_state: {quote(obj.initial_state)}")
    if obj.affordances != defaults.affordances:
        fields.append("affordances: [" + ", ".join(quote(a) for a in obj.affordances) + "]")
    if obj.description:
        fields.append(f"description: {quote(obj.description)}")
    return "{" + ", ".join(fields) + "}"

"""Common object types, so a world file can say ``stove: {char: S}`` and get sensible defaults.

An object's type is its ``type:`` field, or else its name if that is a known type, or else the
last known type its name ends with ("window table" -> "table"). Fields written in the world
file override the type's defaults. Unknown names fall back to :data:`GENERIC`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ObjectType:
    """Defaults for one kind of object.

    Attributes:
        states: Possible states; the first is the initial one.
        capacity: How many people can use it at once.
        affordances: Verbs people can do with it.
    """

    states: tuple[str, ...]
    capacity: int
    affordances: tuple[str, ...]


def _t(states: str, capacity: int, affordances: str) -> ObjectType:
    return ObjectType(tuple(states.split("|")), capacity, tuple(affordances.split("|")))


_FREE = "free|occupied"
GENERIC = _t("idle|in use", 1, "use")

CATALOGUE: dict[str, ObjectType] = {
    # sleeping and personal care
    "bed": _t(_FREE, 1, "sleep|rest|read"),
    "double bed": _t(_FREE, 2, "sleep|rest|read"),
    "bunk bed": _t(_FREE, 2, "sleep|rest"),
    "wardrobe": _t("closed|open", 1, "get dressed|store clothes"),
    "shower": _t("off|running", 1, "shower"),
    "bathtub": _t("empty|filled", 1, "bathe"),
    "toilet": _t(_FREE, 1, "use the toilet"),
    "sink": _t("off|running", 1, "wash|wash dishes"),
    # kitchen
    "stove": _t("off|cooking", 1, "cook|make breakfast|make dinner"),
    "oven": _t("off|baking", 1, "bake"),
    "fridge": _t("closed|open", 1, "get food|store food"),
    "kitchen counter": _t(_FREE, 2, "prepare food"),
    # furniture
    "table": _t(_FREE, 4, "eat|sit|work|talk"),
    "dining table": _t(_FREE, 6, "eat|sit|talk"),
    "desk": _t(_FREE, 1, "work|study|write"),
    "chair": _t(_FREE, 1, "sit"),
    "armchair": _t(_FREE, 1, "sit|read|rest"),
    "sofa": _t(_FREE, 3, "sit|rest|watch tv|talk"),
    "bookshelf": _t("tidy|messy", 2, "browse books|read"),
    "tv": _t("off|on", 4, "watch tv"),
    "piano": _t("idle|being played", 1, "play music"),
    "easel": _t("empty|in use", 1, "paint"),
    "computer": _t("off|on", 1, "work|browse|write"),
    "printer": _t("idle|printing", 1, "print"),
    "whiteboard": _t("clean|written on", 2, "write|teach"),
    "lectern": _t(_FREE, 1, "lecture|teach"),
    "seats": _t(_FREE, 20, "sit|attend lecture|listen"),
    "mailboxes": _t("idle", 2, "check mail"),
    # shops, cafe, bar
    "coffee machine": _t("idle|brewing", 1, "make coffee"),
    "cash register": _t("idle|in use", 1, "pay|sell"),
    "pastry case": _t("stocked|empty", 2, "buy pastries|restock"),
    "counter": _t(_FREE, 2, "order|serve|pay"),
    "shelf": _t("stocked|empty", 3, "shop|restock"),
    "freezer": _t("closed|open", 1, "get food|restock"),
    "produce stand": _t("stocked|empty", 3, "shop|restock"),
    "crates": _t("full|empty", 2, "unpack|restock"),
    "bar counter": _t(_FREE, 6, "order drinks|serve drinks|talk"),
    "jukebox": _t("off|playing", 1, "play music"),
    "pool table": _t(_FREE, 4, "play pool"),
    "dartboard": _t(_FREE, 2, "play darts"),
    # outdoors
    "bench": _t(_FREE, 2, "sit|rest|read|talk"),
    "picnic table": _t(_FREE, 6, "eat|sit|talk"),
    "fountain": _t("running|off", 6, "look|rest"),
    "flower bed": _t("blooming|wilted", 2, "garden|look"),
    # work
    "exam bed": _t(_FREE, 1, "examine patient|rest"),
    "medicine cabinet": _t("closed|open", 1, "get medicine"),
    "filing cabinet": _t("closed|open", 1, "file papers|find records"),
}


def object_type_for(name: str, type_name: str | None = None) -> tuple[str | None, ObjectType]:
    """Find the type of an object from its explicit ``type`` or its name.

    Args:
        name: The object's name, e.g. ``"window table"``.
        type_name: The explicit type from the file, if any.

    Returns:
        ``(type name or None, defaults)``; ``(None, GENERIC)`` when nothing matches.

    Raises:
        KeyError: If ``type_name`` is given and is not in the catalogue.
    """
    if type_name is not None:
        return type_name, CATALOGUE[type_name]
    key = name.strip().lower()
    if key in CATALOGUE:
        return key, CATALOGUE[key]
    for known in sorted(CATALOGUE, key=len, reverse=True):
        if key.endswith(" " + known):
            return known, CATALOGUE[known]
    return None, GENERIC


def object_fields(
    arena: str,
    name: str,
    tiles: Iterable[tuple[int, int]],
    *,
    type_name: str | None = None,
    description: str = "",
    states: Sequence[str] | None = None,
    initial_state: str | None = None,
    capacity: int | None = None,
    affordances: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Fields of a :class:`~worlds.places.GameObject`: given values over the type's defaults.

    Raises:
        KeyError: If ``type_name`` is given and unknown (loaders check this first).
    """
    resolved, defaults = object_type_for(name, type_name)
    return {
        "arena": arena,
        "name": name,
        "type": resolved,
        "description": description,
        "tiles": sorted(tiles),
        "states": list(states) if states else list(defaults.states),
        "initial_state": initial_state or None,
        "capacity": capacity or defaults.capacity,
        "affordances": list(affordances) if affordances is not None else list(defaults.affordances),
    }

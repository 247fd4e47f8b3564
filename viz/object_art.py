"""Procedural sprites of objects, one look per state, drawn with pygame primitives.

A cooking stove glows, an occupied bed is slept in, a stocked shelf is full.
"""

from __future__ import annotations

import pygame

from viz import art_devices, art_furniture
from viz import palette as pal
from viz.art_kit import WOOD
from worlds.places import GameObject

RESTING_STATES = frozenset(
    {"off", "idle", "free", "closed", "empty", "tidy", "stocked", "clean", "wilted", "messy",
     "cluttered", "full", "blooming", "running"}
)  # fmt: skip
"""States that never get the "in use" glow (a running fountain is its normal look)."""

_KINDS: tuple[tuple[str, str], ...] = (
    ("bed", "bed"), ("stove", "stove"), ("oven", "oven"), ("fridge", "fridge"),
    ("freezer", "fridge"), ("wardrobe", "cabinet"), ("cabinet", "cabinet"),
    ("pool table", "pool"), ("bar counter", "bar"), ("table", "table"), ("desk", "desk"),
    ("counter", "counter"), ("sofa", "sofa"), ("armchair", "armchair"), ("seats", "seats"),
    ("chair", "seats"), ("bench", "bench"), ("bookshel", "shelf"), ("shelf", "shelf"),
    ("pastry", "pastry"), ("produce", "produce"), ("crate", "crates"), ("mailbox", "mailboxes"),
    ("tv", "screen"), ("computer", "screen"), ("printer", "printer"), ("piano", "piano"),
    ("jukebox", "jukebox"), ("coffee", "coffee"), ("register", "register"), ("easel", "easel"),
    ("whiteboard", "whiteboard"), ("lectern", "lectern"), ("fountain", "fountain"),
    ("flower", "flowers"), ("dartboard", "dartboard"), ("sink", "sink"), ("shower", "sink"),
    ("bath", "sink"), ("toilet", "toilet"),
)  # fmt: skip


def object_kind(obj: GameObject) -> str:
    """Which drawing an object gets, from its catalogue type or its name."""
    words = f"{obj.type or ''} {obj.name}".lower()
    for key, kind in _KINDS:
        if key in words:
            return kind
    return "generic"


def shows_glow(obj: GameObject, state: str) -> bool:
    """Whether the object is visibly in use (not its first state, nor a resting state)."""
    return state != obj.states[0] and state not in RESTING_STATES


def render(obj: GameObject, state: str, tile_px: int) -> tuple[pygame.Surface, tuple[int, int]]:
    """The object's sprite in a state, and the offset of its top-left from the object's bbox.

    The sprite is a little larger than the bounding box of the object's tiles (room for a glow).
    """
    xs = [t[0] for t in obj.tiles]
    ys = [t[1] for t in obj.tiles]
    w_tiles, h_tiles = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    margin = max(2, tile_px // 6)
    s = tile_px
    surface = pygame.Surface((w_tiles * s + 2 * margin, h_tiles * s + 2 * margin), pygame.SRCALPHA)
    box = pygame.Rect(margin, margin, w_tiles * s, h_tiles * s)
    kind = object_kind(obj)
    on = state != obj.states[0]
    if shows_glow(obj, state):
        glow = box.inflate(margin, margin)
        pygame.draw.rect(surface, (*pal.ACTIVE_GLOW, 110), glow, border_radius=margin * 2)
        pygame.draw.rect(
            surface, (*pal.ACTIVE_GLOW, 255), glow, max(1, s // 16), border_radius=margin * 2
        )
    inner = box.inflate(-max(2, s // 8), -max(2, s // 8))
    if s < 10:
        color = pal.ACTIVE_GLOW if shows_glow(obj, state) else WOOD
        pygame.draw.rect(surface, color, inner)
        return surface, (-margin, -margin)
    drawer = _DRAWERS.get(kind, _DRAWERS["generic"])
    drawer(surface, inner, on, state, obj)
    if kind == "generic" and on:
        pygame.draw.circle(surface, pal.marker_color(state), inner.topright, max(2, s // 8))
    return surface, (-margin, -margin)


_DRAWERS = {**art_furniture.DRAWERS, **art_devices.DRAWERS}

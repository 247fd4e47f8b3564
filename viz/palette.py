"""Colours of the viewer: terrain, floors by place kind, agents, bubbles and panels.

Everything is a plain ``(r, g, b)`` tuple so layout code and tests need no pygame.
"""

from __future__ import annotations

import colorsys
import hashlib

from worlds.places import PlaceKind, Terrain

Color = tuple[int, int, int]

BACKGROUND: Color = (28, 32, 40)

TERRAIN: dict[Terrain, Color] = {
    Terrain.WALL: (72, 68, 82),
    Terrain.WATER: (78, 142, 200),
    Terrain.TREE: (60, 124, 64),
    Terrain.FLOOR: (206, 192, 170),
    Terrain.DOOR: (150, 104, 62),
    Terrain.STREET: (86, 88, 98),
    Terrain.PATH: (216, 198, 158),
    Terrain.GRASS: (122, 172, 92),
}

WALL_FACE: Color = (170, 150, 130)
WALL_MORTAR: Color = (142, 124, 108)
WALL_CAP_EDGE: Color = (96, 92, 108)
LANE_MARK: Color = (236, 214, 120)
TREE_HIGHLIGHT: Color = (88, 156, 82)
TREE_SHADOW: Color = (44, 92, 50)
WATER_WAVE: Color = (150, 196, 232)
ARENA_EDGE: Color = (120, 104, 88)

FLOOR: dict[PlaceKind, Color] = {
    PlaceKind.HOME: (204, 170, 128),
    PlaceKind.BEDROOM: (186, 164, 190),
    PlaceKind.KITCHEN: (226, 220, 204),
    PlaceKind.BATHROOM: (190, 218, 228),
    PlaceKind.LIVING: (206, 166, 120),
    PlaceKind.DINING: (214, 178, 132),
    PlaceKind.HALLWAY: (192, 182, 166),
    PlaceKind.STUDIO: (222, 206, 178),
    PlaceKind.CAFE: (196, 146, 104),
    PlaceKind.SHOP: (216, 218, 204),
    PlaceKind.STORAGE: (168, 160, 146),
    PlaceKind.PARK: (136, 188, 100),
    PlaceKind.GARDEN: (146, 190, 108),
    PlaceKind.PLAZA: (204, 198, 186),
    PlaceKind.STREET: (96, 98, 108),
    PlaceKind.OFFICE: (176, 188, 204),
    PlaceKind.COLLEGE: (204, 192, 160),
    PlaceKind.CLASSROOM: (208, 194, 156),
    PlaceKind.LIBRARY: (164, 124, 92),
    PlaceKind.BAR: (150, 98, 78),
    PlaceKind.CLINIC: (214, 234, 232),
    PlaceKind.WORKSHOP: (178, 168, 150),
    PlaceKind.OTHER: (200, 190, 174),
}
"""Floor colour of an arena, by its kind."""

FLOOR_PATTERN: dict[PlaceKind, str] = {
    PlaceKind.KITCHEN: "checker",
    PlaceKind.BATHROOM: "checker",
    PlaceKind.CLINIC: "checker",
    PlaceKind.SHOP: "checker",
    PlaceKind.BEDROOM: "carpet",
    PlaceKind.OFFICE: "carpet",
    PlaceKind.PARK: "lawn",
    PlaceKind.GARDEN: "lawn",
    PlaceKind.PLAZA: "stones",
    PlaceKind.STREET: "plain",
}
"""How a floor is textured; anything not listed gets wooden planks."""

OUTDOOR_KINDS = frozenset({PlaceKind.PARK, PlaceKind.GARDEN, PlaceKind.PLAZA, PlaceKind.STREET})

# --- interface -----------------------------------------------------------------------------

PANEL: Color = (22, 26, 34)
PANEL_ALPHA = 225
PANEL_EDGE: Color = (70, 80, 98)
TEXT: Color = (236, 238, 242)
TEXT_DIM: Color = (158, 166, 180)
TEXT_DARK: Color = (34, 36, 44)
ACCENT: Color = (255, 196, 84)
LIVE: Color = (232, 72, 72)
HEADING: Color = (140, 200, 255)

LABEL_BG: Color = (24, 28, 36)
LABEL_TEXT: Color = (244, 244, 248)
SECTOR_LABEL_BG: Color = (46, 42, 54)
SECTOR_LABEL_TEXT: Color = (250, 238, 214)
ARENA_LABEL_TEXT: Color = (70, 60, 52)

BUBBLE: Color = (255, 253, 244)
BUBBLE_TEXT: Color = (30, 32, 40)
CONVERSATION_LINK: Color = (255, 244, 206)
SLEEP_Z: Color = (200, 222, 255)
SLEEP_SHADOW: Color = (30, 40, 80)
SELECTION: Color = (255, 230, 90)
ACTIVE_GLOW: Color = (255, 176, 48)

TICKER_KINDS: dict[str, Color] = {
    "narrator": (255, 214, 120),
    "user_event": (255, 150, 110),
    "whisper": (196, 160, 255),
}


def hex_color(text: str | None) -> Color | None:
    """Parses ``"#RRGGBB"``; ``None`` for anything else."""
    if not text or len(text) != 7 or not text.startswith("#"):
        return None
    try:
        return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))
    except ValueError:
        return None


def agent_color(index: int, name: str, preferred: str | None = None) -> Color:
    """A distinct colour for the ``index``-th agent (golden-angle hues), or its own colour.

    Args:
        index: Position in the cast (neighbours get far-apart hues).
        name: The agent's name (varies saturation a little so large casts stay distinct).
        preferred: The persona's ``#RRGGBB`` colour, used when valid.
    """
    own = hex_color(preferred)
    if own is not None:
        return own
    digest = hashlib.blake2b(name.encode(), digest_size=2).digest()
    hue = (index * 0.618033988749895 + 0.07) % 1.0
    sat = 0.55 + (digest[0] / 255) * 0.25
    val = 0.78 + (digest[1] / 255) * 0.14
    r, g, b = colorsys.hsv_to_rgb(hue, sat, val)
    return (int(r * 255), int(g * 255), int(b * 255))


def luminance(color: Color) -> float:
    """Relative brightness in 0..1 (for picking dark or light text on a colour)."""
    r, g, b = color
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


def shade(color: Color, factor: float) -> Color:
    """Darker (factor < 1) or lighter (factor > 1, towards white) version of a colour."""
    if factor <= 1:
        return (int(color[0] * factor), int(color[1] * factor), int(color[2] * factor))
    t = min(1.0, factor - 1)
    return tuple(int(c + (255 - c) * t) for c in color)  # type: ignore[return-value]


def mix(a: Color, b: Color, t: float) -> Color:
    """Linear blend from ``a`` (t=0) to ``b`` (t=1)."""
    return (
        int(a[0] + (b[0] - a[0]) * t),
        int(a[1] + (b[1] - a[1]) * t),
        int(a[2] + (b[2] - a[2]) * t),
    )


def marker_color(key: str) -> Color:
    """A stable bright colour for a key (e.g. an emoji that no font can draw)."""
    digest = hashlib.blake2b(key.encode(), digest_size=1).digest()
    r, g, b = colorsys.hsv_to_rgb(digest[0] / 255, 0.42, 0.92)
    return (int(r * 255), int(g * 255), int(b * 255))

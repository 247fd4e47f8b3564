"""Headless export: PNG frames and an animated GIF rendered without opening a window.

PNGs need only pygame. The GIF needs Pillow, an optional dependency: :func:`gif_available`
tells whether it is installed.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pygame

from viz.viewer import Viewer

logger = logging.getLogger(__name__)

GIF_SUBSTEPS = 5
"""GIF frames per exported tick step, so walking looks smooth."""


def gif_available() -> bool:
    """Whether Pillow (needed for GIF export) is installed."""
    return importlib.util.find_spec("PIL") is not None


def render_at(viewer: Viewer, surface: pygame.Surface, cursor: float) -> None:
    """Draws the view with the play head at ``cursor`` (a frame index, fractions interpolate).

    The play state is left as it is (the HUD shows it); ``update(0)`` never moves the head.
    """
    viewer.timeline.cursor = max(0.0, min(float(viewer.timeline.last), cursor))
    viewer.update(0.0)
    viewer.draw(surface)


def export_pngs(viewer: Viewer, out_dir: Path, *, every: int = 1, start: int = 0) -> list[Path]:
    """Writes one PNG per ``every`` frames from frame index ``start``.

    Files are named ``frame_<tick>.png`` (6 digits) so they sort in time order.

    Returns:
        The files written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    surface = pygame.Surface(viewer.size)
    written: list[Path] = []
    for index in range(start, viewer.timeline.last + 1, max(1, every)):
        render_at(viewer, surface, float(index))
        path = out_dir / f"frame_{viewer.timeline.frames[index].tick:06d}.png"
        pygame.image.save(surface, str(path))
        written.append(path)
    logger.info("wrote %d PNG frames to %s", len(written), out_dir)
    return written


def export_gif(
    viewer: Viewer,
    path: Path,
    *,
    every: int = 1,
    start: int = 0,
    speed: float = 1.0,
    substeps: int = GIF_SUBSTEPS,
) -> int:
    """Writes an animated GIF of the run from frame index ``start``, ``every`` ticks a step.

    Motion between steps is interpolated with ``substeps`` frames; at ``speed`` x1 one tick
    lasts one second.

    Returns:
        The number of GIF frames.

    Raises:
        ModuleNotFoundError: If Pillow is not installed (see :func:`gif_available`).
    """
    from PIL import Image

    every = max(1, every)
    substeps = max(1, substeps)
    surface = pygame.Surface(viewer.size)
    images = []
    last = viewer.timeline.last
    cursor = float(start)
    step = every / substeps
    while cursor <= last + 1e-9:
        render_at(viewer, surface, cursor)
        raw = pygame.image.tobytes(surface, "RGB")
        images.append(Image.frombytes("RGB", viewer.size, raw).quantize(colors=255))
        cursor += step
    if not images:
        return 0
    duration = max(20, int(1000 * step / max(speed, 1e-3)))
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(
        path, save_all=True, append_images=images[1:], duration=duration, loop=0, optimize=False
    )
    logger.info("wrote a %d-frame GIF to %s", len(images), path)
    return len(images)

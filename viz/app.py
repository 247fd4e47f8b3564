"""Entry points: :func:`replay` a run folder, and :class:`LiveViewer` for a running simulation.

The loop is pgzero-style: poll input events, ``update(dt)``, ``draw()``, flip, at a fixed frame
rate. pygame stays on the calling (main) thread; a live simulation runs in a worker thread and
pushes frames through a queue; the viewer never steps the model.
"""

from __future__ import annotations

import logging
import os
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame

from simulation.frames import Frame
from simulation.run_reader import load_run
from viz.export import export_gif, export_pngs, gif_available
from viz.progress import ProgressSource
from viz.run_data import run_world
from viz.source import QueueFeed, SeekError, Timeline
from viz.viewer import Viewer
from worlds.world import World

logger = logging.getLogger(__name__)

FPS = 60


def _open_window(size: tuple[int, int], title: str) -> pygame.Surface:
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(size, pygame.RESIZABLE)
    pygame.display.set_caption(title)
    pygame.key.set_repeat(350, 40)
    return screen


def run_loop(
    viewer: Viewer,
    screen: pygame.Surface,
    *,
    fps: int = FPS,
    before: Callable[[], None] | None = None,
    done: Callable[[], bool] | None = None,
) -> None:
    """Runs the event -> update -> draw loop until the viewer stops or ``done()`` is true."""
    clock = pygame.time.Clock()
    while viewer.running:
        dt = clock.tick(fps) / 1000.0
        if before is not None:
            before()
        for event in pygame.event.get():
            viewer.handle(event)
        if not viewer.running:
            break
        viewer.update(min(dt, 0.25))
        screen = pygame.display.get_surface() or screen
        viewer.draw(screen)
        pygame.display.flip()
        if done is not None and done():
            break


def replay(
    run_dir: Path,
    *,
    headless: bool = False,
    frames_out: Path | None = None,
    every: int = 1,
    gif: Path | None = None,
    speed: float = 1.0,
    seek: str | None = None,
    size: tuple[int, int] = (1280, 720),
) -> int:
    """Replays a recorded run in a window, or exports it as PNG frames and/or a GIF.

    Args:
        run_dir: The run folder (``runs/<id>/``) or its ``trajectory.jsonl``.
        headless: Render without a window (implied by ``frames_out`` or ``gif``).
        frames_out: Folder for one PNG per ``every`` ticks.
        every: Export every N-th tick.
        gif: Path of an animated GIF to write (needs Pillow).
        speed: Playback speed, x1 (one tick per second) to x64.
        seek: Start at a simulated time (``"HH:MM"``, ``"day 2 08:00"``, ISO, ``"tick N"``).
        size: Window / image size in pixels.

    Returns:
        The exit code: 0 done, 1 nothing to show, 2 bad arguments or missing GIF support.

    Raises:
        TrajectoryError: If the run's trajectory (or its world) cannot be read.
    """
    if every < 1:
        logger.error("--every must be 1 or more (got %d)", every)
        return 2
    if gif is not None and not gif_available():
        logger.error(
            "GIF export needs Pillow, which is not installed: `pip install pillow` "
            "(or export PNG frames with --frames-out DIR)"
        )
        return 2
    run = load_run(run_dir)
    world = run_world(run)
    timeline = Timeline(run.frames)
    timeline.set_speed(speed)
    if seek:
        try:
            timeline.seek(seek)
        except SeekError as exc:
            logger.error("--seek: %s", exc)
            return 2
    exporting = headless or frames_out is not None or gif is not None
    if exporting:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        pygame.font.init()
    else:
        screen = _open_window(size, f"gentown - {world.name} - {run.header.run_id}")
    viewer = Viewer(
        world, run.personas, timeline, size=size, llm_calls=run.llm_calls,
        screenshot_dir=run.folder,
    )  # fmt: skip
    try:
        if exporting:
            return _export(viewer, frames_out, gif, every, speed)
        run_loop(viewer, screen)
        return 0
    finally:
        if not exporting:
            pygame.display.quit()


def _export(
    viewer: Viewer, frames_out: Path | None, gif: Path | None, every: int, speed: float
) -> int:
    if not viewer.timeline.frames:
        logger.error("the run has no complete tick: nothing to export")
        return 1
    start = viewer.timeline.index
    if frames_out is None and gif is None:
        logger.warning("headless replay without --frames-out or --gif: nothing to write")
        return 0
    if frames_out is not None:
        export_pngs(viewer, Path(frames_out), every=every, start=start)
    if gif is not None:
        export_gif(viewer, Path(gif), every=every, start=start, speed=speed)
    return 0


class LiveViewer:
    """A window showing a running simulation's frames as they arrive.

    The simulation runs in a worker thread and puts each :class:`Frame` on ``frames``, then
    ``None`` when it finishes. :meth:`run` must be called on the main thread. A tick-0 frame put
    first (the model's frame before its first step) shows the town and its people at once,
    while the first tick's day plans are written.

    Args:
        world: The town.
        personas: Persona dicts of the cast.
        frames: The queue the simulation feeds.
        size: Window size in pixels.
        speed: Initial playback speed (ticks per second; it speeds up when frames pile up).
        progress: What the minds are doing, for the HUD's progress line.

    Attributes:
        closed: True once the user closed the window (the runner then stops the simulation).
    """

    def __init__(
        self,
        world: World,
        personas: list[dict[str, Any]],
        frames: queue.Queue[Frame | None],
        size: tuple[int, int] = (1280, 720),
        *,
        speed: float = 1.0,
        progress: ProgressSource | None = None,
    ) -> None:
        self.world = world
        self.personas = personas
        self.frames = frames
        self.size = size
        self.speed = speed
        self.progress = progress
        self.closed = False
        self.viewer: Viewer | None = None

    def run(self) -> None:
        """Shows frames until the window is closed or the simulation has finished.

        "Finished" means ``None`` arrived on the queue and every frame received has been played.
        """
        screen = _open_window(self.size, f"gentown - {self.world.name} - live")
        timeline = Timeline(live=True)
        timeline.set_speed(self.speed)
        viewer = Viewer(
            self.world, self.personas, timeline, size=self.size, live=True, progress=self.progress
        )
        self.viewer = viewer
        feed = QueueFeed(self.frames, timeline)

        def poll() -> None:
            feed.poll()
            viewer.finished = feed.finished

        try:
            run_loop(viewer, screen, before=poll, done=lambda: feed.finished and timeline.at_end)
        finally:
            self.closed = not viewer.running
            pygame.display.quit()

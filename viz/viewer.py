"""The viewer: state (timeline, camera, selection), input handling, update(dt) and draw().

It never steps a model: it only reads frames. The loop that calls ``handle`` / ``update`` /
``draw`` at a fixed frame rate lives in :mod:`viz.app`; headless export in :mod:`viz.export`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from viz import palette as pal
from viz.agents_layer import AgentsLayer
from viz.bubbles import BubblesLayer
from viz.camera import Camera
from viz.controls import Controls
from viz.fonts import Fonts
from viz.history import History
from viz.hud import SCRUB_H, TOP_H, Hud
from viz.inspector import WIDTH as INSPECTOR_WIDTH
from viz.inspector import Card, Inspector, agent_card, object_card
from viz.layout import Panels, Rect, panel_layout
from viz.objects_layer import ObjectsLayer
from viz.progress import ProgressSource, progress_text
from viz.scene import AgentView, Cast, agent_views, speeches
from viz.side_log import SideLog
from viz.source import Timeline
from viz.story import LogEntry, log_entries, short_names
from viz.town_layer import TownLayer
from worlds.world import World

logger = logging.getLogger(__name__)

LOG_LINES = 10
"""Entries of the side log: the last lines spoken and the narrator's events."""

PROGRESS_EVERY_S = 0.25
"""How often the progress line is read from its source."""


@dataclass(frozen=True)
class Selection:
    """What the inspector shows: an agent (by name) or an object (by address)."""

    kind: str
    key: str


class Viewer:
    """Everything the window shows, and how input changes it.

    Args:
        world: The town.
        personas: Persona dicts of the cast.
        timeline: The frames and play head.
        size: Window size in pixels.
        live: Frames arrive from a running simulation.
        llm_calls: LLM call records by tick (replays), for the spend counter.
        screenshot_dir: Where P saves screenshots.
        fonts: Fonts to use (made here by default).
        progress: What the minds of a live run are doing, for the HUD's progress line.
    """

    def __init__(
        self,
        world: World,
        personas: list[dict[str, Any]],
        timeline: Timeline,
        *,
        size: tuple[int, int] = (1280, 720),
        live: bool = False,
        llm_calls: dict[int, list[dict[str, Any]]] | None = None,
        screenshot_dir: Path | None = None,
        fonts: Fonts | None = None,
        progress: ProgressSource | None = None,
    ) -> None:
        self.world = world
        self.timeline = timeline
        self.live = live
        self.finished = False
        self.size = size
        self.cast = Cast(personas)
        self.fonts = fonts or Fonts()
        self.history = History()
        self._llm_calls = llm_calls or {}
        self._indexed = 0
        self._names = short_names(self.cast.personas)
        self._log_cache: tuple[tuple[int, int, int], list[LogEntry]] | None = None
        self.show_log = True
        self.selection: Selection | None = None
        self.sync()
        self.camera = Camera(world.width, world.height, *size)
        self.fit_camera()
        self.town = TownLayer(world, self.fonts)
        self.objects = ObjectsLayer(world, outline_only=self.town.uses_tileset)
        self.agents = AgentsLayer(self.cast, self.fonts)
        self.bubbles = BubblesLayer(self.cast, self.fonts)
        self.hud = Hud(self.fonts, world.name)
        self.inspector = Inspector(self.fonts)
        self.side_log = SideLog(self.fonts, self.cast)
        self.progress = progress
        self.progress_line: str | None = None
        self._progress_read = -1.0
        self.screenshot_dir = screenshot_dir or Path.cwd()
        self.running = True
        self.clock = 0.0
        self.views: list[AgentView] = []
        self.controls = Controls(self)
        self._panel_cache: tuple[tuple, pygame.Surface] | None = None
        self._last_surface: pygame.Surface | None = None

    # --- state ---------------------------------------------------------------------------

    def sync(self) -> None:
        """Indexes frames added to the timeline since the last call."""
        frames = self.timeline.frames
        while self._indexed < len(frames):
            frame = frames[self._indexed]
            self.history.add(frame, self._llm_calls.get(frame.tick))
            self._indexed += 1
            if any(a.name not in self._names for a in frame.agents):
                self._names = short_names([*self._names, *(a.name for a in frame.agents)])

    def update(self, dt: float) -> None:
        """Advances playback, held-key panning, camera following and animations by ``dt``."""
        self.sync()
        self.clock += dt
        self.timeline.update(dt)
        self.controls.update(dt)
        self.views = agent_views(self.timeline)
        self._read_progress()
        if self.camera.follow is not None:
            view = next((v for v in self.views if v.name == self.camera.follow), None)
            if view is not None:
                # centre it in the part of the map the panels leave visible
                mx, _, mw, _ = self.map_bounds()
                shift = (self.size[0] / 2 - (mx + mw / 2)) / self.camera.tile_px
                smoothing = 1 - math.exp(-dt * 6) if dt else 1.0
                self.camera.look_at(view.x + 0.5 + shift, view.y + 0.5, smoothing)

    def _read_progress(self) -> None:
        if self.progress is None or self.finished:
            self.progress_line = None
            return
        if self._progress_read < 0 or self.clock - self._progress_read >= PROGRESS_EVERY_S:
            self._progress_read = self.clock
            self.progress_line = progress_text(self.progress.progress())

    @property
    def selected_agent(self) -> str | None:
        """The inspected agent's name, if an agent is inspected."""
        sel = self.selection
        return sel.key if sel is not None and sel.kind == "agent" else None

    def select_agent(self, name: str | None) -> None:
        """Inspects an agent (``None`` closes the inspector).

        If the opening panel would hide the agent, the map slides it into view.
        """
        self.selection = Selection("agent", name) if name else None
        self.inspector.scroll = 0
        pos = self.agent_screen_pos(name) if name else None
        limit = self.size[0] - INSPECTOR_WIDTH - 80
        if pos is not None and pos[0] > limit and self.camera.follow is None:
            self.camera.pan(limit - pos[0] - (self.size[0] - INSPECTOR_WIDTH) // 4, 0)

    def select_object(self, address: str) -> None:
        """Inspects an object by its address."""
        self.selection = Selection("object", address)
        self.inspector.scroll = 0

    def card(self) -> Card | None:
        """The inspector's card for the current selection at the play head."""
        sel = self.selection
        if sel is None:
            return None
        frame = self.timeline.frame
        if sel.kind == "agent":
            return agent_card(sel.key, self.cast, frame, self.history)
        obj = self.world.find(sel.key)
        if obj is None:
            return None
        state = (frame.object_states if frame else {}).get(sel.key, obj.start_state)  # type: ignore[union-attr]
        return object_card(obj, state, frame, self.history)  # type: ignore[arg-type]

    def agent_screen_pos(self, name: str) -> tuple[int, int] | None:
        """Where an agent's token was drawn in the last frame."""
        drawn = self.agents.drawn.get(name)
        return drawn.center if drawn is not None else None

    def panels(self) -> Panels:
        """Where the side log, the inspector and the map go in the window now."""
        return panel_layout(
            self.size, top=TOP_H, bottom=SCRUB_H, log=self.show_log,
            inspector=self.selection is not None, inspector_width=INSPECTOR_WIDTH,
        )  # fmt: skip

    def map_bounds(self) -> Rect:
        """The part of the window where map overlays (labels, bubbles) may go."""
        return self.panels().map

    def fit_camera(self) -> None:
        """Zooms and centres so the whole town shows beside the side log."""
        self.camera.follow = None
        log = panel_layout(self.size, top=TOP_H, bottom=SCRUB_H, log=self.show_log,
                           inspector=False).log  # fmt: skip
        self.camera.fit(TOP_H, SCRUB_H, log[2] if log is not None else 0)

    def toggle_log(self) -> bool:
        """Shows or hides the side log; the map slides so the town stays beside it."""
        before = self.panels().map
        self.show_log = not self.show_log
        after = self.panels().map
        if self.camera.follow is None:
            self.camera.pan((after[0] + after[2] / 2) - (before[0] + before[2] / 2), 0)
        return self.show_log

    def log_entries(self) -> list[LogEntry]:
        """The side log's entries at the play head, oldest first."""
        frame = self.timeline.frame
        if frame is None:
            return []
        key = (frame.tick, self._indexed, len(self._names))
        if self._log_cache is None or self._log_cache[0] != key:
            story = self.history.story(frame.tick, LOG_LINES * 2)
            self._log_cache = (key, log_entries(story, self._names, LOG_LINES))
        return list(self._log_cache[1])

    # --- drawing -------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """Draws the whole view onto ``surface``."""
        if surface.get_size() != self.size:
            self.resize(surface.get_size())
        camera = self.camera
        surface.fill(pal.BACKGROUND)
        surface.blit(self.town.surface(camera.tile_px), camera.origin())
        frame = self.timeline.frame
        if frame is not None:
            self.objects.draw(surface, camera, frame.object_states)
            self._draw_selected_object(surface)
        lines = speeches(self.timeline)
        speakers = frozenset(sp.speaker for sp in lines)
        bounds = self.map_bounds()
        self.agents.draw_under(
            surface, camera, self.views, bounds, selected=self.selected_agent, speakers=speakers
        )
        anchors = {n: (*d.center, d.radius) for n, d in self.agents.drawn.items()}
        talkers = speakers | {v.name for v in self.views if v.snapshot.conversation}
        obstacles = [
            (d.center[0] - d.radius, d.center[1] - d.radius, 2 * d.radius, 2 * d.radius)
            for n, d in self.agents.drawn.items()
            if n in talkers
        ]
        labels = [tuple(d.label) for d in self.agents.drawn.values() if d.label is not None]
        self.bubbles.priority = self._talk_partners()
        self.bubbles.place(lines, anchors, bounds, obstacles, labels)
        self.bubbles.draw_leaders(surface)  # under the tokens: a long tail never crosses a face
        self.agents.draw_tokens(surface, now=self.clock, selected=self.selected_agent)
        self.bubbles.draw_bubbles(surface, anchors)
        if frame is None:
            self._waiting(surface)
        panels = self.panels()
        if panels.log is not None:
            self.side_log.draw(surface, panels.log, self.log_entries(), frame.tick if frame else 0)
        ticker_w = min(760, int(self.size[0] * 0.6))
        mx, _, mw, _ = panels.map
        self.hud.draw(
            surface, self.timeline, self.history, live=self.live, finished=self.finished,
            now=self.clock, ticker_width=ticker_w, ticker=panels.log is None,
            progress=self.progress_line, centre_x=mx + mw // 2,
        )  # fmt: skip
        card = self.card()
        if card is not None:
            self.inspector.draw(surface, card, TOP_H, self.size[1] - SCRUB_H)
        self._last_surface = surface

    def _talk_partners(self) -> frozenset[str]:
        name = self.selected_agent
        if name is None:
            return frozenset()
        me = next((v.snapshot for v in self.views if v.name == name), None)
        conv = me.conversation if me is not None else None
        return frozenset(
            {name} | {v.name for v in self.views if conv and v.snapshot.conversation == conv}
        )

    def _draw_selected_object(self, surface: pygame.Surface) -> None:
        sel = self.selection
        if sel is None or sel.kind != "object":
            return
        obj = self.world.find(sel.key)
        if obj is not None:
            rect = self.objects.screen_rect(obj, self.camera).inflate(6, 6)  # type: ignore[arg-type]
            pygame.draw.rect(surface, pal.SELECTION, rect, 2, border_radius=5)

    def _waiting(self, surface: pygame.Surface) -> None:
        text = "waiting for the first tick..." if self.live else "this run has no complete tick"
        label = self.fonts.text(text, 20, pal.TEXT, bold=True)
        w, h = self.size
        surface.blit(label, ((w - label.get_width()) // 2, (h - label.get_height()) // 2))

    def resize(self, size: tuple[int, int]) -> None:
        """Adapts to a new window size."""
        self.size = (max(1, size[0]), max(1, size[1]))
        self.camera.resize(*self.size)

    # --- input ---------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        """Applies one pygame event (keys, mouse, window)."""
        self.controls.handle(event)

    def screenshot(self, path: Path | None = None) -> Path | None:
        """Saves the last drawn view as PNG (default: ``<screenshot_dir>/gentown-<tick>.png``)."""
        if self._last_surface is None:
            return None
        frame = self.timeline.frame
        tick = frame.tick if frame is not None else 0
        path = path or self.screenshot_dir / f"gentown-{self.world.name}-tick{tick:05d}.png"
        path = Path(str(path).replace(" ", "_"))
        pygame.image.save(self._last_surface, str(path))
        self.hud.say(f"saved {path.name}", self.clock)
        logger.info("screenshot saved to %s", path)
        return path

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
from viz.fonts import Fonts
from viz.history import History
from viz.hud import SCRUB_H, TOP_H, Hud
from viz.inspector import WIDTH as INSPECTOR_WIDTH
from viz.inspector import Card, Inspector, agent_card, object_card
from viz.layout import Rect
from viz.motion import Motion
from viz.objects_layer import ObjectsLayer
from viz.scene import AgentView, Cast, agent_views, speeches
from viz.source import SPEEDS, SeekError, Timeline
from viz.town_layer import TownLayer
from worlds.world import World

logger = logging.getLogger(__name__)

PAN_SPEED = 700.0  # pixels per second with an arrow key held
_PAN_KEYS = {
    pygame.K_LEFT: (1, 0), pygame.K_RIGHT: (-1, 0), pygame.K_UP: (0, 1), pygame.K_DOWN: (0, -1)
}  # fmt: skip


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
        self.sync()
        self.camera = Camera(world.width, world.height, *size)
        self.camera.fit(TOP_H, SCRUB_H)
        self.town = TownLayer(world, self.fonts)
        self.objects = ObjectsLayer(world, outline_only=self.town.uses_tileset)
        self.agents = AgentsLayer(self.cast, self.fonts)
        self.bubbles = BubblesLayer(self.cast, self.fonts)
        self.hud = Hud(self.fonts, world.name)
        self.inspector = Inspector(self.fonts)
        self.motion = Motion(world.is_walkable)
        self.selection: Selection | None = None
        self.screenshot_dir = screenshot_dir or Path.cwd()
        self.running = True
        self.clock = 0.0
        self.views: list[AgentView] = []
        self._held: set[int] = set()
        self._drag: tuple[int, int] | None = None
        self._dragged = False
        self._scrubbing = False
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

    def update(self, dt: float) -> None:
        """Advances playback, held-key panning, camera following and animations by ``dt``."""
        self.sync()
        self.clock += dt
        self.timeline.update(dt)
        for key in self._held:
            dx, dy = _PAN_KEYS.get(key, (0, 0))
            if dx or dy:
                self.camera.pan(dx * PAN_SPEED * dt, dy * PAN_SPEED * dt)
        self.views = agent_views(self.timeline, self.motion)
        if self.camera.follow is not None:
            view = next((v for v in self.views if v.name == self.camera.follow), None)
            if view is not None:
                self.camera.look_at(view.x + 0.5, view.y + 0.5, 1 - math.exp(-dt * 6) if dt else 1)

    @property
    def selected_agent(self) -> str | None:
        """The inspected agent's name, if an agent is inspected."""
        sel = self.selection
        return sel.key if sel is not None and sel.kind == "agent" else None

    def select_agent(self, name: str | None) -> None:
        """Inspects an agent (``None`` closes the inspector)."""
        self.selection = Selection("agent", name) if name else None
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

    def map_bounds(self) -> Rect:
        """The part of the window where map overlays (labels, bubbles) may go."""
        w, h = self.size
        right = w - (INSPECTOR_WIDTH if self.selection is not None else 0)
        return (0, TOP_H, max(1, right), max(1, h - TOP_H - SCRUB_H))

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
        self.agents.draw(
            surface, camera, self.views, bounds, now=self.clock, selected=self.selected_agent,
            speakers=speakers,
        )  # fmt: skip
        anchors = {n: (*d.center, d.radius) for n, d in self.agents.drawn.items()}
        talkers = speakers | {v.name for v in self.views if v.snapshot.conversation}
        obstacles = [
            (d.center[0] - d.radius, d.center[1] - d.radius, 2 * d.radius, 2 * d.radius)
            for n, d in self.agents.drawn.items()
            if n in talkers
        ]
        self.bubbles.draw(surface, lines, anchors, bounds, obstacles)
        if frame is None:
            self._waiting(surface)
        ticker_w = min(760, int(self.size[0] * 0.6))
        self.hud.draw(
            surface, self.timeline, self.history, live=self.live, finished=self.finished,
            now=self.clock, ticker_width=ticker_w,
        )  # fmt: skip
        card = self.card()
        if card is not None:
            self.inspector.draw(surface, card, TOP_H, self.size[1] - SCRUB_H)
        self._last_surface = surface

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
        """Applies one pygame event."""
        kind = event.type
        if kind == pygame.QUIT:
            self.running = False
        elif kind in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            w, h = getattr(event, "size", None) or (event.x, event.y)
            self.resize((w, h))
        elif kind == pygame.KEYDOWN:
            self._key(event)
        elif kind == pygame.KEYUP:
            self._held.discard(event.key)
        elif kind == pygame.MOUSEBUTTONDOWN:
            self._press(event)
        elif kind == pygame.MOUSEBUTTONUP:
            self._release(event)
        elif kind == pygame.MOUSEMOTION:
            self._motion(event)
        elif kind == pygame.MOUSEWHEEL:
            self._wheel(event)

    def _key(self, event: pygame.event.Event) -> None:
        key = event.key
        tl = self.timeline
        if self.hud.prompt is not None:
            self._prompt_key(event)
            return
        if key in _PAN_KEYS:
            self._held.add(key)
        elif key == pygame.K_SPACE:
            tl.toggle()
        elif key in (pygame.K_PERIOD, pygame.K_n):
            tl.step(1)
        elif key in (pygame.K_COMMA, pygame.K_b):
            tl.step(-1)
        elif key == pygame.K_RIGHTBRACKET:
            tl.faster()
            self.hud.say(f"speed x{tl.speed:g}", self.clock)
        elif key == pygame.K_LEFTBRACKET:
            tl.slower()
            self.hud.say(f"speed x{tl.speed:g}", self.clock)
        elif pygame.K_1 <= key <= pygame.K_7:
            tl.set_speed(SPEEDS[key - pygame.K_1])
            self.hud.say(f"speed x{tl.speed:g}", self.clock)
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.camera.zoom(1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.camera.zoom(-1)
        elif key in (pygame.K_0, pygame.K_KP0):
            self.camera.follow = None
            self.camera.fit(TOP_H, SCRUB_H)
        elif key == pygame.K_HOME:
            tl.seek_index(0)
        elif key == pygame.K_END:
            tl.seek_index(tl.last)
            tl.playing = True
        elif key == pygame.K_g:
            self.hud.prompt = ""
        elif key == pygame.K_f:
            self._toggle_follow()
        elif key == pygame.K_TAB:
            self._cycle_agent(-1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif key == pygame.K_l:
            self.hud.say(f"labels: {self.agents.cycle_labels()}", self.clock)
        elif key == pygame.K_p:
            self.screenshot()
        elif key in (pygame.K_h, pygame.K_F1, pygame.K_QUESTION, pygame.K_SLASH):
            self.hud.show_help = not self.hud.show_help
        elif key == pygame.K_ESCAPE:
            if self.hud.show_help:
                self.hud.show_help = False
            else:
                self.select_agent(None)
        elif key == pygame.K_q:
            self.running = False

    def _prompt_key(self, event: pygame.event.Event) -> None:
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            text, self.hud.prompt = self.hud.prompt or "", None
            try:
                self.timeline.seek(text)
                self.hud.say(f"at {self.timeline.frame.time:%a %H:%M}", self.clock)  # type: ignore[union-attr]
            except SeekError as exc:
                self.hud.say(str(exc), self.clock, 4.0)
        elif event.key == pygame.K_ESCAPE:
            self.hud.prompt = None
        elif event.key == pygame.K_BACKSPACE:
            self.hud.prompt = (self.hud.prompt or "")[:-1]
        elif event.unicode and event.unicode.isprintable() and len(self.hud.prompt or "") < 24:
            self.hud.prompt = (self.hud.prompt or "") + event.unicode

    def _toggle_follow(self) -> None:
        name = self.selected_agent
        if self.camera.follow is not None or name is None:
            self.camera.follow = None
            self.hud.say("camera free" if name else "click someone first, then F", self.clock)
        else:
            self.camera.follow = name
            self.hud.say(f"following {name}", self.clock)

    def _cycle_agent(self, step: int) -> None:
        names = sorted(v.name for v in self.views)
        if not names:
            return
        current = self.selected_agent
        i = names.index(current) + step if current in names else 0
        self.select_agent(names[i % len(names)])
        if self.camera.follow is not None:
            self.camera.follow = self.selected_agent

    def _press(self, event: pygame.event.Event) -> None:
        pos = event.pos
        if event.button in (4, 5):  # old-style wheel events
            return
        if self.hud.show_help:
            self.hud.show_help = False
            return
        if event.button != 1:
            self._drag, self._dragged = pos, True
            return
        if self.selection is not None and self.inspector.rect.collidepoint(pos):
            if self.inspector.close_rect.collidepoint(pos):
                self.select_agent(None)
            return
        if self.hud.scrub_rect.collidepoint(pos):
            self._scrubbing = True
            self._scrub(pos)
            return
        if pos[1] < TOP_H:
            return
        name = self.agents.agent_at(pos)
        if name is not None:
            self.select_agent(name)
            if self.camera.follow is not None:
                self.camera.follow = name
            return
        obj = self.objects.object_at(*self.camera.screen_to_world(*pos))
        if obj is not None:
            self.selection = Selection("object", obj.address)
            self.inspector.scroll = 0
            return
        self._drag, self._dragged = pos, False

    def _release(self, event: pygame.event.Event) -> None:
        if self._drag is not None and not self._dragged and event.button == 1:
            self.select_agent(None)  # a click on empty ground closes the inspector
        self._drag = None
        self._scrubbing = False

    def _motion(self, event: pygame.event.Event) -> None:
        if self._scrubbing:
            self._scrub(event.pos)
        elif self._drag is not None:
            dx, dy = event.pos[0] - self._drag[0], event.pos[1] - self._drag[1]
            if self._dragged or abs(dx) + abs(dy) > 4:
                self.camera.pan(dx, dy)
                self._drag, self._dragged = event.pos, True

    def _scrub(self, pos: tuple[int, int]) -> None:
        rect = self.hud.scrub_rect
        self.timeline.seek_progress((pos[0] - rect.x - 10) / max(1, rect.w - 20))

    def _wheel(self, event: pygame.event.Event) -> None:
        pos = pygame.mouse.get_pos() if pygame.display.get_init() else (0, 0)
        if self.selection is not None and self.inspector.rect.collidepoint(pos):
            self.inspector.scroll_by(-event.y)
            return
        if event.y:
            self.camera.zoom(1 if event.y > 0 else -1, at=pos)

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

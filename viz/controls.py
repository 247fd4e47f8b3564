"""Input: keys, mouse clicks, drags and the wheel, turned into viewer actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from viz.hud import TOP_H
from viz.source import SPEEDS, SeekError

if TYPE_CHECKING:
    from viz.viewer import Viewer

PAN_SPEED = 700.0
"""Pixels per second while an arrow key is held."""

_PAN_KEYS = {
    pygame.K_LEFT: (1, 0), pygame.K_RIGHT: (-1, 0), pygame.K_UP: (0, 1), pygame.K_DOWN: (0, -1)
}  # fmt: skip
_HELP_KEYS = (pygame.K_h, pygame.K_F1, pygame.K_QUESTION, pygame.K_SLASH)


class Controls:
    """Keyboard and mouse handling of a :class:`~viz.viewer.Viewer`.

    Args:
        viewer: The viewer the input acts on.
    """

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self._held: set[int] = set()
        self._drag: tuple[int, int] | None = None
        self._dragged = False
        self._scrubbing = False

    def update(self, dt: float) -> None:
        """Pans while arrow keys are held."""
        for key in self._held:
            dx, dy = _PAN_KEYS.get(key, (0, 0))
            if dx or dy:
                self.viewer.camera.pan(dx * PAN_SPEED * dt, dy * PAN_SPEED * dt)

    def handle(self, event: pygame.event.Event) -> None:
        """Applies one pygame event to the viewer."""
        kind = event.type
        if kind == pygame.QUIT:
            self.viewer.running = False
        elif kind in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            size = getattr(event, "size", None) or (event.x, event.y)
            self.viewer.resize(size)
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

    # --- keys ----------------------------------------------------------------------------

    def _key(self, event: pygame.event.Event) -> None:
        v = self.viewer
        key, tl, hud = event.key, v.timeline, v.hud
        if hud.prompt is not None:
            self._prompt_key(event)
        elif key in _PAN_KEYS:
            self._held.add(key)
        elif key == pygame.K_SPACE:
            tl.toggle()
        elif key in (pygame.K_PERIOD, pygame.K_n):
            tl.step(1)
        elif key in (pygame.K_COMMA, pygame.K_b):
            tl.step(-1)
        elif (
            key in (pygame.K_RIGHTBRACKET, pygame.K_LEFTBRACKET) or pygame.K_1 <= key <= pygame.K_7
        ):
            if key == pygame.K_RIGHTBRACKET:
                tl.faster()
            elif key == pygame.K_LEFTBRACKET:
                tl.slower()
            else:
                tl.set_speed(SPEEDS[key - pygame.K_1])
            hud.say(f"speed x{tl.speed:g}", v.clock)
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            v.camera.zoom(1)
        elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            v.camera.zoom(-1)
        elif key in (pygame.K_0, pygame.K_KP0):
            v.fit_camera()
        elif key == pygame.K_HOME:
            tl.seek_index(0)
        elif key == pygame.K_END:
            tl.seek_index(tl.last)
            tl.playing = True
        elif key == pygame.K_g:
            hud.prompt = ""
        else:
            self._other_key(event)

    def _other_key(self, event: pygame.event.Event) -> None:
        v = self.viewer
        key = event.key
        if key == pygame.K_f:
            self._toggle_follow()
        elif key == pygame.K_TAB:
            self._cycle_agent(-1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif key == pygame.K_l:
            v.hud.say(f"labels: {v.agents.cycle_labels()}", v.clock)
        elif key == pygame.K_a:
            on = v.agents.toggle_activities()
            v.hud.say(f"activities under names: {'on' if on else 'off'}", v.clock)
        elif key == pygame.K_t:
            v.hud.say(f"town log: {'on' if v.toggle_log() else 'off'}", v.clock)
        elif key == pygame.K_p:
            v.screenshot()
        elif key in _HELP_KEYS:
            v.hud.show_help = not v.hud.show_help
        elif key == pygame.K_ESCAPE:
            if v.hud.show_help:
                v.hud.show_help = False
            else:
                v.select_agent(None)
        elif key == pygame.K_q:
            v.running = False

    def _prompt_key(self, event: pygame.event.Event) -> None:
        v = self.viewer
        typed = v.hud.prompt or ""
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            v.hud.prompt = None
            try:
                v.timeline.seek(typed)
            except SeekError as exc:
                v.hud.say(str(exc), v.clock, 4.0)
                return
            frame = v.timeline.frame
            if frame is not None:
                v.hud.say(f"at {frame.time:%a %H:%M}", v.clock)
        elif event.key == pygame.K_ESCAPE:
            v.hud.prompt = None
        elif event.key == pygame.K_BACKSPACE:
            v.hud.prompt = typed[:-1]
        elif event.unicode and event.unicode.isprintable() and len(typed) < 24:
            v.hud.prompt = typed + event.unicode

    def _toggle_follow(self) -> None:
        v = self.viewer
        name = v.selected_agent
        if v.camera.follow is not None or name is None:
            v.camera.follow = None
            v.hud.say("camera free" if name else "click someone first, then F", v.clock)
        else:
            v.camera.follow = name
            v.hud.say(f"following {name}", v.clock)

    def _cycle_agent(self, step: int) -> None:
        v = self.viewer
        names = sorted(view.name for view in v.views)
        if not names:
            return
        current = v.selected_agent
        i = names.index(current) + step if current in names else 0
        v.select_agent(names[i % len(names)])
        if v.camera.follow is not None:
            v.camera.follow = v.selected_agent

    # --- mouse ---------------------------------------------------------------------------

    def _press(self, event: pygame.event.Event) -> None:
        v = self.viewer
        pos = event.pos
        if event.button in (4, 5):  # old-style wheel events
            return
        if v.hud.show_help:
            v.hud.show_help = False
            return
        if event.button != 1:  # right or middle button: always drag the map
            self._drag, self._dragged = pos, True
            return
        if v.selection is not None and v.inspector.rect.collidepoint(pos):
            if v.inspector.close_rect.collidepoint(pos):
                v.select_agent(None)
            return
        log = v.panels().log
        if log is not None and pygame.Rect(log).collidepoint(pos):
            return  # a click on the town log does nothing (the map is not under it)
        if v.hud.scrub_rect.collidepoint(pos):
            self._scrubbing = True
            self._scrub(pos)
            return
        if pos[1] < TOP_H:
            return
        name = v.agents.agent_at(pos)
        if name is not None:
            v.select_agent(name)
            if v.camera.follow is not None:
                v.camera.follow = name
            return
        obj = v.objects.object_at(*v.camera.screen_to_world(*pos))
        if obj is not None:
            v.select_object(obj.address)
            return
        self._drag, self._dragged = pos, False

    def _release(self, event: pygame.event.Event) -> None:
        if self._drag is not None and not self._dragged and event.button == 1:
            self.viewer.select_agent(None)  # a click on empty ground closes the inspector
        self._drag = None
        self._scrubbing = False

    def _motion(self, event: pygame.event.Event) -> None:
        if self._scrubbing:
            self._scrub(event.pos)
        elif self._drag is not None:
            dx, dy = event.pos[0] - self._drag[0], event.pos[1] - self._drag[1]
            if self._dragged or abs(dx) + abs(dy) > 4:
                self.viewer.camera.pan(dx, dy)
                self._drag, self._dragged = event.pos, True

    def _scrub(self, pos: tuple[int, int]) -> None:
        rect = self.viewer.hud.scrub_rect
        self.viewer.timeline.seek_progress((pos[0] - rect.x - 10) / max(1, rect.w - 20))

    def _wheel(self, event: pygame.event.Event) -> None:
        v = self.viewer
        pos = pygame.mouse.get_pos() if pygame.display.get_init() else (0, 0)
        if v.selection is not None and v.inspector.rect.collidepoint(pos):
            v.inspector.scroll_by(-event.y)
        elif event.y:
            v.camera.zoom(1 if event.y > 0 else -1, at=pos)

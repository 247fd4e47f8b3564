"""Frame sources: a playback timeline over frames, fed by a recording or by a live queue.

The :class:`Timeline` holds every frame seen so far and a fractional *cursor* (frame index plus
the fraction of the way to the next frame). Motion is interpolated between ``frames[i]`` and
``frames[i + 1]`` for a cursor in ``[i, i + 1)``. At speed x1 the cursor advances one tick per
``seconds_per_tick`` of wall time; at xN, N ticks. No pygame here.
"""

from __future__ import annotations

import bisect
import logging
import math
import queue
import re
from datetime import datetime, timedelta

from simulation.frames import Frame
from worlds.hours import parse_clock_time

logger = logging.getLogger(__name__)

SPEEDS: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64)
"""Playback speeds, in ticks per base interval."""


class SeekError(ValueError):
    """A seek target that cannot be understood."""


class Timeline:
    """Frames plus a play head: pause, single steps, speed, seek.

    Args:
        frames: Frames already known (a recording), in tick order.
        seconds_per_tick: Wall seconds one tick takes at speed x1 (the base interval).
        live: Frames keep arriving; the play head chases the newest one.
    """

    def __init__(
        self,
        frames: list[Frame] | None = None,
        *,
        seconds_per_tick: float = 1.0,
        live: bool = False,
    ) -> None:
        self.frames: list[Frame] = list(frames or [])
        self.seconds_per_tick = seconds_per_tick
        self.live = live
        self.cursor = 0.0
        self.playing = True
        self.speed: float = 1.0
        self._times: list[datetime] = [f.time for f in self.frames]

    # --- state ---------------------------------------------------------------------------

    @property
    def last(self) -> int:
        """Index of the newest frame (-1 when there is none)."""
        return len(self.frames) - 1

    @property
    def index(self) -> int:
        """Index of the frame the play head is on (or just past)."""
        return max(0, min(self.last, math.floor(self.cursor)))

    @property
    def fraction(self) -> float:
        """How far the play head is between :attr:`index` and the next frame (0..1)."""
        if self.index >= self.last:
            return 0.0
        return self.cursor - self.index

    @property
    def frame(self) -> Frame | None:
        """The current frame (``None`` until one exists)."""
        return self.frames[self.index] if self.frames else None

    @property
    def next_frame(self) -> Frame | None:
        """The frame after the current one, if any."""
        return self.frames[self.index + 1] if self.index < self.last else None

    @property
    def at_end(self) -> bool:
        """Whether the play head sits on the newest frame."""
        return self.cursor >= self.last

    # --- feeding -------------------------------------------------------------------------

    def append(self, frame: Frame) -> None:
        """Adds a newer frame (live mode)."""
        self.frames.append(frame)
        self._times.append(frame.time)

    # --- playing -------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        """Advances the play head by ``dt`` wall seconds (when playing)."""
        if not self.playing or self.last < 0:
            return
        rate = self.speed / self.seconds_per_tick
        if self.live:
            lag = self.last - self.cursor
            rate *= 1.0 + max(0.0, lag - 1.5)  # catch up smoothly when frames pile up
        self.cursor = min(float(self.last), self.cursor + dt * rate)

    def toggle(self) -> None:
        """Pauses or resumes playback."""
        self.playing = not self.playing

    def step(self, ticks: int = 1) -> None:
        """Pauses and moves exactly ``ticks`` frames (negative: back), landing on a frame."""
        self.playing = False
        base = math.floor(self.cursor) if ticks > 0 else math.ceil(self.cursor)
        self.seek_index(int(base) + ticks)

    def seek_index(self, index: int) -> None:
        """Puts the play head on a frame index (clamped)."""
        self.cursor = float(max(0, min(self.last, index)))

    def seek_time(self, when: datetime) -> int:
        """Puts the play head on the last frame at or before ``when`` (the first if none).

        Returns:
            The frame index landed on.
        """
        i = bisect.bisect_right(self._times, when) - 1
        self.seek_index(max(0, i))
        return self.index

    def seek(self, text: str) -> int:
        """Seeks to a simulated time given as text (see :func:`parse_seek`)."""
        if not self.frames:
            raise SeekError("nothing to seek in: no frames yet")
        target = parse_seek(text, self.frames[0].time)
        if isinstance(target, int):
            ticks = [f.tick for f in self.frames]
            i = bisect.bisect_right(ticks, target) - 1
            self.seek_index(max(0, i))
            return self.index
        return self.seek_time(target)

    def set_speed(self, speed: float) -> None:
        """Sets the speed (ticks per base interval), clamped to x1..x64."""
        self.speed = float(max(SPEEDS[0], min(SPEEDS[-1], speed)))

    def faster(self) -> None:
        """Next speed up (x1 -> x2 -> ... -> x64)."""
        bigger = [s for s in SPEEDS if s > self.speed]
        self.set_speed(bigger[0] if bigger else SPEEDS[-1])

    def slower(self) -> None:
        """Next speed down."""
        smaller = [s for s in SPEEDS if s < self.speed]
        self.set_speed(smaller[-1] if smaller else SPEEDS[0])

    def progress(self) -> float:
        """Play head position in 0..1 over the frames known so far."""
        return self.cursor / self.last if self.last > 0 else 0.0

    def seek_progress(self, fraction: float) -> None:
        """Puts the play head at a fraction of the recording (a click on the scrubber)."""
        self.seek_index(round(max(0.0, min(1.0, fraction)) * max(0, self.last)))


_CLOCK = re.compile(r"^(?:(?:day\s*)?(\d+)\s+)?(\d{1,2}):(\d{2})$", re.IGNORECASE)
_TICK = re.compile(r"^(?:tick\s*|#)(\d+)$", re.IGNORECASE)


def parse_seek(text: str, start: datetime) -> datetime | int:
    """Reads a seek target.

    Accepted forms: ``"HH:MM"`` (the first such clock time at or after ``start``),
    ``"day N HH:MM"`` (day 1 is the start's date), an ISO date-time (``"2026-02-13 09:30"``),
    or ``"tick N"`` / ``"#N"`` (returned as an ``int``).

    Raises:
        SeekError: If the text is none of these.
    """
    text = text.strip()
    tick = _TICK.match(text)
    if tick:
        return int(tick.group(1))
    clock = _CLOCK.match(text)
    if clock:
        day, hh, mm = clock.groups()
        try:
            at = parse_clock_time(f"{hh}:{mm}")
        except ValueError:
            raise SeekError(f"{text!r}: not a clock time (expected HH:MM, 00:00-23:59)") from None
        if day is not None:
            return datetime.combine(start.date() + timedelta(days=int(day) - 1), at)
        candidate = datetime.combine(start.date(), at)
        return candidate if candidate >= start else candidate + timedelta(days=1)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise SeekError(
            f"{text!r}: expected HH:MM, 'day N HH:MM', 'YYYY-MM-DD HH:MM' or 'tick N'"
        ) from None


class QueueFeed:
    """Moves frames from a simulation's queue into a timeline, without blocking.

    ``None`` on the queue means the simulation has finished.
    """

    def __init__(self, frames: queue.Queue[Frame | None], timeline: Timeline) -> None:
        self.queue = frames
        self.timeline = timeline
        self.finished = False

    def poll(self, limit: int = 1000) -> int:
        """Takes every waiting frame (up to ``limit``); returns how many frames arrived."""
        count = 0
        while count < limit and not self.finished:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self.finished = True
                break
            self.timeline.append(item)
            count += 1
        return count

"""What the minds of a running simulation are doing, as one line of text.

"tick 1/24 · planning the day 2/3 · 14 LLM calls". Pure Python (no pygame): the viewer draws the
line in its HUD and the command line prints it.

A :class:`ProgressSource` is anything with a ``progress()`` method. :class:`RunProgress` is one
fed from the run's frames (which tick is done) and the LLM gateway's call events (what the minds
are doing); the composition code, which knows the town, connects them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from simulation.frames import Frame

STEP_LABELS: dict[str, str] = {
    "plan_day": "planning the day",
    "schedule": "scheduling the day",
    "decompose": "breaking plans into steps",
    "importance": "weighing what they noticed",
    "react": "deciding what to do",
    "converse": "talking",
    "conversation_outcome": "thinking over a talk",
    "reflect_questions": "reflecting",
    "reflect_insights": "reflecting",
    "place_event": "placing an event",
    "interview": "answering an interview",
}
"""How a cognitive step (the ``step`` of an LLM call) reads in the progress line."""

_ORDER = {step: i for i, step in enumerate(STEP_LABELS)}


@dataclass(frozen=True)
class Progress:
    """Where a run is.

    Attributes:
        tick: The tick being simulated (the last complete one + 1), or the last one once
            finished.
        ticks: The ticks the run should take, if known.
        step: The cognitive step the minds are on in this tick, if known (a key of
            :data:`STEP_LABELS`, or another step name).
        done: Calls of ``step`` ended this tick ("planning the day 2/3": two day plans done).
        of: Calls of ``step`` started this tick (0: not counted).
        calls: LLM calls of the run so far.
        finished: The run has ended.
    """

    tick: int
    ticks: int | None = None
    step: str | None = None
    done: int = 0
    of: int = 0
    calls: int = 0
    finished: bool = False


def step_label(step: str) -> str:
    """The words for a cognitive step ("plan_day" -> "planning the day")."""
    return STEP_LABELS.get(step, step.replace("_", " "))


def progress_text(progress: Progress) -> str:
    """The progress line: ``"tick 1/24 · planning the day 2/3 · 14 LLM calls"``."""
    calls = f"{progress.calls:,} LLM call" + ("" if progress.calls == 1 else "s")
    if progress.finished:
        return f"done · {progress.tick} ticks · {calls}"
    parts = [f"tick {progress.tick}" + (f"/{progress.ticks}" if progress.ticks else "")]
    if progress.step:
        doing = step_label(progress.step)
        if progress.of:
            doing += f" {min(progress.done, progress.of)}/{progress.of}"
        parts.append(doing)
    parts.append(calls)
    return " · ".join(parts)


class ProgressSource(Protocol):
    """Anything that can tell where a run is."""

    def progress(self) -> Progress:
        """Where the run is now (called from any thread, a few times a second)."""
        ...


class CallEvent(Protocol):
    """What :class:`RunProgress` reads of an LLM call's start or end.

    ``agents.llm.gateway.CallEvent`` is one: the gateway tells its ``observer`` of each call.
    """

    @property
    def step(self) -> str:
        """The cognitive step ("plan_day", "converse"...)."""
        ...

    @property
    def phase(self) -> str:
        """Whether the call starts ("start") or has ended ("end")."""
        ...


class RunProgress:
    """A :class:`ProgressSource` fed with a run's completed ticks and its LLM calls.

    Give :meth:`observe` to the LLM gateway as its observer (it is told of each call's start
    and end), and :meth:`on_frame` to the run as a frame sink (or call :meth:`tick_done` after
    every tick). What the minds are doing is the step with the most calls running now (the
    earlier in a day's pipeline on a tie), counted as calls ended / started this tick:
    "planning the day 2/3" while two of the three day plans begun this tick are written.

    Args:
        ticks: How many ticks the run should take, if known.
        first_tick: The first tick this run simulates (a resumed run starts later).
        calls: LLM calls the run had made before (a resumed run's).
    """

    def __init__(self, ticks: int | None = None, first_tick: int = 1, calls: int = 0) -> None:
        self.ticks = ticks
        self._lock = threading.Lock()
        self._done = first_tick - 1
        self._finished = False
        self._calls = calls
        self._running: dict[str, int] = {}
        self._started: dict[str, int] = {}
        self._ended: dict[str, int] = {}

    def observe(self, event: CallEvent) -> None:
        """An LLM call started or ended (the gateway's observer; any thread)."""
        step = event.step
        with self._lock:
            if event.phase == "start":
                self._running[step] = self._running.get(step, 0) + 1
                self._started[step] = self._started.get(step, 0) + 1
            elif event.phase == "end":
                self._running[step] = max(0, self._running.get(step, 0) - 1)
                self._ended[step] = self._ended.get(step, 0) + 1
                self._calls += 1

    def on_frame(self, frame: Frame) -> None:
        """A frame sink: the frame's tick is complete."""
        self.tick_done(frame.tick)

    def tick_done(self, tick: int) -> None:
        """Marks ``tick`` complete: later calls belong to the next one."""
        with self._lock:
            self._done = max(self._done, tick)
            self._started = {s: n for s, n in self._running.items() if n}
            self._ended = {}

    def finish(self) -> None:
        """Marks the run as ended."""
        with self._lock:
            self._finished = True

    def progress(self) -> Progress:
        """Where the run is now."""
        with self._lock:
            if self._finished:
                return Progress(tick=self._done, ticks=self.ticks, calls=self._calls, finished=True)
            running = [(n, s) for s, n in self._running.items() if n > 0]
            step, done, of = None, 0, 0
            if running:
                step = min(running, key=lambda r: (-r[0], _ORDER.get(r[1], len(_ORDER)), r[1]))[1]
                done, of = self._ended.get(step, 0), self._started.get(step, 0)
            return Progress(self._done + 1, self.ticks, step, done, of, self._calls)


class ProgressLine:
    """Rewrites the progress line in place (a carriage return first), from a thread.

    The command line gives it ``sys.stderr.write``; nothing here prints by itself.

    Args:
        source: Where the run is.
        write: Writes text (no newline is added but the last, by :meth:`stop`).
        every_s: Seconds between updates.
    """

    def __init__(
        self, source: ProgressSource, write: Callable[[str], object], every_s: float = 0.5
    ) -> None:
        self.source = source
        self.write = write
        self.every_s = every_s
        self._width = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def update(self) -> str:
        """Writes the line once (padded over a longer previous one); returns its text."""
        text = progress_text(self.source.progress())
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.write("\r" + text + " " * pad)
        return text

    def start(self) -> None:
        """Starts updating the line in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="gentown-progress", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        self.update()
        while not self._stop.wait(self.every_s):
            self.update()

    def stop(self) -> None:
        """Stops the thread, writes the line a last time and ends it with a newline."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.update()
        self.write("\n")

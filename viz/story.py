"""The story of a run as text for the screen: activity captions and the side log's lines.

Pure Python (no pygame): what the labels and the side log say, so it can be tested apart from
how it is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from simulation.events import Event, EventKind
from simulation.frames import AgentSnapshot

CAPTION_CHARS = 24
"""Longest activity caption under a name, in characters (the ellipsis included)."""

ELLIPSIS = "\u2026"

STORY_KINDS = frozenset(
    {
        EventKind.UTTERANCE,
        EventKind.NARRATOR,
        EventKind.USER_EVENT,
        EventKind.WHISPER,
        EventKind.ACTION_REFUSED,
        EventKind.CONVERSATION_START,
        EventKind.CONVERSATION_JOIN,
    }
)
"""Events that tell the story in the side log: lines spoken and the narrator's events."""


def shorten(text: str, limit: int = CAPTION_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (at a word if near)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rstrip()
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:  # end at a word when that loses little
        cut = cut[:space].rstrip(" ,;:-")
    return cut + ELLIPSIS


def caption(snapshot: AgentSnapshot, limit: int = CAPTION_CHARS) -> tuple[str, str]:
    """What a person is doing, for under their name: ``(emoji, a few words)``.

    The words are cut to ``limit`` characters with an ellipsis; a sleeper is "asleep".
    """
    if snapshot.asleep:
        return (snapshot.emoji or "\U0001f4a4", "asleep")
    return (snapshot.emoji, shorten(snapshot.action or "", limit))


def short_names(names: Iterable[str]) -> dict[str, str]:
    """First names, except where two people share one (they keep their full names)."""
    names = list(dict.fromkeys(names))
    firsts: dict[str, int] = {}
    for name in names:
        first = name.split()[0] if name.split() else name
        firsts[first] = firsts.get(first, 0) + 1
    out = {}
    for name in names:
        first = name.split()[0] if name.split() else name
        out[name] = first if firsts[first] == 1 else name
    return out


@dataclass(frozen=True)
class LogEntry:
    """One entry of the side log.

    Attributes:
        tick: The frame it appeared in.
        time: Simulated time of the event.
        kind: The event kind.
        who: The people it is about, full names, speaker (or opener) first.
        head: The heading line, e.g. ``"Rosa \u2192 Tom"`` or ``"narrator"``.
        text: The body (the line spoken, the event), or ``""`` for a heading-only entry.
    """

    tick: int
    time: datetime
    kind: EventKind
    who: tuple[str, ...]
    head: str
    text: str

    @property
    def line(self) -> str:
        """The entry on one line: ``"07:40 Rosa \u2192 Tom: Morning!"``."""
        body = f"{self.head}: {self.text}" if self.text else self.head
        return f"{self.time:%H:%M} {body}"


def addressees(event: Event) -> tuple[str, ...]:
    """Who a line was said to: ``data["to"]`` in newer runs, else the other agents."""
    to = event.data.get("to")
    if isinstance(to, str):
        return (to,)
    if isinstance(to, list | tuple) and to:
        return tuple(str(t) for t in to)
    return tuple(event.agents[1:])


def log_entry(event: Event, tick: int, names: dict[str, str] | None = None) -> LogEntry | None:
    """The side log's entry for an event (``None`` for events that are not part of the story).

    Args:
        event: The event.
        tick: The tick of the frame the event came in.
        names: Names as shown, by full name (see :func:`short_names`); others are shown whole.
    """
    names = names or {}

    def show(name: str) -> str:
        return names.get(name, name)

    kind = event.kind
    text = " ".join((event.text or "").split())
    actor = event.agents[0] if event.agents else None
    if kind not in STORY_KINDS:
        return None
    if kind == EventKind.UTTERANCE:
        if actor is None or not text:
            return None
        to = addressees(event)
        head = show(actor) + (" \u2192 " + ", ".join(show(n) for n in to) if to else "")
        return LogEntry(tick, event.time, kind, (actor, *to), head, text)
    if kind in (EventKind.CONVERSATION_START, EventKind.CONVERSATION_JOIN):
        people = event.agents
        if len(people) < 2:
            return None
        opener = str(event.data.get("opened_by") or people[0])
        others = [show(p) for p in people if p != opener]
        verb = "joins" if kind == EventKind.CONVERSATION_JOIN else "talks with"
        return LogEntry(
            tick, event.time, kind, (opener, *people), f"{show(opener)} {verb} "
            + _and(others), "",
        )  # fmt: skip
    if not text:
        return None
    if kind == EventKind.WHISPER:
        head = f"{show(actor)} thinks" if actor else "a thought"
        return LogEntry(tick, event.time, kind, tuple(event.agents[:1]), head, text)
    if kind == EventKind.ACTION_REFUSED:
        head = f"{show(actor)} can't" if actor else "refused"
        return LogEntry(tick, event.time, kind, tuple(event.agents[:1]), head, text)
    head = "narrator" if kind == EventKind.NARRATOR else "event"
    return LogEntry(tick, event.time, kind, (), head, text)


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def log_entries(
    frames_events: Iterable[tuple[int, Event]], names: dict[str, str] | None = None, n: int = 8
) -> list[LogEntry]:
    """The last ``n`` story entries of ``(frame tick, event)`` pairs in order, oldest first."""
    out = [e for tick, event in frames_events if (e := log_entry(event, tick, names)) is not None]
    return out[-n:] if n > 0 else []

"""Reuse of block decompositions: steps written once, found again by a similar activity.

Breaking a schedule block into steps is the most expensive LLM call of a day, and most blocks
repeat: the same person works the same counter every day, and two baristas work it alike. The
:class:`StepLibrary` keeps every decomposition the model wrote, keyed by the activity, the kind
of place and a coarse duration bucket, and hands one back when a new block's activity is close
enough to a stored one (the "lifestyle policy" of Affordable Generative Agents). One library
serves a whole run, shared across people and days; it is built at the composition root and
passed in.

Matching rules of :meth:`StepLibrary.lookup`:

* **Place kind** must be equal (a normalised string, e.g. ``"counter"``; see :func:`place_kind`).
* **Duration bucket** must be equal (:func:`duration_bucket`: up to 30, 60, 120, 240 minutes,
  or longer). Stored minutes are scaled to the new span (rounded to 5, kept within 5–60).
* **Things**: every object a stored step uses must be in the target arena (compared without
  case); otherwise that decomposition is not a candidate. Mapping a missing object to ``"none"``
  would keep a description such as "pulling espresso at the coffee machine" in a room without
  one, so a decomposition is only reused where it fits as written.
* **Activity**: among the remaining candidates, one with the same text (case and spacing
  aside) wins outright; otherwise the one whose activity embedding is most similar, if its
  cosine similarity is at least the threshold. Ties go to the earliest stored.

Determinism: the minds of a tick run concurrently, so the order in which their stores arrive
depends on LLM latency. Stores are therefore *staged* and become visible only at
:meth:`StepLibrary.publish` (once per tick, after the minds have decided), which adds them in a
canonical order. The same sequence of calls always gives the same results, and a tick's results
do not depend on which mind's call returned first.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from agents.cognition.places import NO_OBJECT, KnownArena
from agents.memory.embedder import Embedder
from agents.memory.scoring import cosine

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.85
"""Cosine similarity (all-MiniLM-L6-v2) from which two activities share their steps.

Close paraphrases score above it ("having breakfast" / "eating breakfast" 0.89, "working at the
counter" / "working the counter" 0.88, "reading a book" / "reading a novel" 0.88), different
meals and activities of the same place below ("having lunch" / "having breakfast" 0.80,
"opening the cafe" / "closing the cafe" 0.80, "working at the counter" / "serving customers at
the counter" 0.67, / "having lunch" 0.32).
"""

BUCKET_LIMITS = (30, 60, 120, 240)
"""Upper limits (minutes, inclusive) of the duration buckets; longer spans share the last one."""

STEP_MIN_MINUTES = 5
STEP_MAX_MINUTES = 60
MAX_STEPS = 4
QUERY_CACHE_SIZE = 512

_TRAILING_NUMBER = re.compile(r"[\s#-]*\d+$")


class StepLike(Protocol):
    """Anything with a step's fields (a :class:`StepTemplate`, or a decompose reply's step)."""

    @property
    def description(self) -> str:
        """What the person does."""
        ...

    @property
    def emoji(self) -> str:
        """One emoji (may be empty)."""
        ...

    @property
    def thing(self) -> str:
        """An object short name, or ``"none"``."""
        ...

    @property
    def minutes(self) -> int:
        """How long the step takes."""
        ...


@dataclass(frozen=True)
class StepTemplate:
    """One step of a stored decomposition, not yet bound to an arena.

    Attributes:
        description: What the person does, e.g. ``"wiping the counter"``.
        emoji: One emoji (may be empty).
        thing: The short name of the object used (as in ``KnownArena.objects``), or ``"none"``.
        minutes: How long the step takes (5–60).
    """

    description: str
    emoji: str
    thing: str
    minutes: int

    @classmethod
    def of(cls, step: StepLike) -> StepTemplate:
        """The template of any step-like object (e.g. a step of the decompose reply)."""
        return cls(str(step.description), str(step.emoji), str(step.thing), int(step.minutes))


def duration_bucket(minutes: int) -> int:
    """The duration bucket of a span: 0 up to 30 minutes, 1 up to 60, ... 4 beyond 240.

    Args:
        minutes: The span in minutes (what the decomposition has to fill).

    Returns:
        The bucket index.
    """
    for index, limit in enumerate(BUCKET_LIMITS):
        if minutes <= limit:
            return index
    return len(BUCKET_LIMITS)


def place_kind(arena: KnownArena) -> str:
    """The kind of place of an arena: its name without the sector, case or a trailing number.

    ``"Copper Kettle Cafe:counter"`` gives ``"counter"``, ``"Elm House:kitchen"`` and
    ``"Birch House:kitchen"`` both give ``"kitchen"``, and ``"Maple Court:flat 2"`` gives
    ``"flat"``.

    Args:
        arena: The arena.

    Returns:
        The normalised kind, never empty (the whole address if the arena name is a number).
    """
    name = arena.address.split(":", 1)[-1]
    kind = _normalise(_TRAILING_NUMBER.sub("", name))
    return kind or _normalise(arena.address)


def span_minutes(now: time, end: time) -> int:
    """Minutes from ``now`` until ``end`` on the clock (past midnight if ``end`` is earlier).

    Args:
        now: The current time of day.
        end: When the span ends (e.g. the next block's start).

    Returns:
        The minutes, at least ``STEP_MIN_MINUTES``.
    """
    start, stop = now.hour * 60 + now.minute, end.hour * 60 + end.minute
    return max(STEP_MIN_MINUTES, (stop - start) % (24 * 60))


@dataclass
class _Entry:
    activity: str
    place_kind: str
    minutes: int
    steps: tuple[StepTemplate, ...]
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)

    @cached_property
    def text(self) -> str:
        return _normalise(self.activity)

    @cached_property
    def bucket(self) -> int:
        return duration_bucket(self.minutes)

    @cached_property
    def things(self) -> frozenset[str]:
        return frozenset(s.thing.casefold() for s in self.steps if s.thing != NO_OBJECT)

    @cached_property
    def identity(self) -> tuple[str, str, int, frozenset[str]]:
        """Entries with the same identity are interchangeable: only the first is kept."""
        return self.text, self.place_kind, self.bucket, self.things

    def order(self) -> tuple[Any, ...]:
        """The canonical order of staged entries (independent of arrival order)."""
        steps = tuple((s.description, s.emoji, s.thing, s.minutes) for s in self.steps)
        return self.place_kind, self.bucket, self.text, self.minutes, self.activity, steps

    def to_state(self) -> dict[str, Any]:
        return {
            "activity": self.activity,
            "place_kind": self.place_kind,
            "minutes": self.minutes,
            "steps": [vars(s).copy() for s in self.steps],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _Entry:
        return cls(
            activity=str(state["activity"]),
            place_kind=str(state["place_kind"]),
            minutes=int(state["minutes"]),
            steps=tuple(StepTemplate(**s) for s in state["steps"]),
        )


class StepLibrary:
    """Decompositions of schedule blocks, reused for similar activities in the same kind of place.

    One library per run, shared by every mind. Lookups see only published entries: call
    :meth:`publish` once per tick (after the minds have decided) to add that tick's stores.

    Args:
        embedder: Embeds activity texts (the run's embedder).
        threshold: Minimum cosine similarity of two activities for a reuse, in (0, 1].
        query_cache_size: How many looked-up activity embeddings are kept (each costs one
            encode the first time).

    Attributes:
        hits: Lookups answered from the library.
        misses: Lookups that found nothing.
    """

    def __init__(
        self,
        embedder: Embedder,
        threshold: float = DEFAULT_THRESHOLD,
        query_cache_size: int = QUERY_CACHE_SIZE,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if query_cache_size < 1:
            raise ValueError(f"query_cache_size must be at least 1, got {query_cache_size}")
        self._embedder = embedder
        self.threshold = threshold
        self._cache_size = query_cache_size
        self._entries: list[_Entry] = []
        self._shelves: dict[tuple[str, int], list[_Entry]] = {}
        self._identities: set[tuple[str, str, int, frozenset[str]]] = set()
        self._staged: list[_Entry] = []
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        """Number of published decompositions."""
        return len(self._entries)

    def lookup(
        self, activity: str, place_kind: str, minutes: int, available_things: Iterable[str]
    ) -> list[StepTemplate] | None:
        """A stored decomposition for this block, scaled to its span, or None.

        Costs at most one call of the embedder, and none when no stored decomposition has the
        same place kind, bucket and available things, or one has the same activity text. (That
        call embeds the activity, plus, after a restore, the candidates' activities not yet
        embedded.)

        Args:
            activity: The block's activity, e.g. ``"working at the counter"``.
            place_kind: The kind of place (see :func:`place_kind`).
            minutes: The span the steps have to fill (see :func:`span_minutes`).
            available_things: Short names of the objects in the target arena.

        Returns:
            The steps, with ``thing`` spelled as in ``available_things`` (or ``"none"``) and
            minutes scaled to ``minutes``; None when nothing fits.
        """
        kind, bucket, text = _normalise(place_kind), duration_bucket(minutes), _normalise(activity)
        things = {t.casefold(): t for t in available_things}
        shelf = self._shelves.get((kind, bucket), [])
        candidates = [e for e in shelf if e.things.issubset(things)]
        chosen = next((e for e in candidates if e.text == text), None)
        similarity = 1.0
        if chosen is None and candidates:
            sims = cosine(self._embed(text, candidates), np.stack([e.vector for e in candidates]))
            best = int(np.argmax(sims[0]))  # the first of equal maxima: the earliest stored
            similarity = float(sims[0, best])
            if similarity >= self.threshold:
                chosen = candidates[best]
        if chosen is None:
            self.misses += 1
            logger.debug("no stored steps for %r at %s (%d min)", activity, kind, minutes)
            return None
        self.hits += 1
        logger.debug(
            "reusing the steps of %r for %r at %s (similarity %.3f)",
            chosen.activity,
            activity,
            kind,
            similarity,
        )
        return _adapt(chosen, minutes, things)

    def store(
        self, activity: str, place_kind: str, minutes: int, steps: Sequence[StepLike]
    ) -> None:
        """Stages a decomposition the model wrote; it is visible after the next :meth:`publish`.

        A decomposition interchangeable with a published or earlier staged one (same activity
        text, place kind, bucket and objects used) is dropped at publication.

        Args:
            activity: The block's activity.
            place_kind: The kind of place (see :func:`place_kind`).
            minutes: The span the steps were written for.
            steps: 1 to 4 steps of 5 to 60 minutes; ``thing`` is an object short name or
                ``"none"``.

        Raises:
            ValueError: An empty activity or place kind, a span under one minute, or steps out
                of the bounds above.
        """
        templates = tuple(StepTemplate.of(s) for s in steps)
        if not activity.strip() or not place_kind.strip():
            raise ValueError("a decomposition needs an activity and a place kind")
        if minutes < 1:
            raise ValueError(f"minutes must be at least 1, got {minutes}")
        if not 1 <= len(templates) <= MAX_STEPS:
            raise ValueError(f"a decomposition has 1 to {MAX_STEPS} steps, got {len(templates)}")
        for step in templates:
            if not STEP_MIN_MINUTES <= step.minutes <= STEP_MAX_MINUTES or not step.thing:
                raise ValueError(f"not a valid step: {step}")
        entry = _Entry(activity.strip(), _normalise(place_kind), int(minutes), templates)
        entry.vector = self._vectors.get(entry.text)  # usually just looked up: no new encode
        self._staged.append(entry)

    def publish(self) -> int:
        """Makes the staged decompositions visible, in a canonical order.

        Returns:
            How many were added (interchangeable duplicates are dropped).
        """
        staged, self._staged = sorted(self._staged, key=_Entry.order), []
        added = 0
        for entry in staged:
            if entry.identity in self._identities:
                continue
            self._add(entry)
            added += 1
        if added:
            logger.debug("step library: %d new decompositions, %d in all", added, len(self))
        return added

    def stats(self) -> dict[str, int]:
        """Counts for a run summary: published decompositions, hits and misses."""
        return {"decompositions": len(self._entries), "hits": self.hits, "misses": self.misses}

    def tick_mark(self) -> tuple[int, int]:
        """What a tick can change before :meth:`publish`: the hit and miss counts (and staging)."""
        return self.hits, self.misses

    def undo_tick(self, mark: tuple[int, int]) -> None:
        """Forgets an abandoned tick: its staged decompositions and its lookups."""
        self._staged = []
        self.hits, self.misses = mark

    def get_state(self) -> dict[str, Any]:
        """Returns the library's state for a checkpoint (texts and steps, no vectors)."""
        return {
            "entries": [e.to_state() for e in self._entries],
            "staged": [e.to_state() for e in self._staged],
            "hits": self.hits,
            "misses": self.misses,
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state`; activities are re-embedded when needed."""
        self._entries, self._shelves, self._identities = [], {}, set()
        for entry in state["entries"]:
            self._add(_Entry.from_state(entry))
        self._staged = [_Entry.from_state(e) for e in state["staged"]]
        self.hits = int(state["hits"])
        self.misses = int(state["misses"])

    def _add(self, entry: _Entry) -> None:
        self._entries.append(entry)
        self._shelves.setdefault((entry.place_kind, entry.bucket), []).append(entry)
        self._identities.add(entry.identity)

    def _embed(self, text: str, candidates: list[_Entry]) -> np.ndarray:
        """The vector of ``text``, filling the candidates' vectors too, in one embedder call."""
        for entry in candidates:
            if entry.vector is None:
                entry.vector = self._vectors.get(entry.text)
        wanted = [] if text in self._vectors else [text]
        missing = list(dict.fromkeys([*wanted, *(e.text for e in candidates if e.vector is None)]))
        if missing:
            vectors = np.asarray(self._embedder.embed(missing), dtype=np.float32)
            fresh = dict(zip(missing, vectors, strict=True))
            for entry in candidates:
                if entry.vector is None:
                    entry.vector = fresh[entry.text]
            if text in fresh:
                self._vectors[text] = fresh[text]
        self._vectors.move_to_end(text)
        while len(self._vectors) > self._cache_size:
            self._vectors.popitem(last=False)
        return self._vectors[text]


def _adapt(entry: _Entry, minutes: int, things: dict[str, str]) -> list[StepTemplate]:
    """The entry's steps with the target arena's spelling of things, scaled to ``minutes``."""
    factor = minutes / entry.minutes
    return [
        StepTemplate(
            description=s.description,
            emoji=s.emoji,
            thing=NO_OBJECT if s.thing == NO_OBJECT else things[s.thing.casefold()],
            minutes=s.minutes if factor == 1 else _scaled(s.minutes, factor),
        )
        for s in entry.steps
    ]


def _scaled(minutes: int, factor: float) -> int:
    rounded = int(minutes * factor / STEP_MIN_MINUTES + 0.5) * STEP_MIN_MINUTES
    return min(STEP_MAX_MINUTES, max(STEP_MIN_MINUTES, rounded))


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()

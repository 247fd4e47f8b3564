"""The mind's signals: how its parts tell each other what happened.

A part announces an event (``remembered``: a new memory; ``news``: something important or a
whisper came up since the day was planned) and the parts that care subscribe to it, so no part
reaches into another's attributes, and a part switched off simply does not subscribe.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, Literal

Signal = Literal["remembered", "news"]


class Signals:
    """A small synchronous publish/subscribe bus, one per mind."""

    def __init__(self) -> None:
        self._handlers: dict[Signal, list[Callable[..., None]]] = defaultdict(list)

    def on(self, signal: Signal, handler: Callable[..., None]) -> None:
        """Calls ``handler(**data)`` on every later ``emit(signal, **data)``."""
        self._handlers[signal].append(handler)

    def emit(self, signal: Signal, **data: Any) -> None:
        """Tells every subscriber of ``signal``, in the order they subscribed."""
        for handler in self._handlers[signal]:
            handler(**data)

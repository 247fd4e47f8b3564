"""The interface where the town meets a mind: observations in, an intended action out."""

from __future__ import annotations

from typing import Any, Protocol

from simulation.actions import Action
from simulation.perception import Perception


class Mind(Protocol):
    """Decides what a body intends to do. It never changes the world itself.

    Minds decide concurrently within a tick; the model awaits all of them, then resolves.
    """

    async def decide(self, perception: Perception) -> Action:
        """Returns the intended action for this tick."""
        ...

    def get_state(self) -> dict[str, Any]:
        """Returns the mind's state, JSON-ready, for a checkpoint."""
        ...

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state`."""
        ...


class StopRun(Exception):
    """Raised by a mind to stop the run cleanly (e.g. the LLM budget is spent).

    The model abandons the tick in progress, so the last frame, trajectory line and checkpoint
    all describe the last complete tick.
    """

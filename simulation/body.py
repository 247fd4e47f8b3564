"""Bodies: the Mesa agents that stand on the grid, walk paths and carry out activities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    import mesa

Tile = tuple[int, int]


@dataclass
class Activity:
    """What a body is doing: its description, where, and until when.

    Attributes:
        description: e.g. "brewing coffee".
        emoji: Short emoji for the viewer.
        arena: Arena address where it happens (the destination while walking).
        object: Object address in use, if any.
        start_tick: When it was taken up.
        end_tick: When it runs its course (after arriving).
    """

    description: str = "idle"
    emoji: str = ""
    arena: str | None = None
    object: str | None = None
    start_tick: int = 0
    end_tick: int = 0


@dataclass
class BodyState:
    """A body's mutable state, kept in one place so checkpoints are complete."""

    activity: Activity = field(default_factory=Activity)
    path: list[Tile] = field(default_factory=list)
    asleep: bool = False
    sleep_until: str | None = None  # ISO date-time
    utterance: str | None = None
    outcome: str | None = None
    refused_object: str | None = None


class Body(CellAgent):
    """A person's body in the town.

    Args:
        model: The town model.
        name: The person's name (unique in the town).
        tile: Where the body starts.
    """

    def __init__(self, model: mesa.Model, name: str, tile: Tile) -> None:
        super().__init__(model)
        self.name = name
        self.state = BodyState()
        self.cell = model.grid[tile]  # type: ignore[attr-defined]
        self.walked: tuple[Tile, ...] = ()
        """The tiles stepped on in the last tick's walk (see :meth:`walk`)."""

    @property
    def tile(self) -> Tile:
        """The tile the body stands on."""
        return self.cell.coordinate  # type: ignore[union-attr,return-value]

    @property
    def walking(self) -> bool:
        """Whether the body is on its way somewhere."""
        return bool(self.state.path)

    def walk(self, tiles_per_tick: int) -> Tile | None:
        """Advances along the path; returns the new tile if the body moved.

        The tiles stepped on are kept in ``walked`` for this tick's frame (the viewer draws
        the walk along them).
        """
        self.walked = ()
        if not self.state.path:
            return None
        steps = self.state.path[:tiles_per_tick]
        del self.state.path[:tiles_per_tick]
        self.cell = self.model.grid[steps[-1]]  # type: ignore[attr-defined]
        self.walked = tuple(steps)
        return steps[-1]

    def action_done(self, tick: int) -> bool:
        """Whether the current activity has run its course."""
        return not self.walking and tick >= self.state.activity.end_tick

    def get_state(self) -> dict[str, Any]:
        """Returns the body's state for a checkpoint."""
        s = self.state
        return {
            "tile": list(self.tile),
            "activity": vars(s.activity).copy(),
            "path": [list(t) for t in s.path],
            "asleep": s.asleep,
            "sleep_until": s.sleep_until,
            "utterance": s.utterance,
            "outcome": s.outcome,
            "refused_object": s.refused_object,
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restores a state made by :meth:`get_state` (sharing nothing with it)."""
        self.cell = self.model.grid[tuple(state["tile"])]  # type: ignore[attr-defined]
        self.state = BodyState(
            activity=Activity(**state["activity"]),
            path=[(int(x), int(y)) for x, y in state["path"]],
            asleep=bool(state["asleep"]),
            sleep_until=state["sleep_until"],
            utterance=state["utterance"],
            outcome=state["outcome"],
            refused_object=state.get("refused_object"),
        )

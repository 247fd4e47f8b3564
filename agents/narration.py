"""The narrator's LLM side: judging what its rules cannot.

The narrator's rules (``simulation/narrator.py``) settle occupancy, opening hours and earshot in
code. A user event written only in words ("a fire breaks out at the bakery") has no place the
rules can read; the LLM places it, as a constrained choice of the town's sectors.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, create_model

from agents.llm.errors import LLMError
from agents.llm.gateway import LLMGateway
from simulation.events import Event, EventKind
from simulation.scheduled import TownEvent

WHOLE_TOWN = "the whole town"


class LLMEventJudge:
    """Places events given without a place, through one typed LLM call each.

    Args:
        llm: The run's gateway.
        town: The town's name, for the prompt.
        record: Where a fallback event goes when the call fails (the event then reaches the
            whole town, as without a judge).
    """

    def __init__(self, llm: LLMGateway, town: str, record) -> None:
        self.llm = llm
        self.town = town
        self.record = record
        self._models: dict[tuple[str, ...], type[BaseModel]] = {}

    def _output(self, sectors: list[str]) -> type[BaseModel]:
        key = tuple(sectors)
        if key not in self._models:
            self._models[key] = create_model(
                "EventPlace",
                __config__=ConfigDict(extra="ignore"),
                place=(Literal[(*key, WHOLE_TOWN)], ...),  # type: ignore[valid-type]
            )
        return self._models[key]

    async def place_of(self, event: TownEvent, sectors: list[str], tick: int) -> str | None:
        """Returns the sector where ``event`` happens, or None for the whole town."""
        try:
            reply = await self.llm.call(
                step="place_event",
                template="place_event",
                inputs={"town": self.town, "text": event.text, "sectors": sectors},
                output=self._output(sectors),
                temperature=0.0,
            )
        except LLMError as exc:
            self.record(
                Event(
                    kind=EventKind.LLM_FALLBACK,
                    tick=tick,
                    time=event.time,
                    text="place_event failed; the event reaches the whole town",
                    data={
                        "step": "place_event",
                        "failure": exc.kind.value,
                        "error": str(exc)[:300],
                    },
                )
            )
            return None
        place = reply.place  # type: ignore[attr-defined]
        return None if place == WHOLE_TOWN else place

"""Which parts of the mind run: the full architecture, or one with parts switched off.

Generative Agents compared the full architecture with ones lacking reflection, planning or
memory; a run names the parts to switch off (``RunConfig.mind``, ``run --ablate``) and a
study runs such arms side by side (``study --arms``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Part = Literal["reflection", "planning", "memory"]
PARTS: tuple[Part, ...] = ("reflection", "planning", "memory")


class MindParts(BaseModel):
    """The parts of a mind that can be switched off.

    Attributes:
        reflection: Insights are written when enough importance has gathered. Off: none are.
        planning: The model edits the usual day (what is on the person's mind, agreed times)
            and splits blocks into steps. Off: the person follows the usual day's blocks as
            they come, each block one step, and acts moment to moment on what they see.
        memory: Prompts recall memories (retrieval, recent intentions, conversations). Off: a
            person sees only the current moment; memories are still written for evaluation.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    reflection: bool = True
    planning: bool = True
    memory: bool = True

    @classmethod
    def without(cls, parts: list[Part] | tuple[Part, ...]) -> MindParts:
        """The full mind with ``parts`` switched off."""
        return cls(**dict.fromkeys(parts, False))

    @property
    def ablated(self) -> tuple[Part, ...]:
        """The parts switched off, in a fixed order."""
        return tuple(part for part in PARTS if not getattr(self, part))

    @property
    def label(self) -> str:
        """``full``, or ``no-<part>[+<part>...]`` (an arm's name in a study)."""
        return "no-" + "+".join(self.ablated) if self.ablated else "full"


def parse_arm(label: str) -> MindParts:
    """The parts of an arm named ``full`` or ``no-<part>[+<part>...]``.

    Raises:
        ValueError: An unknown arm or part, with the names that are known.
    """
    label = label.strip()
    if label == "full":
        return MindParts()
    names = label.removeprefix("no-").split("+") if label.startswith("no-") else []
    unknown = [n for n in names if n not in PARTS]
    if not names or unknown:
        raise ValueError(
            f"unknown arm {label!r}: give full or no-<part> with parts from {', '.join(PARTS)} "
            "(e.g. no-reflection, no-planning+reflection)"
        )
    return MindParts.without(names)  # type: ignore[arg-type]


class NoRecall:
    """A memory stream seen by a mind without memory: it writes, but recalls nothing.

    Memories are still added (the trajectory and the evaluation read them); retrieval, recent
    memories and counts come back empty, so prompts hold only the current moment.

    Args:
        memory: The run's memory stream.
    """

    def __init__(self, memory: Any) -> None:
        self._memory = memory

    def __getattr__(self, name: str) -> Any:
        return getattr(self._memory, name)

    def retrieve(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Nothing is recalled."""
        return []

    def retrieve_each(self, agent: str, queries: list[str], *args: Any, **kwargs: Any) -> list:
        """Nothing is recalled, for each query."""
        return [[] for _ in queries]

    def recent(self, agent: str, n: int) -> list[Any]:
        """Nothing is recalled."""
        return []

"""What every cognitive step of one agent is given: who it is, its LLM, memory and recorder."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from agents.cognition.places import KnownPlaces
from agents.llm.errors import LLMBudgetExceeded, LLMError
from agents.llm.gateway import LLMGateway
from agents.memory.records import MemoryKind
from agents.memory.stream import MemoryStream
from agents.persona import Persona
from simulation.events import Event, EventKind
from simulation.mind import StopRun

T = TypeVar("T", bound=BaseModel)
Recorder = Callable[[Event], None]


@dataclass
class AgentServices:
    """The parts a mind's steps share.

    Attributes:
        persona: Who the agent is.
        prompt_identity: Template variables describing the persona (the stable prompt prefix).
        places: The arenas the agent can choose.
        llm: The run's LLM gateway.
        memory: The run's memory stream.
        record: Where events go (the model's event log for the current tick).
        seed: The run seed, mixed into each call's sampling seed.
        currently: What is going on in the person's life now; a whisper changes it. Every
            prompt shows it after the stable identity.
        cast: Everyone in town by name, with how others would describe them in a line.
        on_remember: Called with each new memory's kind and importance (the reflection
            trigger counts them).
    """

    persona: Persona
    prompt_identity: Mapping[str, Any]
    places: KnownPlaces
    llm: LLMGateway
    memory: MemoryStream
    record: Recorder
    seed: int = 0
    currently: str = ""
    cast: Mapping[str, str] = field(default_factory=dict)
    on_remember: Callable[[MemoryKind, int], None] | None = None

    @property
    def name(self) -> str:
        """The agent's name."""
        return self.persona.name

    async def ask(
        self,
        step: str,
        template: str,
        output: type[T],
        tick: int,
        when: datetime,
        max_tokens: int | None = None,
        deferred: list[Event] | None = None,
        context: Mapping[str, Any] | None = None,
        shared_by: str | None = None,
        **inputs: Any,
    ) -> T | None:
        """Runs one typed LLM call; on failure records a fallback event and returns None.

        With ``deferred`` given, a fallback event is appended there instead of recorded now (for
        calls that run concurrently with others, so the caller records events in a fixed order).
        ``context`` reaches the output type's validators (see ``LLMGateway.call``).
        ``shared_by`` names what a call is about when everyone concerned asks the same
        question (e.g. a conversation's id): the sampling seed then depends on it, not on the
        agent, so identical prompts make identical requests and the gateway answers them once.
        A spent budget is not a fallback: it raises :class:`~simulation.mind.StopRun` so the run
        stops cleanly after its last complete tick.
        """
        try:
            return await self.llm.call(
                step=step,
                template=template,
                inputs={**self.prompt_identity, "currently": self.currently, **inputs},
                output=output,
                agent=self.name,
                seed=_call_seed(self.seed, shared_by or self.name, step, tick),
                max_tokens=max_tokens,
                context=context,
            )
        except LLMBudgetExceeded as exc:
            raise StopRun(f"LLM budget spent: {exc}") from exc
        except LLMError as exc:
            (self.record if deferred is None else deferred.append)(
                Event(
                    kind=EventKind.LLM_FALLBACK,
                    tick=tick,
                    time=when,
                    agents=(self.name,),
                    text=f"{step} failed; falling back",
                    data={"step": step, "failure": exc.kind.value, "error": str(exc)[:300]},
                )
            )
            return None

    def remember(
        self,
        kind: MemoryKind,
        text: str,
        tick: int,
        when: datetime,
        importance: int,
        evidence: tuple[str, ...] = (),
    ) -> str:
        """Adds a memory (embedded at the tick's flush) and records a ``memory_added`` event."""
        memory_id = self.memory.add(self.name, kind, text, when, importance, evidence)
        if self.on_remember is not None:
            self.on_remember(kind, importance)
        self.record(
            Event(
                kind=EventKind.MEMORY_ADDED,
                tick=tick,
                time=when,
                agents=(self.name,),
                text=text,
                data={
                    "id": memory_id,
                    "memory_kind": kind.value,
                    "importance": importance,
                    "evidence": list(evidence),
                },
            )
        )
        return memory_id


def _call_seed(seed: int, agent: str, step: str, tick: int) -> int:
    """A stable per-call sampling seed: same run seed, agent, step and tick → same seed."""
    return (seed * 1_000_003 + zlib.crc32(f"{agent}|{step}|{tick}".encode())) % (2**31)

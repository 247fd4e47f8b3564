"""Hand-built runs for analysis tests: frames and events you control, written like a real run."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from simulation.events import Event, EventKind
from simulation.frames import AgentSnapshot, Frame
from simulation.run_reader import RunData
from simulation.trajectory import TrajectoryHeader, TrajectoryWriter

START = datetime(2026, 2, 13, 7, 0)


class RunBuilder:
    """Builds frames tick by tick.

    Args:
        agents: Agent names; each starts at ``home`` (an arena address).
        minutes: Minutes per tick.
        relationships: ``{agent: {other: view}}`` for the personas.
    """

    def __init__(
        self,
        agents: list[str],
        minutes: int = 10,
        relationships: dict[str, dict[str, str]] | None = None,
        home: str = "Rose Cottage:bedroom",
    ) -> None:
        self.agents = agents
        self.minutes = minutes
        self.places: dict[str, str | None] = dict.fromkeys(agents, home)
        self.frames: list[Frame] = []
        self.pending: list[Event] = []
        self.calls: dict[int, list[dict[str, Any]]] = {}
        self.personas = [
            {"name": a, "age": 30, "relationships": (relationships or {}).get(a, {})}
            for a in agents
        ]

    @property
    def tick(self) -> int:
        """The tick being built (the next frame's)."""
        return len(self.frames) + 1

    def time_of(self, tick: int) -> datetime:
        return START + timedelta(minutes=self.minutes * tick)

    def event(
        self,
        kind: EventKind,
        agents: tuple[str, ...],
        text: str | None = None,
        place: str | None = None,
        tick: int | None = None,
        **data: Any,
    ) -> RunBuilder:
        """Adds an event to the tick being built (``tick`` overrides its own tick)."""
        at = self.tick if tick is None else tick
        self.pending.append(
            Event(
                kind=kind,
                tick=at,
                time=self.time_of(at),
                agents=agents,
                place=place,
                text=text,
                data=data,
            )
        )
        return self

    def say(self, speaker: str, listeners: tuple[str, ...], text: str, conversation: str):
        return self.event(
            EventKind.UTTERANCE, (speaker, *listeners), text, conversation=conversation
        )

    def move(self, agent: str, place: str | None) -> RunBuilder:
        self.places[agent] = place
        return self

    def step(self, ticks: int = 1, calls: list[dict[str, Any]] | None = None) -> RunBuilder:
        """Closes the tick (and repeats empty ticks)."""
        for _ in range(ticks):
            tick = self.tick
            if calls:
                self.calls[tick] = calls
            self.frames.append(
                Frame(
                    tick=tick,
                    time=self.time_of(tick),
                    agents=tuple(
                        AgentSnapshot(name=a, x=i, y=0, action="idle", place=self.places[a])
                        for i, a in enumerate(self.agents)
                    ),
                    events=tuple(self.pending),
                )
            )
            self.pending = []
        return self

    def header(self) -> TrajectoryHeader:
        return TrajectoryHeader(
            run_id="built",
            seed=7,
            world="Two Rooms",
            world_hash="abc",
            models=["scripted/none"],
            config={"minutes_per_tick": self.minutes},
            personas=self.personas,
        )

    def data(self) -> RunData:
        """The run in memory, as ``load_run`` would return it."""
        return RunData(
            path=Path("built"),
            header=self.header(),
            frames=list(self.frames),
            llm_calls=dict(self.calls),
            personas=self.personas,
            config={"minutes_per_tick": self.minutes},
        )

    def write(self, folder: Path) -> Path:
        """Writes ``trajectory.jsonl`` and ``run.json`` into ``folder``; returns the folder."""
        writer = TrajectoryWriter(folder / "trajectory.jsonl", self.header())
        for frame in self.frames:
            writer.write_tick(frame, self.calls.get(frame.tick))
        writer.close()
        run = {"config": {"minutes_per_tick": self.minutes}, "personas": self.personas}
        (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
        return folder


PARTY = "I am throwing a party at the cafe on Saturday"


def party_run() -> RunBuilder:
    """Four agents; the party is whispered to Ana, who tells Ben; Ben tells Cy; Dee hears nothing.

    Tick 1: the whisper (tick 0). Tick 3: Ana → Ben (c1). Tick 6: Ben → Cy (c2). Dee talks with
    Cy about the weather at tick 8 (c3), so Dee is never exposed.
    """
    b = RunBuilder(["Ana", "Ben", "Cy", "Dee"], relationships={"Ana": {"Ben": "her brother"}})
    b.event(EventKind.MEMORY_ADDED, ("Ana",), PARTY, tick=0, id="Ana-1", memory_kind="whisper")
    b.event(EventKind.WHISPER, ("Ana",), PARTY, tick=0)
    b.step(2)
    b.event(EventKind.CONVERSATION_START, ("Ana", "Ben"), "Ana talks with Ben", conversation="c1")
    b.say("Ana", ("Ben",), f"Guess what? {PARTY}!", "c1")
    b.step()
    b.say("Ben", ("Ana",), "Sounds lovely.", "c1")
    b.event(
        EventKind.CONVERSATION_END, ("Ana", "Ben"), "conversation ended (ended)", conversation="c1"
    )
    b.event(
        EventKind.MEMORY_ADDED,
        ("Ben",),
        f"Ana told me: {PARTY}",
        id="Ben-4",
        memory_kind="conversation",
    )
    b.step(2)
    b.event(EventKind.CONVERSATION_START, ("Ben", "Cy"), "Ben talks with Cy", conversation="c2")
    b.say("Ben", ("Cy",), "Ana is having a party at the cafe!", "c2")
    b.step(2)
    b.event(EventKind.CONVERSATION_START, ("Dee", "Cy"), "Dee talks with Cy", conversation="c3")
    b.say("Dee", ("Cy",), "Rain again today.", "c3")
    b.say("Cy", ("Dee",), "Yes, grey skies.", "c3")
    b.step(2)
    return b

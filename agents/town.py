"""The Python API: a running town of generative agents, and the composition of its parts.

A :class:`Town` is built from a world, personas and the run's services (LLM gateway, memory
stream); it owns the Mesa model, the minds, the trajectory writer and checkpoints. The CLI is a
thin layer over it::

    town = create_town(RunConfig(world="two_rooms", hours=2), Path("runs/demo"))
    town.start()
    town.whisper("Ana Ruiz", "I want to throw a party at the cafe tomorrow at 17:00")
    town.run()
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from agents.cognition.grounding import persona_prompt_identity, public_description
from agents.cognition.parts import NoRecall
from agents.cognition.services import AgentServices
from agents.cognition.step_library import StepLibrary
from agents.llm.gateway import LLMGateway
from agents.memory.stream import MemoryStream
from agents.mind import GenerativeMind
from agents.narration import LLMEventJudge
from agents.persona import Persona
from agents.placement import day_template, known_places, plan_check, start_tile
from agents.run_config import RunConfig
from agents.stats import RunStats
from simulation.checkpoint import (
    checkpoint_tick,
    list_checkpoints,
    prune_checkpoints,
    read_checkpoint,
    write_atomic,
    write_checkpoint,
)
from simulation.events import Event, EventKind
from simulation.frames import Frame
from simulation.model import Resident, TownConfig, TownModel
from simulation.run_reader import RUN_FILE, SUMMARY_FILE, TRAJECTORY_FILE
from simulation.senses import SenseLimits
from simulation.trajectory import TrajectoryHeader, TrajectoryWriter, truncate_trajectory
from worlds.world import World

logger = logging.getLogger(__name__)


class Town:
    """A town run: model, minds, memory, LLM, trajectory and checkpoints.

    Args:
        config: The run configuration (saved as ``run.json``).
        world: The town map.
        personas: The people who live in it.
        llm: The run's LLM gateway.
        memory: The run's memory stream.
        run_dir: Where the trajectory, summary, checkpoints and memory live.
        sinks: Extra frame sinks (e.g. a live viewer's queue).
        steps: The run's shared library of block decompositions (none: every block is
            decomposed by the model).
    """

    def __init__(
        self,
        config: RunConfig,
        world: World,
        personas: list[Persona],
        llm: LLMGateway,
        memory: MemoryStream,
        run_dir: Path,
        sinks: list[Callable[[Frame], None]] | None = None,
        steps: StepLibrary | None = None,
    ) -> None:
        self.config = config
        self.steps = steps
        self.world = world
        self.personas = {p.name: p for p in personas}
        self.llm = llm
        self.memory = memory
        self.run_dir = run_dir
        self.stats = RunStats()
        self._wall_started = time.perf_counter()
        self._wall_before = 0.0
        self._closed = False
        self._checkpoint_positions: dict[int, int] | None = None  # tick → memory position
        self._closers: list[Callable[[], None]] = []
        minds: dict[str, GenerativeMind] = {}
        residents = []
        for persona in personas:
            places = known_places(world, persona)
            services = AgentServices(
                persona=persona,
                prompt_identity=persona_prompt_identity(persona),
                places=places,
                llm=llm,
                memory=memory if config.mind.memory else NoRecall(memory),
                record=self._record,
                seed=config.seed,
                currently=persona.currently,
                cast={p.name: public_description(p) for p in personas},
            )
            minds[persona.name] = GenerativeMind(
                services,
                day_template(world, persona, places),
                reflection_threshold=config.reflection_threshold,
                retention_ticks=config.retention_ticks,
                conversation_mode=config.conversation_mode,
                plan_check=plan_check(world, persona),
                steps=steps,
                parts=config.mind,
            )
            residents.append(Resident(persona.name, start_tile(world, persona), persona.workplace))
        self.minds = minds
        self.writer: TrajectoryWriter | None = None
        self.model = TownModel(
            world,
            residents,
            dict(minds),
            TownConfig(
                start=config.start_time,
                minutes_per_tick=config.minutes_per_tick,
                limits=SenseLimits(config.vision_radius, config.attention_bandwidth),
                ambient_per_hour=config.ambient_per_hour,
            ),
            seed=config.seed,
            sinks=[self.stats, self._write_frame, *(sinks or [])],
            after_tick=[self._end_tick],
            event_judge=LLMEventJudge(llm, world.name, self._record),
            usage=self._usage,
        )

    # --- composition ---------------------------------------------------------------------

    def _usage(self) -> tuple[int, float]:
        total = self.llm.ledger.total
        return total.tokens, round(total.cost_usd, 6)

    def _record(self, event: Event) -> None:
        self.model.record(event)

    def _end_tick(self, tick: int, now: datetime) -> None:
        """After a tick: replies are no longer reused, memories are committed, steps shared."""
        self.llm.forget_answers()
        self.memory.flush()
        if self.steps is not None:
            self.steps.publish()

    def _write_frame(self, frame: Frame) -> None:
        if self.writer is not None:
            calls = [c.model_dump(mode="json") for c in self.llm.ledger.drain()]
            self.writer.write_tick(frame, calls)

    def header(self, world_hash: str) -> TrajectoryHeader:
        """The trajectory header of this run (no secrets: keys are never in the config)."""
        return TrajectoryHeader(
            run_id=self.run_dir.name,
            seed=self.config.seed,
            world=self.world.name,
            world_hash=world_hash,
            persona_hashes={n: _hash(p.model_dump_json()) for n, p in self.personas.items()},
            models=[self.config.llm.model],
            prompt_hashes=self.llm.prompts.hashes(),
            config=self.config.model_dump(mode="json"),
            personas=[p.model_dump(mode="json") for p in self.personas.values()],
        )

    def open_outputs(self) -> None:
        """Writes ``run.json`` and opens the trajectory (a new file gets the header)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        _write_json(
            self.run_dir / RUN_FILE,
            {
                "config": self.config.model_dump(mode="json"),
                "personas": [p.model_dump(mode="json") for p in self.personas.values()],
                "world": self.world.model_dump(mode="json"),
            },
        )
        header = self.header(_hash(self.world.model_dump_json()))
        self.writer = TrajectoryWriter(self.run_dir / TRAJECTORY_FILE, header)

    def start(self) -> None:
        """Opens outputs and applies the config's scheduled events and whispers (a new run)."""
        self.open_outputs()
        for spec in self.config.events:
            self.model.inject(
                spec.text,
                place=spec.place,
                at=spec.when(self.config.start_time),
                kind=EventKind.NARRATOR,
            )
        for whisper in self.config.whispers:
            self.whisper(whisper.agent, whisper.text)
        if self.config.whispers:
            self.memory.flush()
        self.checkpoint()

    # --- the API -------------------------------------------------------------------------

    @property
    def frame(self) -> Frame:
        """The latest frame."""
        return self.model.frame

    @property
    def now(self) -> datetime:
        """Simulated time of the last completed tick."""
        return self.model.now

    def step(self) -> Frame:
        """Runs one tick (checkpointing every ``checkpoint_every`` ticks).

        A tick abandoned by a stop (a spent budget) leaves nothing behind: the model returns
        to the tick's start, and so do the memories, the LLM accounting and the step library,
        so that the final checkpoint is the last complete tick and a resume redoes the tick.
        """
        ledger = self.llm.ledger.get_state()
        steps = self.steps.tick_mark() if self.steps is not None else None
        self.model.step()
        if self.model.abandoned_tick is not None:
            self.llm.forget_answers()
            self.memory.discard_pending()
            self.llm.ledger.set_state(ledger)
            if self.steps is not None and steps is not None:
                self.steps.undo_tick(steps)
        elif self.model.running and self.model.clock.tick % self.config.checkpoint_every == 0:
            self.checkpoint()
        return self.model.frame

    def run(
        self, ticks: int | None = None, on_tick: Callable[[Town], None] | None = None
    ) -> dict[str, Any]:
        """Runs ``ticks`` ticks (default: the configured span), then checkpoints and summarises.

        Args:
            ticks: How many ticks; default: until the configured span is done.
            on_tick: Called after every tick (progress display, a viewer's stop flag...).

        Returns:
            The run summary (also written to ``summary.json``).
        """
        remaining = ticks if ticks is not None else self.config.ticks - self.model.clock.tick
        for _ in range(max(0, remaining)):
            self.step()
            if on_tick is not None:
                on_tick(self)
            if not self.model.running:
                break
        return self.finish()

    def stop(self, reason: str) -> None:
        """Asks the run to stop after the current tick."""
        self.model.running = False
        self.model.stop_reason = reason

    def finish(self, checkpoint: bool = True) -> dict[str, Any]:
        """Writes the final checkpoint and ``summary.json``; returns the summary.

        Args:
            checkpoint: False after an interruption in the middle of a tick, whose state is
                not consistent: the last checkpoint and the trajectory's last complete tick
                stay the place to resume from.
        """
        if checkpoint:
            self.memory.flush()
            self.checkpoint()
        summary = self.summary()
        _write_json(self.run_dir / SUMMARY_FILE, summary)
        return summary

    def summary(self) -> dict[str, Any]:
        """The run summary: span, behaviour counts, LLM use, wall time, stop reason."""
        wall = self._wall_before + time.perf_counter() - self._wall_started
        llm = self.llm.ledger.summary()
        agents = max(1, len(self.personas))
        hours = self.stats.ticks * self.config.minutes_per_tick / 60
        tokens = llm["total"]["tokens"]  # type: ignore[index]
        return {
            "run": self.run_dir.name,
            "world": self.world.name,
            "agents": len(self.personas),
            "model": self.config.llm.model,
            "seed": self.config.seed,
            **self.stats.summary(),
            "simulated_hours": round(hours, 2),
            "tokens_per_agent_per_day": round(tokens / agents / hours * 24) if hours else 0,
            "llm": llm,
            "wall_time_s": round(wall, 1),
            "stop_reason": self.model.stop_reason or "completed",
        }

    def inject(
        self,
        text: str,
        place: str | None = None,
        agents: tuple[str, ...] = (),
        at: datetime | None = None,
    ) -> None:
        """Injects an environment event (released at ``at``, default the next tick)."""
        self.model.inject(text, place=place, agents=agents, at=at)

    def whisper(self, agent: str, text: str) -> str:
        """Gives an agent an inner-voice memory; returns its memory id."""
        if agent not in self.minds:
            raise KeyError(f"no agent named {agent!r}; agents: {', '.join(self.minds)}")
        return self.minds[agent].whisper(text, self.now, self.model.clock.tick)

    async def ainterview(self, agent: str, question: str) -> str:
        """Asks an agent a question; it answers in character from its memories."""
        if agent not in self.minds:
            raise KeyError(f"no agent named {agent!r}; agents: {', '.join(self.minds)}")
        return await self.minds[agent].interview(question, self.now, self.model.clock.tick)

    def interview(self, agent: str, question: str) -> str:
        """Synchronous :meth:`ainterview`."""
        return self.model.run_coroutine(self.ainterview(agent, question))

    def dataframes(self) -> tuple[Any, Any]:
        """The Mesa DataCollector's model and agent frames (pandas)."""
        collector = self.model.datacollector
        return collector.get_model_vars_dataframe(), collector.get_agent_vars_dataframe()

    # --- checkpoints ---------------------------------------------------------------------

    def checkpoint(self) -> Path:
        """Writes a checkpoint of the whole run at the current tick."""
        self.memory.flush()
        state = {
            "model": self.model.get_state(),
            "memory_position": self.memory.position(),
            "ledger": self.llm.ledger.get_state(),
            "stats": self.stats.get_state(),
            "steps": self.steps.get_state() if self.steps is not None else None,
            "wall_s": self._wall_before + time.perf_counter() - self._wall_started,
        }
        path = write_checkpoint(self.run_dir, self.model.clock.tick, state)
        self._prune_checkpoints(self.model.clock.tick, int(state["memory_position"]))
        return path

    def _prune_checkpoints(self, tick: int, position: int) -> None:
        """Keeps the newest and the periodic checkpoints, and the undo log they can use.

        Only the memory store's undo rows that a rollback to a kept checkpoint reads are kept.
        """
        if self._checkpoint_positions is None:  # once per process: the kept ones' positions
            self._checkpoint_positions = {
                checkpoint_tick(path): int(
                    read_checkpoint(self.run_dir, checkpoint_tick(path))["memory_position"]
                )
                for path in list_checkpoints(self.run_dir)
            }
        self._checkpoint_positions[tick] = position
        pruned = prune_checkpoints(
            self.run_dir, self.config.checkpoint_keep_last, self.config.checkpoint_keep_every
        )
        for old in pruned:
            self._checkpoint_positions.pop(old, None)
        if pruned:
            self.memory.store.compact_undo(list(self._checkpoint_positions.values()))

    def restore(self, tick: int | None = None, read_only: bool = False) -> int:
        """Restores the latest (or a given) checkpoint.

        Args:
            tick: The checkpoint's tick; default the latest.
            read_only: Leave the run's files as they are (for interviews): memories and ticks
                after the checkpoint are kept, and retrieval does not touch access times.
                Otherwise later memories and ticks are dropped, ready to continue the run.

        Returns:
            The restored tick.
        """
        state = read_checkpoint(self.run_dir, tick)
        self._checkpoint_positions = None
        self.model.set_state(state["model"])
        if read_only:
            self.memory.read_only = True
            return int(state["tick"])
        self.memory.truncate_after(int(state["memory_position"]))
        self.llm.ledger.set_state(state["ledger"])
        self.stats.set_state(state["stats"])
        if self.steps is not None and state.get("steps") is not None:
            self.steps.set_state(state["steps"])
        self._wall_before = float(state["wall_s"])
        self._wall_started = time.perf_counter()
        trajectory = self.run_dir / TRAJECTORY_FILE
        if trajectory.exists():
            truncate_trajectory(trajectory, int(state["tick"]))
        return int(state["tick"])

    def on_close(self, closer: Callable[[], None]) -> None:
        """Adds something to close with the town (e.g. the LLM stack it was built with)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Closes the trajectory, the memory, the model's event loop and ``on_close`` (once)."""
        if self._closed:
            return
        self._closed = True
        if self.writer is not None:
            self.writer.close()
        self.memory.close()
        self.model.close()
        for closer in self._closers:
            closer()


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2))

"""gentown's command line and composition root: arguments → world → LLM + memory → town.

``python run_town.py`` with no arguments runs the main job: a few agents of the bundled town
through a simulated morning on the bundled local model, headless, into a new run folder.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

EXIT_USER_ERROR = 2
MAIN_JOB = ["run", "--hours", "4", "--agents", "3"]


class UserError(Exception):
    """A problem with the user's input: printed without a traceback, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gentown",
        description="Simulate a small town of generative agents. With no command: the main job "
        "(3 agents of the bundled town, a simulated morning, the bundled local model).",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run a town and write a run folder")
    run.add_argument("--world", default="maplewood", help="bundled world name or path")
    who = run.add_mutually_exclusive_group()
    who.add_argument("--agents", type=int, help="how many of the world's personas (default 3)")
    who.add_argument("--personas", help="comma-separated persona names")
    run.add_argument("--start", default="2026-02-13 07:00", help='"YYYY-MM-DD HH:MM"')
    run.add_argument("--hours", type=float, default=4.0, help="simulated hours to run")
    run.add_argument("--minutes-per-tick", type=int, default=10)
    run.add_argument("--model", default=None, help="litellm model, local/<name> or a .gguf path")
    run.add_argument("--api-base", default=None, help="OpenAI-compatible server URL")
    run.add_argument("--api-key-env", default=None, help="env variable holding the API key")
    run.add_argument("--concurrency", type=int, default=4, help="LLM calls in flight")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--out", type=Path, default=None, help="run folder (default runs/<id>)")
    run.add_argument(
        "--event",
        action="append",
        default=[],
        metavar='"HH:MM text"',
        help="a scheduled event (repeatable)",
    )
    run.add_argument(
        "--whisper",
        action="append",
        default=[],
        metavar='"Name: text"',
        help="an inner-voice memory given at the start (repeatable)",
    )
    run.add_argument("--max-tokens", type=int, default=None, help="stop after this many tokens")
    run.add_argument("--no-cache", action="store_true", help="do not use the LLM response cache")
    run.add_argument("--viewer", action="store_true", help="watch the run live in a window")
    run.add_argument("--quiet", action="store_true", help="no progress line")
    resume = sub.add_parser("resume", help="continue a run from its last checkpoint")
    resume.add_argument("run_dir", type=Path)
    resume.add_argument("--hours", type=float, default=None, help="extend the run's span")
    resume.add_argument("--quiet", action="store_true")
    fork = sub.add_parser("fork", help="copy a run at a checkpoint into a new run folder")
    fork.add_argument("run_dir", type=Path)
    fork.add_argument("--tick", type=int, required=True)
    fork.add_argument("--out", type=Path, required=True)
    world = sub.add_parser("world", help="world files")
    world_sub = world.add_subparsers(dest="world_command", required=True)
    check = world_sub.add_parser("check", help="validate a world file and summarise it")
    check.add_argument("path")
    persona = sub.add_parser("persona", help="persona files")
    persona_sub = persona.add_subparsers(dest="persona_command", required=True)
    imp = persona_sub.add_parser("import", help="convert a TinyTroupe *.agent.json")
    imp.add_argument("path", type=Path)
    sample = persona_sub.add_parser("sample", help="draw N diverse personas for a world")
    sample.add_argument("--world", default="maplewood")
    sample.add_argument("--count", type=int, default=10)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--model", default=None)
    sample.add_argument("--out", type=Path, required=True, help="folder for the persona files")
    replay = sub.add_parser("replay", help="watch a recorded run, or export its frames")
    replay.add_argument("run_dir", type=Path)
    replay.add_argument("--headless", action="store_true", help="no window")
    replay.add_argument("--frames-out", type=Path, default=None, help="write PNG frames here")
    replay.add_argument("--every", type=int, default=1, help="keep every Nth tick")
    replay.add_argument("--gif", type=Path, default=None, help="write an animated GIF")
    replay.add_argument("--speed", type=float, default=1.0, help="ticks per second (1 … 64)")
    replay.add_argument("--seek", default=None, help='start at "HH:MM", "day N HH:MM" or "tick N"')
    interview = sub.add_parser("interview", help="ask an agent of a run a question")
    interview.add_argument("run_dir", type=Path)
    interview.add_argument("agent")
    interview.add_argument("question")
    whisper = sub.add_parser("whisper", help="give an agent of a run an inner-voice memory")
    whisper.add_argument("run_dir", type=Path)
    whisper.add_argument("agent")
    whisper.add_argument("text")
    from agents.evaluation.commands import add_commands

    add_commands(sub)  # export, eval, study
    return parser


# --- errors ------------------------------------------------------------------------------


def user_error_message(exc: BaseException) -> str | None:
    """The message for an error caused by the user's input, or None for a bug."""
    from pydantic import ValidationError

    from agents.llm.local_models import LocalModelError
    from agents.persona import PersonaError
    from simulation.analysis.errors import AnalysisError
    from simulation.checkpoint import CheckpointError
    from simulation.trajectory import TrajectoryError
    from worlds.errors import SpecError

    user_errors = (
        UserError,
        SpecError,
        PersonaError,
        CheckpointError,
        TrajectoryError,
        AnalysisError,
    )
    if isinstance(exc, user_errors):
        return str(exc)
    if isinstance(exc, LocalModelError):
        return str(exc)
    if isinstance(exc, ValidationError):
        lines = [
            f"{'.'.join(str(p) for p in e['loc']) or '(value)'}: {e['msg']}" for e in exc.errors()
        ]
        return "invalid settings:\n  " + "\n  ".join(lines)
    return None


# --- composition -------------------------------------------------------------------------


def _config_from_args(args: argparse.Namespace) -> Any:
    from agents.llm.settings import DEFAULT_MODEL, LLMSettings
    from agents.run_config import RunConfig, ScheduledEventSpec, WhisperSpec

    events = []
    for text in args.event:
        at, _, what = text.strip().partition(" ")
        if not what:
            raise UserError(f'--event {text!r}: expected "HH:MM what happens"')
        events.append(ScheduledEventSpec(at=at, text=what))
    whispers = []
    for text in args.whisper:
        agent, sep, what = text.partition(":")
        if not sep or not what.strip():
            raise UserError(f'--whisper {text!r}: expected "Name: what they think"')
        whispers.append(WhisperSpec(agent=agent.strip(), text=what.strip()))
    if args.hours <= 0:
        raise UserError(f"--hours {args.hours}: give a positive number of simulated hours")
    model = args.model or DEFAULT_MODEL
    if model.endswith(".gguf") and not model.startswith("local/"):
        model = "local/" + str(Path(model).resolve())
    llm = LLMSettings(
        model=model,
        api_base=args.api_base,
        api_key_env=args.api_key_env,
        concurrency=args.concurrency,
        cache=not args.no_cache,
        max_run_tokens=args.max_tokens,
    )
    try:
        return RunConfig(
            world=args.world,
            personas=[p.strip() for p in args.personas.split(",")] if args.personas else [],
            agents=args.agents if args.agents is not None else (None if args.personas else 3),
            start=args.start,
            hours=args.hours,
            minutes_per_tick=args.minutes_per_tick,
            seed=args.seed,
            llm=llm,
            events=events,
            whispers=whispers,
        )
    except ValueError as exc:
        raise UserError(str(exc).replace("\n", " ")) from None


def _cast(config: Any, world: Any) -> list[Any]:
    from agents.persona import load_personas, validate_against_world
    from worlds.loader import personas_dir

    folder = personas_dir(config.world)
    if folder is None:
        raise UserError(f"world {config.world!r} has no personas/ folder next to it")
    everyone = load_personas(folder)
    by_name = {p.name: p for p in everyone}
    if config.personas:
        missing = [n for n in config.personas if n not in by_name]
        if missing:
            raise UserError(
                f"--personas: no persona named {', '.join(missing)}; "
                f"known: {', '.join(sorted(by_name))}"
            )
        cast = [by_name[n] for n in config.personas]
    else:
        count = config.agents or len(everyone)
        if count > len(everyone):
            raise UserError(f"--agents {count}: {config.world} has only {len(everyone)} personas")
        cast = everyone[:count]
    validate_against_world(everyone, world)  # a broken persona file is an error, cast or not
    unknown = [w.agent for w in config.whispers if w.agent not in {p.name for p in cast}]
    if unknown:
        raise UserError(f"--whisper: {', '.join(unknown)} is not in this run's cast")
    return cast


def _open_town(config: Any, world: Any, personas: list[Any], run_dir: Path, sinks=None) -> Any:
    from agents.assembly import LLMStack, build_town

    cache = Path(config.llm_cache) if config.llm_cache else None
    llm = LLMStack(config.llm, cache_path=cache)
    town = build_town(config, world, personas, run_dir, llm, sinks=sinks)
    town.on_close(llm.close)  # the CLI's town owns its LLM stack (and the local runtime)
    return town


def _progress(quiet: bool, total: int):
    def show(town: Any) -> None:
        if quiet:
            return
        used = town.llm.ledger.total
        print(
            f"\r{town.now:%a %H:%M}  tick {town.model.clock.tick}/{total}  "
            f"tokens {used.tokens:,}  calls {used.calls}  cost ${used.cost_usd:.4f}   ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def _print_summary(summary: dict[str, Any], run_dir: Path) -> None:
    llm = summary["llm"]["total"]
    print(
        f"\nRun {summary['run']} in {run_dir}\n"
        f"  {summary['agents']} agents, {summary['simulated_from']} → {summary['simulated_to']}"
        f" ({summary['ticks']} ticks), stop: {summary['stop_reason']}\n"
        f"  {summary['conversations']} conversations, {summary['utterances']} utterances, "
        f"{summary['actions']} actions, {summary['reflections']} reflections, "
        f"{summary['memories']} memories\n"
        f"  LLM: {llm['calls']} calls, {llm['tokens']:,} tokens, {llm['cache_hits']} cache hits, "
        f"${llm['cost_usd']:.4f}, failures {llm['failures'] or 'none'}; "
        f"{summary['tokens_per_agent_per_day']:,} tokens/agent/simulated day\n"
        f"  wall time {summary['wall_time_s']} s"
    )


def _run_town(town: Any, quiet: bool, ticks: int | None = None) -> int:
    try:
        summary = town.run(ticks, on_tick=_progress(quiet, town.config.ticks))
    except KeyboardInterrupt:  # possibly mid-tick: keep the last checkpoint, write the summary
        town.stop("interrupted")
        summary = town.finish(checkpoint=False)
    finally:
        town.close()
    _print_summary(summary, town.run_dir)
    return 0


# --- commands ----------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """``run``: a new run folder."""
    from worlds.loader import load_world

    config = _config_from_args(args)
    world = load_world(config.world)
    personas = _cast(config, world)
    run_dir = args.out or Path("runs") / (
        f"{datetime.now():%Y%m%d-%H%M%S}-{world.name.lower().replace(' ', '-')}-s{config.seed}"
    )
    if (run_dir / "trajectory.jsonl").exists():
        raise UserError(f"--out {run_dir}: a run is already there (use resume, or another --out)")
    if args.viewer:
        return _run_with_viewer(config, world, personas, run_dir, args.quiet)
    town = _open_town(config, world, personas, run_dir)
    town.start()
    return _run_town(town, args.quiet)


def _run_with_viewer(
    config: Any, world: Any, personas: list[Any], run_dir: Path, quiet: bool
) -> int:
    """Runs the town in a worker thread while the window shows its frames on the main thread.

    Closing the window stops the run after its current tick, with a checkpoint and a summary.
    """
    import queue
    import threading

    from viz.app import LiveViewer

    frames: queue.Queue[Any] = queue.Queue()
    town = _open_town(config, world, personas, run_dir, sinks=[frames.put])
    town.start()
    outcome: dict[str, Any] = {}

    def simulate() -> None:
        try:
            outcome["code"] = _run_town(town, quiet)
        finally:
            frames.put(None)

    worker = threading.Thread(target=simulate, name="gentown-simulation")
    worker.start()
    viewer = LiveViewer(world, [p.model_dump(mode="json") for p in personas], frames)
    try:
        viewer.run()
    finally:
        if worker.is_alive():
            town.stop("viewer closed")
        worker.join()
    return int(outcome.get("code", 1))


def _load_run(run_dir: Path) -> tuple[Any, Any, list[Any]]:
    from agents.persona import Persona
    from agents.run_config import RunConfig
    from worlds.world import World

    path = run_dir / "run.json"
    if not path.exists():
        raise UserError(f"{run_dir}: not a run folder (no run.json)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        config = RunConfig.model_validate(data["config"])
        world = World.model_validate(data["world"])
        personas = [Persona.model_validate(p) for p in data["personas"]]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UserError(
            f"{path}: not a readable run.json ({exc}); the run folder is damaged"
        ) from None
    return config, world, personas


def cmd_resume(args: argparse.Namespace) -> int:
    """``resume``: continue a run from its last checkpoint, in the same folder."""
    config, world, personas = _load_run(args.run_dir)
    if args.hours is not None:
        config = config.model_copy(update={"hours": args.hours})
    town = _open_town(config, world, personas, args.run_dir)
    tick = town.restore()
    town.open_outputs()
    print(f"resuming {args.run_dir} at tick {tick} ({town.now:%Y-%m-%d %H:%M})", file=sys.stderr)
    return _run_town(town, args.quiet)


def cmd_fork(args: argparse.Namespace) -> int:
    """``fork``: copy a run up to a checkpoint into a new folder (which can then be resumed)."""
    import shutil

    from simulation.checkpoint import read_checkpoint

    read_checkpoint(args.run_dir, args.tick)  # fails clearly if there is no such checkpoint
    if args.out.exists():
        raise UserError(f"--out {args.out}: already exists")
    shutil.copytree(args.run_dir, args.out, ignore=shutil.ignore_patterns("chroma"))
    for later in sorted((args.out / "checkpoints").glob("tick-*.json")):
        if int(later.stem.removeprefix("tick-")) > args.tick:
            later.unlink()
    config, world, personas = _load_run(args.out)
    town = _open_town(config, world, personas, args.out)
    try:
        town.restore(args.tick)
        town.open_outputs()
        town.checkpoint()
    finally:
        town.close()
    print(f"forked {args.run_dir} at tick {args.tick} into {args.out}")
    return 0


def cmd_world_check(args: argparse.Namespace) -> int:
    """``world check``: validate a world and print a one-screen summary."""
    from worlds.loader import load_world
    from worlds.summary import summarize

    print(summarize(load_world(args.path)))
    return 0


def cmd_persona(args: argparse.Namespace) -> int:
    """``persona import`` prints a TinyTroupe spec as a persona; ``persona sample`` draws N."""
    from agents.persona import format_persona
    from agents.tinytroupe import from_tinytroupe, load_tinytroupe

    if args.persona_command == "import":
        print(format_persona(from_tinytroupe(load_tinytroupe(args.path), str(args.path))))
        return 0
    return _sample_personas(args)


def _sample_personas(args: argparse.Namespace) -> int:
    import asyncio

    from agents.assembly import LLMStack
    from agents.llm.settings import DEFAULT_MODEL, LLMSettings
    from agents.persona import format_persona
    from agents.population import PopulationSpec, diversity_summary, sample_population
    from worlds.loader import load_world

    if args.count < 1:
        raise UserError(f"--count {args.count}: give at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        raise UserError(f"--out {args.out}: the folder is not empty")
    world = load_world(args.world)
    llm = LLMStack(LLMSettings(model=args.model or DEFAULT_MODEL))
    try:
        people, notes = asyncio.run(
            sample_population(PopulationSpec(count=args.count), world, llm.gateway, args.seed)
        )
    finally:
        llm.close()
    args.out.mkdir(parents=True, exist_ok=True)
    for i, persona in enumerate(people, 1):
        slug = persona.name.lower().replace(" ", "_").replace("'", "")
        (args.out / f"{i:02d}_{slug}.yaml").write_text(format_persona(persona), encoding="utf-8")
    print(diversity_summary(people))
    for note in notes:
        print(f"fallback: {note}", file=sys.stderr)
    print(f"wrote {len(people)} personas to {args.out}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """``replay``: a recorded run in a window, or exported as PNG frames / a GIF."""
    from viz.app import replay

    if not (args.run_dir / "trajectory.jsonl").exists():
        raise UserError(f"{args.run_dir}: not a run folder (no trajectory.jsonl)")
    if args.every < 1:
        raise UserError(f"--every {args.every}: give 1 or more")
    if not 0 < args.speed <= 64:
        raise UserError(f"--speed {args.speed}: give a speed from 1 to 64")
    return replay(
        args.run_dir,
        headless=args.headless,
        frames_out=args.frames_out,
        every=args.every,
        gif=args.gif,
        speed=args.speed,
        seek=args.seek,
    )


def _open_existing(run_dir: Path, read_only: bool) -> Any:
    config, world, personas = _load_run(run_dir)
    town = _open_town(config, world, personas, run_dir)
    town.restore(read_only=read_only)
    return town


def cmd_interview(args: argparse.Namespace) -> int:
    """``interview``: an agent answers from its memories at the run's last checkpoint."""
    town = _open_existing(args.run_dir, read_only=True)
    try:
        if args.agent not in town.minds:
            raise UserError(f"no agent {args.agent!r} in this run; agents: {', '.join(town.minds)}")
        print(town.interview(args.agent, args.question))
    finally:
        town.close()
    return 0


def cmd_whisper(args: argparse.Namespace) -> int:
    """``whisper``: add an inner-voice memory to an agent of a run (kept by ``resume``)."""
    town = _open_existing(args.run_dir, read_only=False)
    try:
        if args.agent not in town.minds:
            raise UserError(f"no agent {args.agent!r} in this run; agents: {', '.join(town.minds)}")
        memory_id = town.whisper(args.agent, args.text)
        town.checkpoint()
    finally:
        town.close()
    print(f"{args.agent} now remembers: {args.text} ({memory_id})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(args_list or MAIN_JOB)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handlers = {
        "run": cmd_run,
        "resume": cmd_resume,
        "fork": cmd_fork,
        "world": cmd_world_check,
        "persona": cmd_persona,
        "interview": cmd_interview,
        "replay": cmd_replay,
        "whisper": cmd_whisper,
    }
    try:
        return (handlers.get(args.command) or args.func)(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # user errors become one clear message; bugs keep their traceback
        message = user_error_message(exc)
        if message is None:
            raise
        print(f"gentown: error: {message}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())

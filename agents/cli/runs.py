"""The commands of a run's life: ``run``, ``resume``, ``fork``, ``interview`` and ``whisper``.

Each is thin over the town API (:mod:`agents.assembly`, :class:`agents.town.Town`). Heavy imports
happen inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from agents.cli.errors import UserError


def add_commands(sub: Any) -> None:
    """Adds ``run``, ``resume``, ``fork``, ``interview`` and ``whisper`` to the CLI."""
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
    run.add_argument(
        "--structured-output",
        choices=["auto", "json_schema", "prompt"],
        default="auto",
        help="how replies are held to their JSON schema: auto (as litellm knows the model), "
        "json_schema (the server enforces it: vLLM, llama.cpp server), prompt (schema in the "
        "prompt only)",
    )
    run.add_argument(
        "--chroma",
        default=None,
        metavar="HOST:PORT",
        help="keep the memory index on this Chroma server (`chroma run`) instead of embedded",
    )
    run.add_argument("--seed", type=int, default=0)
    run.add_argument(
        "--conversation-mode",
        choices=("line", "scene"),
        default=None,
        help="scene (default): the opener writes the whole exchange in one call; line: one LLM "
        "call per spoken line",
    )
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
    run.add_argument(
        "--ablate",
        default=None,
        metavar="PARTS",
        help="switch parts of the mind off: reflection, planning, memory (comma-separated)",
    )
    run.add_argument("--no-cache", action="store_true", help="do not use the LLM response cache")
    run.add_argument("--viewer", action="store_true", help="watch the run live in a window")
    run.add_argument("--quiet", action="store_true", help="no progress line")
    run.add_argument(
        "--progress", action="store_true", help="print the progress line even off a terminal"
    )
    resume = sub.add_parser("resume", help="continue a run from its last checkpoint")
    resume.add_argument("run_dir", type=Path)
    resume.add_argument("--hours", type=float, default=None, help="extend the run's span")
    resume.add_argument(
        "--max-tokens", type=int, default=None, help="a new token budget for the whole run"
    )
    resume.add_argument("--quiet", action="store_true")
    resume.add_argument("--progress", action="store_true", help="progress line off a terminal too")
    fork = sub.add_parser("fork", help="copy a run at a checkpoint into a new run folder")
    fork.add_argument("run_dir", type=Path)
    fork.add_argument("--tick", type=int, required=True)
    fork.add_argument("--out", type=Path, required=True)
    fork.add_argument(
        "--max-tokens", type=int, default=None, help="a new token budget for the forked run"
    )
    interview = sub.add_parser("interview", help="ask an agent of a run a question")
    interview.add_argument("run_dir", type=Path)
    interview.add_argument("agent")
    interview.add_argument("question")
    whisper = sub.add_parser("whisper", help="give an agent of a run an inner-voice memory")
    whisper.add_argument("run_dir", type=Path)
    whisper.add_argument("agent")
    whisper.add_argument("text")
    run.set_defaults(func=cmd_run)
    resume.set_defaults(func=cmd_resume)
    fork.set_defaults(func=cmd_fork)
    interview.set_defaults(func=cmd_interview)
    whisper.set_defaults(func=cmd_whisper)


def cmd_run(args: argparse.Namespace) -> int:
    """``run``: a new run folder."""
    from agents import assembly
    from agents.assembly import choose_cast
    from simulation.run_reader import TRAJECTORY_FILE
    from worlds.loader import load_world

    config = config_from_args(args)
    world = load_world(config.world)
    personas = choose_cast(config, world)
    run_dir = args.out or Path("runs") / (
        f"{datetime.now():%Y%m%d-%H%M%S}-{world.name.lower().replace(' ', '-')}-s{config.seed}"
    )
    if (run_dir / TRAJECTORY_FILE).exists():
        raise UserError(f"--out {run_dir}: a run is already there (use resume, or another --out)")
    if args.viewer:
        return run_with_viewer(config, world, personas, run_dir, args.quiet, args.progress)
    created = not run_dir.exists()
    try:
        town = assembly.open_town(config, world, personas, run_dir)
        town.start()
        return run_and_report(town, args.quiet, progress_line=args.progress)
    except Exception:
        if created and not _has_a_tick(run_dir):  # nothing of the run was complete: no folder
            shutil.rmtree(run_dir, ignore_errors=True)
        raise


def _has_a_tick(run_dir: Path) -> bool:
    """Whether the run folder's trajectory holds at least one complete tick."""
    from simulation.trajectory import read_trajectory

    try:
        return bool(read_trajectory(run_dir).frames)
    except Exception:  # no trajectory, or not even a header
        return False


def run_with_viewer(
    config: Any,
    world: Any,
    personas: list[Any],
    run_dir: Path,
    quiet: bool,
    progress_line: bool = False,
) -> int:
    """Runs the town in a worker thread while the window shows its frames on the main thread.

    The window opens on the town before its first step (a tick-0 frame; the trajectory keeps
    starting at tick 1), with a progress line of what the minds are doing. Closing the window
    stops the run after its current tick, with a checkpoint and a summary.
    """
    import queue
    import threading

    from agents import assembly
    from viz.app import LiveViewer

    frames: queue.Queue[Any] = queue.Queue()
    town = assembly.open_town(config, world, personas, run_dir, sinks=[frames.put])
    town.start()
    frames.put(town.frame)  # tick 0: people at their start positions, before the day plans
    progress = run_progress(town)
    outcome: dict[str, Any] = {}

    def simulate() -> None:
        try:
            outcome["code"] = run_and_report(town, quiet, progress=progress,
                                             progress_line=progress_line)  # fmt: skip
        finally:
            frames.put(None)

    worker = threading.Thread(target=simulate, name="gentown-simulation")
    worker.start()
    cast = [p.model_dump(mode="json") for p in personas]
    viewer = LiveViewer(world, cast, frames, progress=progress)
    try:
        viewer.run()
    finally:
        if worker.is_alive():
            town.stop("viewer closed")
        worker.join()
    return int(outcome.get("code", 1))


def cmd_resume(args: argparse.Namespace) -> int:
    """``resume``: continue a run from its last checkpoint, in the same folder."""
    from agents.assembly import reopen_town

    def update(config: Any) -> Any:
        if args.hours is not None:
            config = config.model_copy(update={"hours": args.hours})
        return with_token_budget(config, args.max_tokens)

    town = reopen_town(args.run_dir, config_update=update)
    tick = town.model.clock.tick
    town.open_outputs()
    print(f"resuming {args.run_dir} at tick {tick} ({town.now:%Y-%m-%d %H:%M})", file=sys.stderr)
    return run_and_report(town, args.quiet, progress_line=args.progress)


def cmd_fork(args: argparse.Namespace) -> int:
    """``fork``: copy a run up to a checkpoint into a new folder (which can then be resumed)."""
    import shutil

    from agents.assembly import reopen_town
    from simulation.checkpoint import checkpoint_tick, list_checkpoints, read_checkpoint
    from simulation.run_reader import CHROMA_DIR

    read_checkpoint(args.run_dir, args.tick)  # fails clearly if there is no such checkpoint
    if args.out.exists():
        raise UserError(f"--out {args.out}: already exists")
    shutil.copytree(args.run_dir, args.out, ignore=shutil.ignore_patterns(CHROMA_DIR))
    for later in list_checkpoints(args.out):
        if checkpoint_tick(later) > args.tick:
            later.unlink()
    town = reopen_town(
        args.out, tick=args.tick, config_update=lambda c: with_token_budget(c, args.max_tokens)
    )
    try:
        town.open_outputs()
        town.checkpoint()
    finally:
        town.close()
    print(f"forked {args.run_dir} at tick {args.tick} into {args.out}")
    return 0


def cmd_interview(args: argparse.Namespace) -> int:
    """``interview``: an agent answers from its memories at the run's last checkpoint."""
    from agents.assembly import reopen_town

    town = reopen_town(args.run_dir, read_only=True)
    try:
        if args.agent not in town.minds:
            raise UserError(f"no agent {args.agent!r} in this run; agents: {', '.join(town.minds)}")
        print(town.interview(args.agent, args.question))
    finally:
        town.close()
    return 0


def cmd_whisper(args: argparse.Namespace) -> int:
    """``whisper``: add an inner-voice memory to an agent of a run (kept by ``resume``)."""
    from agents.assembly import reopen_town

    town = reopen_town(args.run_dir)
    try:
        if args.agent not in town.minds:
            raise UserError(f"no agent {args.agent!r} in this run; agents: {', '.join(town.minds)}")
        memory_id = town.whisper(args.agent, args.text)
        town.checkpoint()
    finally:
        town.close()
    print(f"{args.agent} now remembers: {args.text} ({memory_id})")
    return 0


def with_token_budget(config: Any, max_tokens: int | None) -> Any:
    """The run's config with a new token budget (``--max-tokens`` of resume and fork).

    A run stopped by its budget continues with a larger one; the tokens already spent count.
    """
    if max_tokens is None:
        return config
    if max_tokens < 1:
        raise UserError(f"--max-tokens {max_tokens}: give a number of tokens of 1 or more")
    llm = config.llm.model_copy(update={"max_run_tokens": max_tokens})
    return config.model_copy(update={"llm": llm})


RUN_FLAGS = {
    "world": "--world",
    "personas": "--personas",
    "agents": "--agents",
    "start": "--start",
    "hours": "--hours",
    "minutes_per_tick": "--minutes-per-tick",
    "seed": "--seed",
    "conversation_mode": "--conversation-mode",
    "events": "--event",
    "at": "--event",
    "text": "--event",
    "whispers": "--whisper",
    "agent": "--whisper",
    "model": "--model",
    "api_base": "--api-base",
    "api_key_env": "--api-key-env",
    "concurrency": "--concurrency",
    "structured_output": "--structured-output",
    "max_run_tokens": "--max-tokens",
    "chroma": "--chroma",
    "mind": "--ablate",
}


def flag_error(exc: Any, flags: dict[str, str] = RUN_FLAGS) -> UserError:
    """One line naming the flag, the value and what to give, for a pydantic ValidationError.

    Args:
        exc: The ``pydantic.ValidationError`` raised while building settings from flags.
        flags: Field name → the flag that sets it.

    Returns:
        A :class:`UserError` for the first error, e.g. ``--start '25:99': '25:99' is not a
        date-time like '2026-02-13 07:00'``.
    """
    first = exc.errors()[0]
    names = [str(part) for part in first["loc"] if not isinstance(part, int)]
    flag = next((flags[name] for name in reversed(names) if name in flags), None)
    message = first["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    value = first.get("input")
    shown = repr(value) if isinstance(value, str | int | float) else ""
    if flag is None:
        return UserError(f"{'.'.join(names) or 'settings'}: {message}")
    return UserError(f"{flag} {shown}: {message}" if shown else f"{flag}: {message}")


def config_from_args(args: argparse.Namespace) -> Any:
    """Builds the run configuration from ``run`` arguments (UserError on a bad one)."""
    from pydantic import ValidationError

    try:
        return _config_from_args(args)
    except ValidationError as exc:
        raise flag_error(exc) from None


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
    chroma = _chroma_server(args.chroma) if args.chroma else None
    mind = _ablated_parts(args.ablate) if args.ablate else None
    model = args.model or DEFAULT_MODEL
    if model.endswith(".gguf") and not model.startswith("local/"):
        model = "local/" + str(Path(model).resolve())
    llm = LLMSettings(
        model=model,
        api_base=args.api_base,
        api_key_env=args.api_key_env,
        concurrency=args.concurrency,
        structured_output=args.structured_output,
        cache=not args.no_cache,
        max_run_tokens=args.max_tokens,
    )
    return RunConfig(
        world=args.world,
        personas=[p.strip() for p in args.personas.split(",")] if args.personas else [],
        agents=args.agents if args.agents is not None else (None if args.personas else 3),
        start=args.start,
        hours=args.hours,
        minutes_per_tick=args.minutes_per_tick,
        seed=args.seed,
        llm=llm,
        **({"conversation_mode": args.conversation_mode} if args.conversation_mode else {}),
        events=events,
        whispers=whispers,
        chroma=chroma,
        **({"mind": mind} if mind is not None else {}),
    )


def _ablated_parts(text: str) -> Any:
    """The mind's parts with those named in ``--ablate`` switched off."""
    from agents.cognition.parts import PARTS, MindParts

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PARTS]
    if not names or unknown:
        raise UserError(
            f"--ablate {text!r}: give parts of the mind to switch off, from {', '.join(PARTS)} "
            "(e.g. --ablate reflection,planning)"
        )
    return MindParts.without(names)


def _chroma_server(address: str) -> Any:
    """``ChromaSettings`` for ``--chroma HOST:PORT`` (UserError on a malformed address)."""
    from agents.memory.index import ChromaSettings

    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UserError(
            f"--chroma {address!r}: expected HOST:PORT of a Chroma server, e.g. 127.0.0.1:8000"
        )
    return ChromaSettings(host=host, port=int(port))


def run_progress(town: Any) -> Any:
    """Where a town's run is (``viz.progress``), told of its LLM calls by the gateway."""
    from viz.progress import RunProgress

    first, calls = town.model.clock.tick + 1, town.llm.ledger.total.calls
    progress = RunProgress(town.config.ticks, first_tick=first, calls=calls)
    town.llm.observer = progress.observe
    return progress


def _write_err(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


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


def run_and_report(
    town: Any,
    quiet: bool,
    ticks: int | None = None,
    progress: Any = None,
    progress_line: bool = False,
) -> int:
    """Runs a started town to the end of its span, then prints the summary.

    Unless ``quiet``, one updating line on stderr tells what the minds are doing, when stderr
    is a terminal or ``progress_line`` asks for it. ``progress`` (a ``viz.progress.RunProgress``,
    e.g. shared with a live viewer) is told of every tick.
    """
    from agents.llm.errors import LLMSetupError
    from agents.memory.index import ChromaUnreachable

    line = None
    if not quiet and (progress_line or sys.stderr.isatty()):
        from viz.progress import ProgressLine

        progress = progress or run_progress(town)
        line = ProgressLine(progress, _write_err)
        line.start()
    on_tick = (lambda t: progress.tick_done(t.model.clock.tick)) if progress is not None else None
    try:
        summary = town.run(ticks, on_tick=on_tick)
    except KeyboardInterrupt:  # possibly mid-tick: keep the last checkpoint, write the summary
        town.stop("interrupted")
        summary = town.finish(checkpoint=False)
    except ChromaUnreachable as exc:  # mid-tick too; the folder keeps every complete tick
        raise UserError(
            f"{exc}; {town.run_dir} keeps every complete tick: once the server answers, "
            f"continue with `python run_town.py resume {town.run_dir}`"
        ) from None
    except LLMSetupError as exc:  # at the first call: the tick in progress is not written
        town.memory.discard_pending()
        raise UserError(str(exc)) from None
    finally:
        if progress is not None:
            progress.finish()
        if line is not None:
            line.stop()
        town.close()
    _print_summary(summary, town.run_dir)
    return 0

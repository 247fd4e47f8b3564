"""The CLI's commands over the town API: resume, fork, interview, whisper, world and personas.

``run_town.py`` parses the arguments, and owns what needs the viewer (run --viewer, replay).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


class UserError(Exception):
    """A problem with the user's input: printed without a traceback, exit code 2."""


# The ``run`` flag that sets each field of RunConfig (and of its LLMSettings and event specs).
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


def open_town(config: Any, world: Any, personas: list[Any], run_dir: Path, sinks=None) -> Any:
    """Builds a town with the real LLM stack, which the town closes with itself."""
    from agents.assembly import LLMStack, build_town

    cache = Path(config.llm_cache) if config.llm_cache else None
    llm = LLMStack(config.llm, cache_path=cache)
    town = build_town(config, world, personas, run_dir, llm, sinks=sinks)
    town.on_close(llm.close)  # the CLI's town owns its LLM stack (and the local runtime)
    return town


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


def cmd_resume(args: argparse.Namespace) -> int:
    """``resume``: continue a run from its last checkpoint, in the same folder."""
    from agents.evaluation.services import read_run_files

    config, world, personas = read_run_files(args.run_dir)
    if args.hours is not None:
        config = config.model_copy(update={"hours": args.hours})
    config = with_token_budget(config, args.max_tokens)
    town = open_town(config, world, personas, args.run_dir)
    tick = town.restore()
    town.open_outputs()
    print(f"resuming {args.run_dir} at tick {tick} ({town.now:%Y-%m-%d %H:%M})", file=sys.stderr)
    return run_and_report(town, args.quiet, progress_line=args.progress)


def cmd_fork(args: argparse.Namespace) -> int:
    """``fork``: copy a run up to a checkpoint into a new folder (which can then be resumed)."""
    import shutil

    from agents.evaluation.services import read_run_files
    from simulation.checkpoint import checkpoint_tick, list_checkpoints, read_checkpoint
    from simulation.run_reader import CHROMA_DIR

    read_checkpoint(args.run_dir, args.tick)  # fails clearly if there is no such checkpoint
    if args.out.exists():
        raise UserError(f"--out {args.out}: already exists")
    shutil.copytree(args.run_dir, args.out, ignore=shutil.ignore_patterns(CHROMA_DIR))
    for later in list_checkpoints(args.out):
        if checkpoint_tick(later) > args.tick:
            later.unlink()
    config, world, personas = read_run_files(args.out)
    config = with_token_budget(config, args.max_tokens)
    town = open_town(config, world, personas, args.out)
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


def open_existing(run_dir: Path, read_only: bool) -> Any:
    """Reopens a run at its last checkpoint (read-only for interviews)."""
    from agents.evaluation.services import read_run_files

    config, world, personas = read_run_files(run_dir)
    town = open_town(config, world, personas, run_dir)
    town.restore(read_only=read_only)
    return town


def cmd_interview(args: argparse.Namespace) -> int:
    """``interview``: an agent answers from its memories at the run's last checkpoint."""
    town = open_existing(args.run_dir, read_only=True)
    try:
        if args.agent not in town.minds:
            raise UserError(f"no agent {args.agent!r} in this run; agents: {', '.join(town.minds)}")
        print(town.interview(args.agent, args.question))
    finally:
        town.close()
    return 0


def cmd_whisper(args: argparse.Namespace) -> int:
    """``whisper``: add an inner-voice memory to an agent of a run (kept by ``resume``)."""
    town = open_existing(args.run_dir, read_only=False)
    try:
        if args.agent not in town.minds:
            raise UserError(f"no agent {args.agent!r} in this run; agents: {', '.join(town.minds)}")
        memory_id = town.whisper(args.agent, args.text)
        town.checkpoint()
    finally:
        town.close()
    print(f"{args.agent} now remembers: {args.text} ({memory_id})")
    return 0

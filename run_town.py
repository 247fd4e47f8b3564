"""gentown's command line and composition root: arguments → world → LLM + memory → town.

``python run_town.py`` with no arguments runs the main job: a few agents of the bundled town
through a simulated morning on the bundled local model, headless, into a new run folder.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

EXIT_USER_ERROR = 2
MAIN_JOB = ["run", "--hours", "4", "--agents", "3"]


from agents.commands import (  # noqa: E402 - the CLI's commands over the town API
    UserError,
    cmd_fork,
    cmd_interview,
    cmd_persona,
    cmd_resume,
    cmd_whisper,
    cmd_world_check,
    config_from_args,
    open_town,
    run_and_report,
    run_progress,
)


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

    from agents.assembly import CastError
    from agents.llm.errors import LLMSetupError
    from agents.llm.local_models import LocalModelError
    from agents.memory.index import ChromaUnreachable
    from agents.persona import PersonaError
    from simulation.analysis.errors import AnalysisError
    from simulation.checkpoint import CheckpointError
    from simulation.trajectory import TrajectoryError
    from worlds.errors import SpecError

    user_errors = (
        UserError,
        CastError,
        SpecError,
        PersonaError,
        CheckpointError,
        TrajectoryError,
        AnalysisError,
        ChromaUnreachable,
        LLMSetupError,
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


# --- commands ----------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    """``run``: a new run folder."""
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
        return _run_with_viewer(config, world, personas, run_dir, args.quiet, args.progress)
    created = not run_dir.exists()
    try:
        town = open_town(config, world, personas, run_dir)
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


def _run_with_viewer(
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

    from viz.app import LiveViewer

    frames: queue.Queue[Any] = queue.Queue()
    town = open_town(config, world, personas, run_dir, sinks=[frames.put])
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


def cmd_replay(args: argparse.Namespace) -> int:
    """``replay``: a recorded run in a window, or exported as PNG frames / a GIF."""
    from simulation.run_reader import check_run_folder
    from viz.app import replay

    check_run_folder(args.run_dir)
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

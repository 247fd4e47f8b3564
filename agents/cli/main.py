"""The command line's entry point: the parser of every command group, and ``main``.

``python run_town.py`` (or the ``gentown`` script) with no arguments runs the main job: a few
agents of the bundled town through a simulated morning on the bundled local model, headless,
into a new run folder.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from agents.cli import authoring, evaluation, runs, viewing
from agents.cli.errors import EXIT_USER_ERROR, user_error_message

MAIN_JOB = ["run", "--hours", "4", "--agents", "3"]
"""The main job's arguments (what ``make run`` runs)."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command: each group adds its own (``add_commands``)."""
    parser = argparse.ArgumentParser(
        prog="gentown",
        description="Simulate a small town of generative agents. With no command: the main job "
        "(3 agents of the bundled town, a simulated morning, the bundled local model).",
    )
    sub = parser.add_subparsers(dest="command")
    for group in (runs, viewing, authoring, evaluation):
        group.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list or MAIN_JOB)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # user errors become one clear message; bugs keep their traceback
        message = user_error_message(exc)
        if message is None:
            raise
        print(f"gentown: error: {message}", file=sys.stderr)
        return EXIT_USER_ERROR

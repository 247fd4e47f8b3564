"""Watching recorded runs: ``replay`` (a window, PNG frames or a GIF)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from agents.cli.errors import UserError


def add_commands(sub: Any) -> None:
    """Adds ``replay`` to the CLI."""
    replay = sub.add_parser("replay", help="watch a recorded run, or export its frames")
    replay.add_argument("run_dir", type=Path)
    replay.add_argument("--headless", action="store_true", help="no window")
    replay.add_argument("--frames-out", type=Path, default=None, help="write PNG frames here")
    replay.add_argument("--every", type=int, default=1, help="keep every Nth tick")
    replay.add_argument("--gif", type=Path, default=None, help="write an animated GIF")
    replay.add_argument("--speed", type=float, default=1.0, help="ticks per second (1 … 64)")
    replay.add_argument("--seek", default=None, help='start at "HH:MM", "day N HH:MM" or "tick N"')
    replay.set_defaults(func=cmd_replay)


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

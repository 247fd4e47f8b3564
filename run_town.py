"""gentown's command line (the ``gentown`` script is the same): see :mod:`agents.cli`.

``python run_town.py`` with no arguments runs the main job: a few agents of the bundled town
through a simulated morning on the bundled local model, headless, into a new run folder.
"""

from __future__ import annotations

import sys

from agents.cli.main import MAIN_JOB, build_parser, main

__all__ = ["MAIN_JOB", "build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())

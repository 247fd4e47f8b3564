"""Headline figures of the benchmarks, gathered into one table by ``run_all.py``.

A benchmark script calls ``report`` for each of its headline figures. When the environment
names a report file (``GENTOWN_BENCH_REPORT``, set by ``run_all.py``) the figure is appended to
it as one JSON line; otherwise nothing happens and the script prints only its own table.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

REPORT_ENV = "GENTOWN_BENCH_REPORT"


def report(
    figure: str, value: str, goal: str = "", met: bool | None = None, to: Path | None = None
) -> None:
    """Record a headline figure for the combined table.

    Args:
        figure: What was measured, e.g. ``"retrieval p50, top-30 of 10,000"``.
        value: The measured value with its unit, e.g. ``"6.9 ms"``.
        goal: The goal it is held to, if any, e.g. ``"≤ 10 ms"``.
        met: Whether the goal is met (None when there is no goal).
        to: The report file (default: the one ``GENTOWN_BENCH_REPORT`` names, if any).
    """
    path = to or os.environ.get(REPORT_ENV)
    if not path:
        return
    line = json.dumps({"figure": figure, "value": value, "goal": goal, "met": met})
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def read_reports(path: Path) -> list[dict]:
    """The figures recorded in a report file, in order (none if it does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

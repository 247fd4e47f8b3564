"""Export a run's tidy tables to files pandas (and anything else) reads: CSV, JSONL or Parquet."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from simulation.analysis.errors import AnalysisError
from simulation.analysis.tables import TABLES
from simulation.run_reader import EXPORT_DIR, RunData, load_run

logger = logging.getLogger(__name__)

ExportFormat = Literal["parquet", "csv", "jsonl"]
FORMATS: tuple[str, ...] = ("parquet", "csv", "jsonl")
EXTRA_HINT = "pip install 'gentown[eval]'"


def parquet_available() -> bool:
    """Whether pyarrow (pandas' Parquet engine) is installed."""
    return importlib.util.find_spec("pyarrow") is not None


def export_run(
    run: Path | str | RunData,
    out_dir: Path | str | None = None,
    fmt: ExportFormat = "csv",
    tables: Iterable[str] | None = None,
) -> dict[str, Path]:
    """Writes a run's tidy tables, one file per table.

    Args:
        run: A run folder, a trajectory file, or a loaded run.
        out_dir: Where to write (default: ``<run folder>/export``); created if missing.
        fmt: ``"csv"``, ``"jsonl"`` (one JSON object per row, ISO times) or ``"parquet"``.
        tables: Which tables (default all: events, utterances, conversations, positions,
            memories, llm_calls, characterbox).

    Returns:
        The path of each table's file, by table name.

    Raises:
        AnalysisError: An unknown format or table, or Parquet without pyarrow installed.
        TrajectoryError: The run cannot be read.
    """
    if fmt not in FORMATS:
        raise AnalysisError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet" and not parquet_available():
        raise AnalysisError(
            f"Parquet export needs pyarrow, which is not installed: {EXTRA_HINT} "
            "(or use --format csv / jsonl)"
        )
    names = list(tables) if tables is not None else list(TABLES)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise AnalysisError(f"unknown table {unknown[0]!r}; tables: {', '.join(TABLES)}")
    data = run if isinstance(run, RunData) else load_run(run)
    out = Path(out_dir) if out_dir is not None else data.folder / EXPORT_DIR
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in names:
        frame = TABLES[name](data)
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        elif fmt == "jsonl":
            frame.to_json(path, orient="records", lines=True, date_format="iso", force_ascii=False)
        else:
            frame.to_parquet(path, index=False)
        written[name] = path
        logger.info("exported %s: %d rows → %s", name, len(frame), path)
    return written


def read_table(path: Path | str):
    """Reads a table written by :func:`export_run` back into a DataFrame (by its suffix)."""
    import pandas as pd

    path = Path(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".jsonl":
        return pd.read_json(path, orient="records", lines=True)
    if path.suffix == ".parquet":
        if not parquet_available():
            raise AnalysisError(f"reading Parquet needs pyarrow: {EXTRA_HINT}")
        return pd.read_parquet(path)
    raise AnalysisError(f"{path}: unknown table file type; expected .csv, .jsonl or .parquet")

"""Checkpoints: the whole state of a run at a tick, written atomically.

A checkpoint is one JSON file ``checkpoints/tick-NNNNNN.json`` written to a temporary file,
fsynced and renamed into place, so a kill leaves either the old set of checkpoints or the new one,
never a torn file. Each stateful part of the run contributes a JSON-ready dict via ``get_state``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

CHECKPOINT_DIR = "checkpoints"


class CheckpointError(Exception):
    """No usable checkpoint was found."""


def write_atomic(path: Path, text: str) -> None:
    """Writes a file so a kill leaves the old content or the new, never a torn file.

    The text goes to a temporary file beside it, is fsynced, renamed over ``path``, and the
    folder is fsynced so the rename itself survives a crash.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_checkpoint(run_dir: Path, tick: int, state: dict[str, Any]) -> Path:
    """Writes a checkpoint atomically and returns its path."""
    folder = run_dir / CHECKPOINT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tick-{tick:06d}.json"
    text = json.dumps({"tick": tick, **state}, ensure_ascii=False, separators=(",", ":"))
    write_atomic(path, text)
    return path


def checkpoint_tick(path: Path) -> int:
    """The tick of a checkpoint file (``tick-000042.json`` → 42)."""
    return int(path.stem.removeprefix("tick-"))


def prune_checkpoints(run_dir: Path, keep_last: int, keep_every: int) -> list[int]:
    """Deletes old checkpoints but the newest ``keep_last`` and those every ``keep_every`` ticks.

    Tick 0, the start, is a multiple of every ``keep_every`` and is always kept.

    Args:
        run_dir: The run folder.
        keep_last: How many of the newest checkpoints to keep (at least 1).
        keep_every: Checkpoints at ticks that are multiples of this are kept as well.

    Returns:
        The ticks of the checkpoints deleted, oldest first.
    """
    paths = list_checkpoints(run_dir)
    newest = paths[-max(1, keep_last) :]
    pruned = []
    for path in paths:
        tick = checkpoint_tick(path)
        if path in newest or tick % keep_every == 0:
            continue
        path.unlink(missing_ok=True)
        pruned.append(tick)
    return pruned


def list_checkpoints(run_dir: Path) -> list[Path]:
    """Returns the run's checkpoint files, oldest first."""
    return sorted((run_dir / CHECKPOINT_DIR).glob("tick-*.json"))


def read_checkpoint(run_dir: Path, tick: int | None = None) -> dict[str, Any]:
    """Reads the checkpoint at ``tick``, or the latest one that parses.

    Raises:
        CheckpointError: If there is no (such) checkpoint.
    """
    paths = list_checkpoints(run_dir)
    if tick is not None:
        paths = [p for p in paths if p.name == f"tick-{tick:06d}.json"]
        if not paths:
            available = ", ".join(
                p.stem.removeprefix("tick-").lstrip("0") or "0" for p in list_checkpoints(run_dir)
            )
            raise CheckpointError(
                f"{run_dir}: no checkpoint at tick {tick} (available: {available or 'none'}); "
                "a run keeps its newest checkpoints and every checkpoint_keep_every-th tick "
                "(see run.json): pick one of the available ticks"
            )
    for path in reversed(paths):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
    raise CheckpointError(f"{run_dir}: no readable checkpoint in {CHECKPOINT_DIR}/")

"""The trajectory file: a JSONL record of a run that evaluation code and the viewer read.

Line 1 is a header (format version, run id, seed, hashes of the world, personas and prompt
templates, model ids, config; never secrets). Then, per tick, an ``llm_calls`` line (if any calls
were made) and a ``frame`` line. The frame line closes its tick: each tick is flushed and fsynced,
so a killed run leaves a file that reads back up to its last complete tick.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulation.frames import Frame

FORMAT_VERSION = 1
TRAJECTORY_FILE = "trajectory.jsonl"
"""The trajectory's name in a run folder (``simulation.run_reader`` holds the folder's layout)."""


class TrajectoryError(Exception):
    """A trajectory file is missing, of an unknown version, or unreadable."""


class TrajectoryHeader(BaseModel):
    """The first line of a trajectory: what produced it."""

    model_config = ConfigDict(frozen=True)

    format_version: int = FORMAT_VERSION
    run_id: str
    seed: int
    world: str
    world_hash: str
    persona_hashes: dict[str, str] = Field(default_factory=dict)
    models: list[str] = Field(default_factory=list)
    prompt_hashes: dict[str, str] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    personas: list[dict[str, Any]] = Field(default_factory=list)


class Trajectory(BaseModel):
    """A trajectory read back: its header, complete frames, and LLM call records by tick."""

    header: TrajectoryHeader
    frames: list[Frame]
    llm_calls: dict[int, list[dict[str, Any]]] = Field(default_factory=dict)


class TrajectoryWriter:
    """Appends ticks to a trajectory file, durably.

    Args:
        path: The trajectory file.
        header: Written when the file is new; an existing file (a resumed run) is appended to.
    """

    def __init__(self, path: Path, header: TrajectoryHeader) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        is_new = not path.exists() or path.stat().st_size == 0
        self._file = path.open("a", encoding="utf-8")
        if is_new:
            self._write_lines([{"type": "header", **header.model_dump(mode="json")}])

    def write_tick(self, frame: Frame, llm_calls: list[dict[str, Any]] | None = None) -> None:
        """Appends one tick (its LLM calls, then its frame) and fsyncs the file."""
        lines: list[dict[str, Any]] = []
        if llm_calls:
            lines.append({"type": "llm_calls", "tick": frame.tick, "calls": llm_calls})
        lines.append({"type": "frame", **frame.model_dump(mode="json")})
        self._write_lines(lines)

    def _write_lines(self, records: list[dict[str, Any]]) -> None:
        text = "".join(
            json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records
        )
        self._file.write(text)
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Closes the file."""
        self._file.close()


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                return  # a line cut short by a kill: the tick it belongs to is incomplete
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                return


def read_trajectory(path: Path | str) -> Trajectory:
    """Reads a trajectory up to its last complete tick.

    Args:
        path: The trajectory file (or a run folder holding ``trajectory.jsonl``).

    Raises:
        TrajectoryError: If the file is missing, has no header, or is of an unknown version.
    """
    path = Path(path)
    if path.is_dir():
        path = path / TRAJECTORY_FILE
    if not path.exists():
        raise TrajectoryError(f"{path}: no trajectory here (expected a run folder or .jsonl)")
    records = _records(path)
    first = next(records, None)
    if first is None or first.get("type") != "header":
        raise TrajectoryError(f"{path}: the first line is not a trajectory header")
    version = first.get("format_version")
    if version != FORMAT_VERSION:
        raise TrajectoryError(
            f"{path}: trajectory format version {version!r}; this gentown reads version "
            f"{FORMAT_VERSION}. Re-export the run with a matching gentown."
        )
    try:
        header = TrajectoryHeader.model_validate({k: v for k, v in first.items() if k != "type"})
        frames: list[Frame] = []
        calls: dict[int, list[dict[str, Any]]] = {}
        for record in records:
            kind = record.pop("type", None)
            if kind == "frame":
                frames.append(Frame.model_validate(record))
            elif kind == "llm_calls":
                calls[int(record["tick"])] = record["calls"]
    except (ValidationError, KeyError) as exc:
        raise TrajectoryError(
            f"{path}: a line does not match the trajectory format: {exc}"
        ) from None
    complete = {f.tick for f in frames}
    return Trajectory(
        header=header,
        frames=frames,
        llm_calls={t: c for t, c in calls.items() if t in complete},
    )


def truncate_trajectory(path: Path, last_tick: int) -> None:
    """Drops every tick after ``last_tick`` (and any cut line), atomically; used by resume."""
    kept: list[str] = []
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                break
            if record.get("type") == "header" or int(record.get("tick", -1)) <= last_tick:
                kept.append(line)
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.writelines(kept)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)

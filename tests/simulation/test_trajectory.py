import json
from datetime import datetime, timedelta

import pytest

from simulation.events import Event, EventKind
from simulation.frames import AgentSnapshot, Frame
from simulation.trajectory import (
    TrajectoryError,
    TrajectoryHeader,
    TrajectoryWriter,
    read_trajectory,
    truncate_trajectory,
)

T0 = datetime(2026, 2, 13, 7, 0)
HEADER = TrajectoryHeader(run_id="r1", seed=3, world="two_rooms", world_hash="abc")


def frame(tick: int) -> Frame:
    when = T0 + timedelta(minutes=10 * tick)
    return Frame(
        tick=tick,
        time=when,
        agents=(AgentSnapshot(name="Ada", x=tick, y=1, action="walking", emoji="🚶"),),
        events=(
            Event(
                kind=EventKind.UTTERANCE,
                tick=tick,
                time=when,
                agents=("Ada", "Bo"),
                text=f"hello {tick}",
            ),
        ),
    )


def write(path, ticks, calls=None):
    writer = TrajectoryWriter(path, HEADER)
    for t in ticks:
        writer.write_tick(frame(t), calls)
    writer.close()


def test_round_trip(tmp_path):
    path = tmp_path / "trajectory.jsonl"
    write(path, range(3), calls=[{"agent": "Ada", "step": "plan", "prompt_tokens": 5}])
    trajectory = read_trajectory(tmp_path)
    assert trajectory.header == HEADER
    assert [f.tick for f in trajectory.frames] == [0, 1, 2]
    assert trajectory.frames[1] == frame(1)
    assert trajectory.llm_calls[2][0]["prompt_tokens"] == 5


def test_a_cut_last_line_reads_up_to_the_last_complete_tick(tmp_path):
    path = tmp_path / "trajectory.jsonl"
    write(path, range(4))
    text = path.read_text()
    path.write_text(text[: len(text) - 25])  # a kill in the middle of the last line
    assert [f.tick for f in read_trajectory(path).frames] == [0, 1, 2]


def test_llm_calls_of_an_incomplete_tick_are_dropped(tmp_path):
    path = tmp_path / "trajectory.jsonl"
    write(path, range(2), calls=[{"step": "x"}])
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))  # tick 1's llm_calls line survives, its frame does not
    trajectory = read_trajectory(path)
    assert [f.tick for f in trajectory.frames] == [0]
    assert list(trajectory.llm_calls) == [0]


def test_appending_to_an_existing_file_keeps_one_header(tmp_path):
    path = tmp_path / "trajectory.jsonl"
    write(path, range(2))
    write(path, range(2, 4))
    lines = path.read_text().splitlines()
    assert sum(json.loads(line)["type"] == "header" for line in lines) == 1
    assert [f.tick for f in read_trajectory(path).frames] == [0, 1, 2, 3]


def test_truncate_drops_later_ticks(tmp_path):
    path = tmp_path / "trajectory.jsonl"
    write(path, range(5), calls=[{"step": "x"}])
    truncate_trajectory(path, 2)
    trajectory = read_trajectory(path)
    assert [f.tick for f in trajectory.frames] == [0, 1, 2]
    assert sorted(trajectory.llm_calls) == [0, 1, 2]


def test_unknown_version_and_missing_header_are_clear_errors(tmp_path):
    path = tmp_path / "trajectory.jsonl"
    path.write_text(json.dumps({"type": "header", "format_version": 99}) + "\n")
    with pytest.raises(TrajectoryError, match="version 99"):
        read_trajectory(path)
    path.write_text('{"type": "frame", "tick": 0}\n')
    with pytest.raises(TrajectoryError, match="header"):
        read_trajectory(path)
    with pytest.raises(TrajectoryError, match="no trajectory"):
        read_trajectory(tmp_path / "missing")

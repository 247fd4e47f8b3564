import json

import pytest

from simulation.events import EventKind
from simulation.run_reader import load_run
from simulation.trajectory import TrajectoryError
from tests.simulation.run_builder import PARTY, party_run

CALLS = [
    {
        "agent": "Ana",
        "step": "converse",
        "model": "m",
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "cost_usd": 0.001,
        "latency_s": 0.2,
        "cache_hit": False,
        "retries": 0,
        "failure": None,
    }
]


def test_a_written_run_loads_back_equal(tmp_path):
    built = party_run().step(calls=CALLS)
    built.write(tmp_path)
    run = load_run(tmp_path)
    assert run.header == built.header()
    assert run.frames == built.frames
    assert run.llm_calls == {10: CALLS}
    assert run.personas == built.personas
    assert run.agents == ["Ana", "Ben", "Cy", "Dee"]
    assert run.minutes_per_tick == 10
    assert run.last_tick == 10
    whisper = next(run.events_of(EventKind.WHISPER))
    assert (whisper.tick, whisper.agents, whisper.text) == (0, ("Ana",), PARTY)
    assert [e.kind for e in run.events_of("utterance")] == [EventKind.UTTERANCE] * 5


def test_a_bare_trajectory_file_takes_config_and_personas_from_its_header(tmp_path):
    built = party_run()
    built.write(tmp_path)
    (tmp_path / "run.json").unlink()
    run = load_run(tmp_path / "trajectory.jsonl")
    assert run.personas == built.personas
    assert run.config == {"minutes_per_tick": 10}
    assert run.world is None and run.summary is None


def test_an_incomplete_last_tick_is_left_out(tmp_path):
    party_run().step(calls=CALLS).write(tmp_path)
    path = tmp_path / "trajectory.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]) + lines[-1][:40])  # the last frame cut by a kill
    run = load_run(tmp_path)
    assert run.last_tick == 9
    assert run.llm_calls == {}


def test_an_unknown_format_version_is_a_clear_error(tmp_path):
    party_run().write(tmp_path)
    path = tmp_path / "trajectory.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["format_version"] = 99
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    with pytest.raises(TrajectoryError, match=r"version 99.*reads version 1"):
        load_run(tmp_path)


def test_a_folder_without_a_trajectory_is_a_clear_error(tmp_path):
    with pytest.raises(TrajectoryError, match="no trajectory here"):
        load_run(tmp_path)

"""`run --viewer`: the town runs in a worker thread; closing the window stops it cleanly."""

import json
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame

import agents.assembly
import agents.cli.runs
from simulation.checkpoint import read_checkpoint
from simulation.trajectory import read_trajectory


def test_closing_the_live_window_stops_the_run_with_checkpoint_and_summary(
    make_town, tmp_path, monkeypatch
):
    run_dir = tmp_path / "run"
    town = make_town(hours=24, run_dir=run_dir)

    def close_window_at_tick_3(frame):
        if frame.tick == 3:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    def open_town(config, world, personas, out, sinks=None):
        town.model.sinks.extend([*(sinks or []), close_window_at_tick_3])
        return town

    monkeypatch.setattr(agents.assembly, "open_town", open_town)
    cast = list(town.personas.values())
    code = agents.cli.runs.run_with_viewer(town.config, town.world, cast, run_dir, quiet=True)
    assert code == 0
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["stop_reason"] == "viewer closed"
    assert 3 <= summary["ticks"] < 144
    ticks = [f.tick for f in read_trajectory(run_dir).frames]
    assert ticks == list(range(1, summary["ticks"] + 1))
    assert read_checkpoint(run_dir)["tick"] == summary["ticks"]

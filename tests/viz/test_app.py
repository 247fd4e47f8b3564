import json
import logging
import queue
import shutil
import threading
import time
from datetime import datetime

import pygame
import pytest

from simulation.model import TownConfig, TownModel
from simulation.trajectory import TrajectoryError
from tests.doubles.minds import ScriptedMind
from tests.viz.scenes import bundled_personas, two_rooms_scene
from viz.app import LiveViewer, replay
from viz.export import gif_available
from worlds.loader import load_world


def test_headless_export_writes_one_png_per_every_ticks(two_rooms_run, tmp_path):
    out = tmp_path / "frames"
    assert replay(two_rooms_run, headless=True, frames_out=out, every=3, size=(640, 360)) == 0
    pngs = sorted(out.glob("*.png"))
    assert [p.name for p in pngs] == [f"frame_{t:06d}.png" for t in (1, 4, 7, 10, 13)]
    assert pygame.image.load(str(pngs[0])).get_size() == (640, 360)


def test_export_starts_at_the_seek_time(two_rooms_run, tmp_path):
    out = tmp_path / "frames"
    assert replay(two_rooms_run, frames_out=out, seek="09:00", size=(320, 200)) == 0
    assert [p.name for p in sorted(out.glob("*.png"))] == [
        "frame_000012.png", "frame_000013.png", "frame_000014.png"
    ]  # fmt: skip


def test_bad_arguments_are_exit_code_2(two_rooms_run, tmp_path, caplog):
    with caplog.at_level(logging.ERROR):
        assert replay(two_rooms_run, frames_out=tmp_path, seek="teatime") == 2
        assert replay(two_rooms_run, frames_out=tmp_path, every=0) == 2
    assert "--seek" in caplog.text and "--every" in caplog.text


@pytest.mark.skipif(not gif_available(), reason="Pillow is not installed")
def test_gif_export(two_rooms_run, tmp_path):
    from PIL import Image

    gif = tmp_path / "town.gif"
    assert replay(two_rooms_run, gif=gif, every=2, size=(320, 180)) == 0
    with Image.open(gif) as image:
        assert image.n_frames > 7 and image.size == (320, 180)


def test_gif_without_pillow_says_what_to_install(two_rooms_run, tmp_path, caplog, monkeypatch):
    import viz.app

    monkeypatch.setattr(viz.app, "gif_available", lambda: False)  # as on an install without it
    with caplog.at_level(logging.ERROR):
        assert replay(two_rooms_run, gif=tmp_path / "t.gif") == 2
    assert "pip install pillow" in caplog.text
    assert not (tmp_path / "t.gif").exists()


def test_unreadable_runs_raise_trajectory_error(tmp_path):
    with pytest.raises(TrajectoryError):
        replay(tmp_path / "nope", headless=True)


def test_a_run_without_run_json_uses_the_bundled_world(two_rooms_run, tmp_path, caplog):
    run = tmp_path / "bare"
    run.mkdir()
    shutil.copy(two_rooms_run / "trajectory.jsonl", run / "trajectory.jsonl")
    with caplog.at_level(logging.WARNING):
        assert replay(run, frames_out=tmp_path / "out", every=7, size=(320, 200)) == 0
    assert "bundled town" in caplog.text
    assert len(list((tmp_path / "out").glob("*.png"))) == 2
    (run / "run.json").write_text(json.dumps({"world": {"name": "broken"}}))
    with pytest.raises(TrajectoryError, match=r"run\.json"):
        replay(run, headless=True)


def _simulate_into(frames: queue.Queue, ticks: int, end: bool, started: threading.Event):
    scene = two_rooms_scene()
    world = load_world(scene.world)
    model = TownModel(
        world, scene.residents, {n: ScriptedMind(p) for n, p in scene.plans.items()},
        TownConfig(start=datetime.fromisoformat(scene.start)), seed=1, sinks=[frames.put],
    )  # fmt: skip
    started.wait(10)
    for _ in range(ticks):
        model.step()
    model.close()
    if end:
        frames.put(None)


def test_live_viewer_shows_frames_from_a_worker_thread_until_quit():
    frames: queue.Queue = queue.Queue()
    world = load_world("two_rooms")
    live = LiveViewer(world, bundled_personas("two_rooms"), frames, size=(640, 360))
    started = threading.Event()
    worker = threading.Thread(target=_simulate_into, args=(frames, 5, False, started))
    worker.start()

    def quit_when_seen():
        # Quits once five frames are shown, or after a minute so that a broken viewer fails
        # the frame assertion below instead of hanging the suite.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if live.viewer is not None and len(live.viewer.timeline.frames) >= 5:
                break
            time.sleep(0.01)
        pygame.event.post(pygame.event.Event(pygame.QUIT))

    watcher = threading.Thread(target=lambda: (started.set(), quit_when_seen()))
    watcher.start()
    live.run()  # on the main thread
    worker.join(10)
    watcher.join(10)
    assert live.closed
    assert [f.tick for f in live.viewer.timeline.frames] == [1, 2, 3, 4, 5]


def test_live_viewer_returns_when_the_simulation_ends():
    frames: queue.Queue = queue.Queue()
    live = LiveViewer(load_world("two_rooms"), [], frames, size=(320, 200), speed=64)
    started = threading.Event()
    started.set()
    _simulate_into(frames, 6, True, started)
    live.run()  # returns by itself at the end (the test's timeout catches a hang)
    assert not live.closed
    assert live.viewer.finished and live.viewer.timeline.at_end
    assert live.viewer.timeline.frame.tick == 6


def test_windowed_replay_runs_until_the_window_closes(two_rooms_run):
    def close_when_open():
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if pygame.display.get_init() and pygame.display.get_surface() is not None:
                time.sleep(0.2)  # let a few frames play
                pygame.event.post(pygame.event.Event(pygame.QUIT))
                return
            time.sleep(0.01)

    closer = threading.Thread(target=close_when_open)
    closer.start()
    assert replay(two_rooms_run, size=(480, 270), speed=8) == 0
    closer.join(10)
    assert not pygame.display.get_init()

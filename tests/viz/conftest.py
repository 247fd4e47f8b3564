"""Viewer fixtures: a headless SDL, recorded runs of both bundled towns, a viewer factory."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"  # before pygame is imported anywhere
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path

import pygame
import pytest

from simulation.run_reader import load_run
from tests.viz.scenes import maplewood_scene, record, two_rooms_scene
from viz.fonts import Fonts
from viz.run_data import run_world
from viz.source import Timeline
from viz.viewer import Viewer


@pytest.fixture(scope="session")
def two_rooms_run(tmp_path_factory) -> Path:
    return record(two_rooms_scene(), tmp_path_factory.mktemp("two_rooms_run"))


@pytest.fixture(scope="session")
def maplewood_run(tmp_path_factory) -> Path:
    return record(maplewood_scene(), tmp_path_factory.mktemp("maplewood_run"))


@pytest.fixture(scope="session")
def fonts() -> Fonts:
    pygame.font.init()
    return Fonts()


@pytest.fixture
def display():
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 720))
    yield screen
    pygame.display.quit()


@pytest.fixture
def make_viewer(fonts):
    def make(run_dir: Path, size=(1280, 720), **kwargs) -> Viewer:
        run = load_run(run_dir)
        return Viewer(
            run_world(run), run.personas, Timeline(run.frames), size=size,
            llm_calls=run.llm_calls, fonts=fonts, **kwargs,
        )  # fmt: skip

    return make

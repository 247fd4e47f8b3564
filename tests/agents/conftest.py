"""Fixtures for town-level tests: a tiny world, three personas, a scripted LLM."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.assembly import LLMStack, build_town
from agents.llm.settings import LLMSettings
from agents.memory.index import ChromaSettings
from agents.persona import Persona
from agents.run_config import RunConfig
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.town_llm import TownScript, town_backend
from worlds.loader import load_world


def cast() -> list[Persona]:
    common = {"home": "Rose Cottage", "wake_time": "07:00", "sleep_time": "22:00"}
    return [
        Persona(
            name="Isabel Ortiz",
            age=34,
            occupation="runs the Corner Cafe",
            workplace="Corner Cafe",
            relationships={"Tom Reyes": "a regular"},
            **common,
        ),
        Persona(name="Tom Reyes", age=41, occupation="a carpenter", **common),
        Persona(name="Maya Chen", age=22, occupation="a student", **common),
    ]


@pytest.fixture
def make_town(tmp_path: Path):
    towns = []

    def make(
        hours: float = 2.0,
        start: str = "2026-02-13 07:00",
        script=None,
        run_dir: Path | None = None,
        cache_path: Path | None = None,
        llm_options: dict | None = None,
        **config,
    ):
        settings = LLMSettings(
            model="scripted/town", cache=cache_path is not None, **(llm_options or {})
        )
        run_config = RunConfig(
            world="two_rooms",
            hours=hours,
            start=start,
            llm=settings,
            chroma=ChromaSettings(ephemeral=True),
            **config,
        )
        stack = LLMStack(
            settings, backend=town_backend(script or TownScript()), cache_path=cache_path
        )
        town = build_town(
            run_config,
            load_world("two_rooms"),
            cast(),
            run_dir or tmp_path / "run",
            stack,
            embedder=HashingEmbedder(),
        )
        towns.append(town)
        return town

    yield make
    for town in towns:
        town.close()

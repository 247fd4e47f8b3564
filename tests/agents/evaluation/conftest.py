"""A recorded run, made once per session on the scripted doubles (no committed binary)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.assembly import build_town
from agents.llm.settings import LLMSettings
from agents.memory.index import ChromaSettings
from agents.persona import load_personas
from agents.run_config import RunConfig, WhisperSpec
from tests.agents.evaluation.doubles import scripted_services
from worlds.loader import load_world, personas_dir

PARTY_WHISPER = "I am throwing a party at the Corner Cafe on Saturday at 17:00; everyone is invited"


def record_party_run(run_dir: Path, hours: float = 6.0, seed: int = 0) -> Path:
    """Runs Two Rooms (June, Eli and Mabel Marsh) with a party whispered to June."""
    config = RunConfig(
        world="two_rooms",
        hours=hours,
        seed=seed,
        llm=LLMSettings(model="scripted/town", cache=False),
        chroma=ChromaSettings(ephemeral=True),
        whispers=[WhisperSpec(agent="June Marsh", text=PARTY_WHISPER)],
    )
    personas = load_personas(personas_dir("two_rooms"))
    stack, embedder = scripted_services(config)
    town = build_town(config, load_world("two_rooms"), personas, run_dir, stack, embedder)
    try:
        town.start()
        town.run()
    finally:
        town.close()
        stack.close()
    return run_dir


@pytest.fixture(scope="session")
def recorded_run(tmp_path_factory) -> Path:
    """A finished run folder; tests must not write into it (evaluate with ``out_dir``)."""
    return record_party_run(tmp_path_factory.mktemp("recorded") / "party")

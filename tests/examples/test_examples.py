"""Every example script runs, on the scripted LLM double and the small test embedder."""

import importlib.util
from pathlib import Path

import pytest

from tests.doubles.embedder import HashingEmbedder
from tests.doubles.town_llm import TownScript, town_backend

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_morning_in_maplewood(tmp_path, capsys):
    summary = load("morning_in_maplewood").main(
        tmp_path / "run",
        backend=town_backend(TownScript("Copper Kettle")),
        embedder=HashingEmbedder(),
    )
    assert summary["ticks"] == 18 and summary["actions"] > 0
    assert "conversations" in capsys.readouterr().out


def test_custom_world(tmp_path):
    summary = load("custom_world").main(
        tmp_path / "run", backend=town_backend(TownScript("Bakery")), embedder=HashingEmbedder()
    )
    assert summary["world"] == "Flour Street" and summary["actions"] > 0


@pytest.mark.parametrize("favourite", ["Copper Kettle"])
def test_inject_event_reaches_the_cafe_first(tmp_path, capsys, favourite):
    remembers = load("inject_event").main(
        tmp_path / "run", backend=town_backend(TownScript(favourite)), embedder=HashingEmbedder()
    )
    out = capsys.readouterr().out
    assert "perceived the flood directly:" in out
    assert any(remembers.values())

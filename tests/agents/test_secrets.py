"""With a key in the environment and a failing provider, nothing gentown writes contains it."""

import logging

from agents.assembly import LLMStack, build_town
from agents.llm.settings import LLMSettings
from agents.memory.index import ChromaSettings
from agents.run_config import RunConfig
from tests.agents.conftest import cast
from tests.doubles.embedder import HashingEmbedder
from worlds.loader import load_world

SECRET = "sk-gentown-test-0000-SECRET-abcdef123456"


def test_no_file_log_or_output_of_a_failing_run_contains_the_api_key(
    tmp_path, monkeypatch, caplog, capsys
):
    monkeypatch.setenv("GENTOWN_TEST_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    settings = LLMSettings(
        model="openai/gpt-4o-mini",
        api_base="http://127.0.0.1:9/v1",  # nothing listens: every call fails
        api_key_env="GENTOWN_TEST_KEY",
        transient_retries=0,
        output_retries=0,
        timeout_s=5,
        cache=True,
    )
    config = RunConfig(
        world="two_rooms", hours=0.5, llm=settings, chroma=ChromaSettings(ephemeral=True)
    )
    stack = LLMStack(settings, cache_path=tmp_path / "cache.sqlite3")
    run_dir = tmp_path / "run"
    town = build_town(
        config, load_world("two_rooms"), cast(), run_dir, stack, embedder=HashingEmbedder()
    )
    town.start()
    summary = town.run()
    town.close()
    stack.close()
    assert summary["llm"]["total"]["failures"]  # the provider really failed
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "trajectory.jsonl" for p in written)
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err + caplog.text

"""A simulated day on a faulty LLM: the run completes and every failure is accounted for."""

from pathlib import Path

from agents.assembly import LLMStack, build_town
from agents.llm.settings import LLMSettings
from agents.memory.index import ChromaSettings
from agents.persona import load_personas
from agents.run_config import RunConfig
from simulation.events import EventKind
from simulation.trajectory import read_trajectory
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.faulty_llm import FaultyScript
from tests.doubles.llm import ScriptedBackend
from tests.doubles.town_llm import TownScript
from worlds.loader import load_world, personas_dir


def test_a_day_on_a_faulty_llm_completes_with_every_failure_counted(tmp_path: Path):
    world = load_world("maplewood")
    cast = load_personas(personas_dir("maplewood"))[:10]
    settings = LLMSettings(
        model="scripted/faulty",
        cache=False,
        output_retries=1,
        transient_retries=1,
        backoff_base_s=0.0,
    )
    config = RunConfig(
        world="maplewood", hours=24, llm=settings, chroma=ChromaSettings(ephemeral=True)
    )
    script = FaultyScript(TownScript("Copper Kettle"), rate=0.3, seed=4)
    stack = LLMStack(settings, backend=ScriptedBackend(script))
    town = build_town(config, world, cast, tmp_path / "run", stack, embedder=HashingEmbedder())
    town.start()
    summary = town.run()
    town.close()

    assert summary["stop_reason"] == "completed" and summary["ticks"] == 144
    assert all(count > 0 for count in script.injected.values()), script.injected
    failures = summary["llm"]["total"]["failures"]
    assert set(failures) >= {"invalid_output", "provider_error"}
    frames = read_trajectory(tmp_path / "run").frames
    fallbacks = [e for f in frames for e in f.events if e.kind == EventKind.LLM_FALLBACK]
    assert len(fallbacks) == sum(failures.values())  # each failed call is a recorded fallback
    assert summary["actions"] > 50 and summary["conversations"] > 0

    for frame in frames:
        where = {a.name: a for a in frame.agents}
        for agent in frame.agents:
            assert world.is_walkable(agent.x, agent.y), (frame.tick, agent)
        for event in frame.events:
            if event.kind != EventKind.UTTERANCE:
                continue
            speaker = where[event.agents[0]]
            for listener in event.agents[1:]:
                other = where[listener]
                same_arena = world.arena_at(speaker.x, speaker.y) == world.arena_at(
                    other.x, other.y
                )
                near = max(abs(speaker.x - other.x), abs(speaker.y - other.y)) <= 6
                assert same_arena and near, (frame.tick, event)

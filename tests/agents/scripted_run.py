"""A town run on the scripted LLM double, as a separate process that tests can kill.

Usage: python -m tests.agents.scripted_run RUN_DIR HOURS [LATENCY_S] [--resume]
Prints "tick N" after every completed tick (flushed), so a test knows how far it got. Every LLM
call of the double takes LATENCY_S (default 0), so a test can keep the run going long enough to
kill it mid-run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from agents.assembly import LLMStack, build_town
from agents.llm.settings import LLMSettings
from agents.persona import load_personas
from agents.run_config import RunConfig
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.town_llm import TownScript, town_backend
from worlds.loader import load_world, personas_dir


def main(run_dir: Path, hours: float, latency_s: float, resume: bool) -> None:
    settings = LLMSettings(model="scripted/town", cache=False)
    config = RunConfig(world="maplewood", hours=hours, llm=settings, checkpoint_every=2)
    world = load_world("maplewood")
    cast = load_personas(personas_dir("maplewood"))[:6]
    stack = LLMStack(settings, backend=town_backend(TownScript("Copper Kettle"), latency_s))
    town = build_town(config, world, cast, run_dir, stack, embedder=HashingEmbedder())
    if resume:
        town.restore()
        town.open_outputs()
    else:
        town.start()
    town.run(on_tick=lambda t: print(f"tick {t.model.clock.tick}", flush=True))
    town.close()


if __name__ == "__main__":
    positional = [arg for arg in sys.argv[1:] if arg != "--resume"]
    latency = float(positional[2]) if len(positional) > 2 else 0.0
    main(Path(positional[0]), float(positional[1]), latency, "--resume" in sys.argv)

"""Inject an event and watch who hears of it.

A burst pipe floods the cafe at 09:00. Only the people in the cafe perceive it; the others can
only learn of it from them. The script prints, for each resident, whether they remember it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from agents.assembly import LLMStack, build_town
from agents.llm.settings import LLMSettings
from agents.persona import load_personas
from agents.run_config import RunConfig
from simulation.events import EventKind
from worlds.loader import load_world, personas_dir

EVENT = "A pipe bursts behind the counter and water floods the cafe floor."


def main(out: Path = Path("runs/example-inject"), backend=None, embedder=None) -> dict[str, bool]:
    """Runs 07:00–11:00 with the flood at 09:00; returns who remembers the flood."""
    settings = LLMSettings()
    config = RunConfig(world="maplewood", hours=4, start="2026-02-13 07:00", llm=settings)
    world = load_world(config.world)
    cast = load_personas(personas_dir(config.world))[:4]
    llm = LLMStack(settings, backend=backend, cache_path=out / "llm-cache.sqlite3")
    town = build_town(config, world, cast, out, llm, embedder=embedder)
    try:
        town.start()
        town.inject(EVENT, place="Copper Kettle Cafe", at=datetime(2026, 2, 13, 9, 0))
        heard_at_once: tuple[str, ...] = ()

        def watch(t) -> None:
            nonlocal heard_at_once
            for event in t.frame.events:
                if event.kind == EventKind.USER_EVENT:
                    heard_at_once = event.agents

        town.run(on_tick=watch)
        remembers = {
            name: any(
                "pipe" in m.text.lower() or "flood" in m.text.lower()
                for m in town.memory.recent(name, 500)
            )
            for name in town.minds
        }
    finally:
        town.close()
        llm.close()
    print(f"perceived the flood directly: {', '.join(heard_at_once) or 'nobody'}")
    for name, knows in remembers.items():
        print(f"{name}: {'remembers the flood' if knows else 'knows nothing of it'}")
    return remembers


if __name__ == "__main__":
    main()

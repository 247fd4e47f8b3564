"""Inject an event and watch who hears of it.

A burst pipe floods the cafe at 09:00. Only the people in the cafe perceive it; the others can
only learn of it from them. The script prints, for each resident, whether they remember it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from agents.assembly import create_town
from agents.run_config import RunConfig
from simulation.events import EventKind

EVENT = "A pipe bursts behind the counter and water floods the cafe floor."


def main(out: Path = Path("runs/example-inject"), backend=None, embedder=None) -> dict[str, bool]:
    """Runs 07:00–11:00 with the flood at 09:00; returns who remembers the flood."""
    config = RunConfig(world="maplewood", agents=4, hours=4, start="2026-02-13 07:00")
    town = create_town(
        config, out, backend=backend, embedder=embedder, cache_path=out / "llm-cache.sqlite3"
    )
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
    print(f"perceived the flood directly: {', '.join(heard_at_once) or 'nobody'}")
    for name, knows in remembers.items():
        print(f"{name}: {'remembers the flood' if knows else 'knows nothing of it'}")
    return remembers


if __name__ == "__main__":
    main()

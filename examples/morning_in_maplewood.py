"""A morning in the bundled town: three neighbours, 07:00 to 10:00, on the bundled local model.

Run it with ``python examples/morning_in_maplewood.py``; the run folder lands in
``runs/example-morning``. Tests call :func:`main` with a scripted LLM and a small embedder.
"""

from __future__ import annotations

from pathlib import Path

from agents.assembly import create_town
from agents.run_config import RunConfig
from simulation.events import EventKind
from simulation.trajectory import read_trajectory


def main(out: Path = Path("runs/example-morning"), backend=None, embedder=None) -> dict:
    """Runs the morning and returns the run summary."""
    config = RunConfig(world="maplewood", agents=3, hours=3, start="2026-02-13 07:00")
    town = create_town(
        config, out, backend=backend, embedder=embedder, cache_path=out / "llm-cache.sqlite3"
    )  # the bundled local model
    try:
        town.start()
        summary = town.run()
    finally:
        town.close()
    for frame in read_trajectory(out).frames:
        for event in frame.events:
            if event.kind in (EventKind.ACTION_START, EventKind.UTTERANCE):
                print(f"{frame.time:%H:%M} {event.agents[0]}: {event.text}")
    print(
        f"{summary['conversations']} conversations, {summary['actions']} actions, "
        f"{summary['llm']['total']['tokens']} tokens"
    )
    return summary


if __name__ == "__main__":
    main()

"""A custom two-room world written inline: a bakery and a flat above it, two people.

Shows the authoring format (YAML plus an ASCII map) without any file on disk, and personas built
in code. Run it with ``python examples/custom_world.py``.
"""

from __future__ import annotations

from pathlib import Path

from agents.assembly import create_town
from agents.persona import Persona
from agents.run_config import RunConfig
from worlds.ascii_format import parse_ascii_world

WORLD = """
name: Flour Street
legend:
  "+": door
map: |
  ##########
  #ffffBfff#
  #ffffffff#
  ####+#####
  #oOooooCo#
  #oooooooo#
  ####+#####
  ..........
spawns:
  street: [4, 7]
homes: [Flat]
workplaces: [Bakery]
sectors:
  Flat:
    kind: home
    arenas:
      room:
        char: f
        kind: bedroom
        objects:
          bed: {char: B}
  Bakery:
    kind: shop
    opening_hours: "06:00-14:00"
    arenas:
      shop:
        char: o
        kind: shop
        objects:
          oven: {char: O}
          counter: {char: C}
"""


def main(out: Path = Path("runs/example-custom-world"), backend=None, embedder=None) -> dict:
    """Runs two hours in the bakery and returns the run summary."""
    world = parse_ascii_world(WORLD, source="examples/custom_world.py")
    people = [
        Persona(
            name="Greta Holm",
            age=52,
            occupation="the baker",
            home="Flat",
            workplace="Bakery",
            wake_time="05:30",
            sleep_time="21:00",
            relationships={"Pim Holm": "her son, who helps at the counter"},
        ),
        Persona(
            name="Pim Holm",
            age=19,
            occupation="a student who helps in the bakery",
            home="Flat",
            workplace="Bakery",
            wake_time="06:30",
            sleep_time="23:30",
            relationships={"Greta Holm": "his mother"},
        ),
    ]
    config = RunConfig(world="Flour Street", hours=2, start="2026-02-13 06:30")
    town = create_town(
        config,
        out,
        world=world,
        personas=people,
        backend=backend,
        embedder=embedder,
        cache_path=out / "llm-cache.sqlite3",
    )
    try:
        town.start()
        summary = town.run()
    finally:
        town.close()
    print(f"{summary['actions']} actions, {summary['utterances']} utterances in {world.name}")
    return summary


if __name__ == "__main__":
    main()

"""Town and people files: ``world check|import``, ``persona import`` and ``persona sample``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from agents.cli.errors import UserError


def add_commands(sub: Any) -> None:
    """Adds ``world check|import`` and ``persona import|sample`` to the CLI."""
    world = sub.add_parser("world", help="world files")
    world_sub = world.add_subparsers(dest="world_command", required=True)
    check = world_sub.add_parser("check", help="validate a world file and summarise it")
    check.add_argument("path")
    world_import = world_sub.add_parser(
        "import", help="convert another project's town into a gentown town folder"
    )
    world_import.add_argument(
        "source", choices=["generative-agents"], help="the format of the town"
    )
    world_import.add_argument(
        "path", type=Path, help="Generative Agents: the the_ville folder (holding matrix/)"
    )
    world_import.add_argument(
        "--out", type=Path, required=True, help="the new town folder to write (must not exist)"
    )
    persona = sub.add_parser("persona", help="persona files")
    persona_sub = persona.add_subparsers(dest="persona_command", required=True)
    imp = persona_sub.add_parser(
        "import", help="convert a TinyTroupe *.agent.json or a Generative Agents scratch.json"
    )
    imp.add_argument("path", type=Path)
    imp.add_argument("--home", default=None, help="home in the world, e.g. 'Maple Court:flat 2'")
    imp.add_argument("--workplace", default=None, help="workplace sector in the world")
    imp.add_argument("--world", default=None, help="check the persona against this world")
    imp.add_argument("--out", type=Path, default=None, help="write the persona YAML here")
    sample = persona_sub.add_parser("sample", help="draw N diverse personas for a world")
    sample.add_argument("--world", default="maplewood")
    sample.add_argument("--count", type=int, default=10)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--model", default=None)
    sample.add_argument("--out", type=Path, required=True, help="folder for the persona files")
    check.set_defaults(func=cmd_world_check)
    world_import.set_defaults(func=cmd_world_import)
    persona.set_defaults(func=cmd_persona)


def cmd_world_check(args: argparse.Namespace) -> int:
    """``world check``: validate a world and print a one-screen summary."""
    from worlds.loader import load_world
    from worlds.summary import summarize

    print(summarize(load_world(args.path)))
    return 0


def cmd_world_import(args: argparse.Namespace) -> int:
    """``world import``: convert another project's town into a gentown town folder."""
    from worlds.generative_agents import import_generative_agents

    result = import_generative_agents(args.path, args.out)  # the one source so far
    world = result.world
    print(
        f"imported {world.name!r}: {world.width}x{world.height} tiles, {len(world.sectors)} "
        f"sectors, {len(world.arenas)} arenas, {len(world.objects)} objects, "
        f"{len(world.spawns)} spawns"
    )
    print(f"wrote {args.out}: world.yaml, map.txt and IMPORT_REPORT.md (check the guesses there)")
    return 0


def cmd_persona(args: argparse.Namespace) -> int:
    """``persona import`` converts a TinyTroupe or GA persona; ``persona sample`` draws N."""
    if args.persona_command == "import":
        return _import_persona(args)
    return _sample_personas(args)


def _import_persona(args: argparse.Namespace) -> int:
    """Prints (or writes to ``--out``) a persona converted from another project's file."""
    from agents.persona import format_persona, validate_against_world
    from agents.persona_import import import_persona

    persona = import_persona(args.path, home=args.home, workplace=args.workplace)
    if args.world is not None:
        from worlds.loader import load_world

        validate_against_world([persona], load_world(args.world))
    text = format_persona(persona)
    if args.out is None:
        print(text)
        return 0
    if args.out.exists():
        raise UserError(f"--out {args.out}: already exists; choose a new file")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _sample_personas(args: argparse.Namespace) -> int:
    import asyncio

    from agents.assembly import LLMStack
    from agents.llm.settings import DEFAULT_MODEL, LLMSettings
    from agents.persona import format_persona
    from agents.population import PopulationSpec, diversity_summary, sample_population
    from worlds.loader import load_world

    if args.count < 1:
        raise UserError(f"--count {args.count}: give at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        raise UserError(f"--out {args.out}: the folder is not empty")
    world = load_world(args.world)
    llm = LLMStack(LLMSettings(model=args.model or DEFAULT_MODEL))
    try:
        people, notes = asyncio.run(
            sample_population(PopulationSpec(count=args.count), world, llm.gateway, args.seed)
        )
    finally:
        llm.close()
    args.out.mkdir(parents=True, exist_ok=True)
    for i, persona in enumerate(people, 1):
        slug = persona.name.lower().replace(" ", "_").replace("'", "")
        (args.out / f"{i:02d}_{slug}.yaml").write_text(format_persona(persona), encoding="utf-8")
    print(diversity_summary(people))
    for note in notes:
        print(f"fallback: {note}", file=sys.stderr)
    print(f"wrote {len(people)} personas to {args.out}")
    return 0

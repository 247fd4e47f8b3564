"""Writing an imported Generative Agents town: ``world.yaml``, ``map.txt``, ``IMPORT_REPORT.md``.

The folder is written into a temporary folder beside the target, ``world.yaml`` is loaded back
and compared with the imported world, and only then is the folder renamed into place, so a
failed import leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from worlds.ascii_writer import MAP_FILE, world_to_ascii
from worlds.errors import WorldError
from worlds.loader import load_world
from worlds.places import Terrain

if TYPE_CHECKING:
    from worlds.generative_agents import GAImport

REPORT_FILE = "IMPORT_REPORT.md"
"""The report of every guess, written next to ``world.yaml``."""


def check_new_folder(target: Path) -> None:
    """Refuse an output folder that exists (an import never overwrites).

    Raises:
        WorldError: Naming ``--out`` and how to fix it.
    """
    if target.exists() or target.is_symlink():
        raise WorldError(
            str(target),
            "--out",
            "already exists; expected a new folder (an import never overwrites)",
            "choose another --out, or remove that folder first",
        )


def write_town(result: GAImport, out: str | os.PathLike[str]) -> Path:
    """Write an imported world as ``out/world.yaml``, ``out/map.txt`` and the report.

    Raises:
        WorldError: If ``out`` exists or cannot be written.
    """
    target = Path(out)
    check_new_folder(target)
    header = (
        f"Imported from Generative Agents' town {result.world.name!r} by\n"
        "`gentown world import generative-agents`. Every guess (kinds, homes, workplaces,\n"
        f"opening hours, object types) is listed in {REPORT_FILE}: check and edit them here."
    )
    world_yaml, map_text = world_to_ascii(result.world, header=header)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise WorldError(
            str(target), "--out", f"cannot create the folder: {exc.strerror or exc}"
        ) from exc
    try:
        temp.chmod(0o755)
        (temp / "world.yaml").write_text(world_yaml, encoding="utf-8")
        (temp / MAP_FILE).write_text(map_text, encoding="utf-8")
        (temp / REPORT_FILE).write_text(format_report(result), encoding="utf-8")
        again = load_world(temp / "world.yaml")
        if again.model_dump() != result.world.model_dump():
            raise RuntimeError("world.yaml does not load back into the imported world (a bug)")
        check_new_folder(target)
        temp.rename(target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return target


def format_report(result: GAImport) -> str:
    """``IMPORT_REPORT.md``: what was imported and every guess, for the author to check."""
    world, rep = result.world, result.report
    walls = sum(row.count(Terrain.WALL.code) for row in world.terrain)
    lines = [
        f"# Import report: {world.name}",
        "",
        f"Imported from the Generative Agents town folder `{rep.source}` by "
        "`gentown world import generative-agents`.",
        "",
        f"- {world.width} x {world.height} tiles ({walls} walls), tile size {world.tile_size}",
        f"- {_count(len(world.sectors), 'sector')}, {_count(len(world.arenas), 'arena')}, "
        f"{_count(len(world.objects), 'object')}, {_count(len(world.spawns), 'spawn')}",
        "- the art (`visuals/`, tilesets) is not copied: Generative Agents' art is not "
        "redistributable; this world stands alone.",
        "",
        "Everything below was **guessed from names**: check it and edit `world.yaml`.",
        "",
        "## Sector kinds",
        "",
        "| sector | kind | because of |",
        "|---|---|---|",
        *(f"| {_cell(n)} | {k} | {_cell(w)} |" for n, k, w in rep.sector_kinds),
        "",
        "## Arena kinds",
        "",
        "| arena | kind | because of |",
        "|---|---|---|",
        *(f"| {_cell(n)} | {k} | {_cell(w)} |" for n, k, w in rep.arena_kinds),
        "",
        "## Homes",
        "",
        "Sectors of kind home, and bedrooms in them (people's `home:` can name either).",
        "",
        *(_bullets(rep.homes) or ["- none"]),
        "",
        "## Workplaces",
        "",
        "Sectors of kinds with opening hours below.",
        "",
        *(_bullets(rep.workplaces) or ["- none"]),
        "",
        "## Opening hours",
        "",
        "Default hours by kind; homes, parks and other sectors are always open.",
        "",
        *(f"- {_cell(n)}: {h}" for n, h in rep.opening_hours),
        *(["- none"] if not rep.opening_hours else []),
        "",
        "## Object types",
        "",
        "| object name | type | from | objects |",
        "|---|---|---|---|",
        *(
            f"| {_cell(n)} | {t} | {_cell(how)} | {c} |"
            for n, (t, how, c) in sorted(rep.object_types.items())
        ),
        "",
        "Generic objects have the states idle / in use and the affordance use.",
        "",
        "## Block ids no CSV lists",
        "",
        "Painted in a maze but listed in no `special_blocks/*.csv`: skipped.",
        "",
    ]
    for maze, counts in rep.unlisted.items():
        listing = ", ".join(f"{i} ({_count(n, 'tile')})" for i, n in sorted(counts.items()))
        lines.append(f"- `{maze}`: {listing}")
    if not rep.unlisted:
        lines.append("- none")
    lines += ["", "## Adjustments", "", *(_bullets(rep.adjustments) or ["- none"]), ""]
    return "\n".join(lines)


def _bullets(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

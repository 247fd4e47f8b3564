"""``gentown world import generative-agents``: a tiny town in GA's exact file layout, imported.

The fixture is written the way Generative Agents' ``the_ville/matrix`` is: ``maze_meta_info.json``
(its world name in lower case, as GA's own), ``special_blocks/*.csv`` rows ``id, the Ville,
names...`` (game objects scoped ``<all>``) and ``maze/*.csv`` as one comma-separated row of
width x height block ids.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from worlds import WorldError, load_world
from worlds.ascii_writer import MAP_FILE, world_to_ascii
from worlds.checks import world_problems
from worlds.generative_agents import (
    guess_arena_kind,
    guess_sector_kind,
    import_ga_town,
    import_generative_agents,
)
from worlds.places import PlaceKind
from worlds.summary import summarize

ROOT = Path(__file__).resolve().parents[2]
APARTMENT = "Isabella Rodriguez's apartment"

# One character per tile; each grid maps its characters to GA block ids ("." = 0).
COLLISION = [
    "############",
    "#....#.....#",
    "#....#.....#",
    "#....#.....#",
    "##.#####.###",
    "............",
    "............",
    "############",
]
SECTORS = [
    "............",
    ".AAAA.CCCCC.",
    ".AAAA.CCCCC.",
    ".AAAA.CCCCC.",
    "..A.........",
    "........PPPP",
    "........PPPP",
    "............",
]
ARENAS = [
    ".m..........",  # a main-room block painted on the wall: left out
    ".mmmb.ccccc.",
    ".mmmb.ccccc.",
    ".mmmb.cccc?.",  # '?' = block 32999, which no CSV lists
    "............",
    "........pppp",
    "........pppp",
    "............",
]
OBJECTS = [
    "............",
    ".B..T.KKK...",
    ".B?.........",  # '?' = block 32888, which no CSV lists
    "...G...S.S..",
    "............",
    "............",
    "..........FF",
    "............",
]
SPAWNS = [
    "............",
    "............",
    "..s.........",
    "............",
    "............",
    "............",
    "............",
    "............",
]
IDS = {
    "collision": {"#": "32125"},
    "sector": {"A": "32165", "C": "32136", "P": "32156"},
    "arena": {"m": "32170", "b": "32180", "c": "32171", "p": "32142", "?": "32999"},
    "game_object": {
        "B": "32227",
        "T": "32218",
        "G": "32209",
        "K": "32249",
        "S": "32259",
        "F": "32252",
        "?": "32888",
    },
    "spawning_location": {"s": "32307"},
}
GRIDS = {
    "collision": COLLISION,
    "sector": SECTORS,
    "arena": ARENAS,
    "game_object": OBJECTS,
    "spawning_location": SPAWNS,
}
BLOCKS = {
    "world": ["32134, the Ville"],
    "sector": [
        f"32165, the Ville, {APARTMENT}",
        "32136, the Ville, Hobbs Cafe",
        "32156, the Ville, Johnson Park",
    ],
    "arena": [
        f"32170, the Ville, {APARTMENT}, main room",
        f"32180, the Ville, {APARTMENT}, bathroom",
        "32171, the Ville, Hobbs Cafe, cafe",
        "32142, the Ville, Johnson Park, park",
    ],
    "game_object": [
        "32227, the Ville, <all>, bed",
        "32218, the Ville, <all>, toilet",
        "32209, the Ville, <all>, guitar",
        "32249, the Ville, <all>, behind the cafe counter",
        "32259, the Ville, <all>, cafe customer seating",
        "32252, the Ville, <all>, park garden",
    ],
    "spawning_location": [f"32307, the Ville, {APARTMENT}, main room, sp-A"],
}


def write_ga_town(
    root: Path,
    blocks: dict[str, list[str]] | None = None,
    grids: dict[str, list[str]] | None = None,
) -> Path:
    """Write the fixture as ``root/the_ville`` in GA's layout; returns the_ville."""
    town = root / "the_ville"
    matrix = town / "matrix"
    (matrix / "special_blocks").mkdir(parents=True)
    (matrix / "maze").mkdir()
    meta = {
        "world_name": "the ville",
        "maze_width": 12,
        "maze_height": 8,
        "sq_tile_size": 32,
        "special_constraint": "",
    }
    (matrix / "maze_meta_info.json").write_text(json.dumps(meta, indent=2) + "\n")
    for kind, rows in (blocks or BLOCKS).items():
        (matrix / "special_blocks" / f"{kind}_blocks.csv").write_text("\n".join(rows) + "\n")
    for layer, grid in {**GRIDS, **(grids or {})}.items():
        cells = [IDS[layer].get(char, "0") for row in grid for char in row]
        (matrix / "maze" / f"{layer}_maze.csv").write_text(", ".join(cells))
    return town


@pytest.fixture
def ga_town(tmp_path: Path) -> Path:
    return write_ga_town(tmp_path / "ga")


def gentown(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run_town.py", "world", "import", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_builds_places_kinds_walls_and_spawns(ga_town):
    world = import_ga_town(ga_town).world
    assert (world.name, world.width, world.height, world.tile_size) == ("the Ville", 12, 8, 32)
    assert [(s.name, s.kind.value, s.opening_hours) for s in world.sectors] == [
        (APARTMENT, "home", None),
        ("Hobbs Cafe", "cafe", "08:00-20:00"),
        ("Johnson Park", "park", None),
    ]
    kinds = {a.id: (a.kind.value, len(a.tiles)) for a in world.arenas}
    assert kinds == {
        f"{APARTMENT}:main room": ("home", 9),  # the block on the wall is left out
        f"{APARTMENT}:bathroom": ("bathroom", 3),
        "Hobbs Cafe:cafe": ("cafe", 14),  # the unlisted block 32999 is skipped
        "Johnson Park:park": ("park", 8),
    }
    objects = {o.id: (o.type, sorted(o.tiles)) for o in world.objects}
    assert objects == {
        f"{APARTMENT}:main room:bed": ("bed", [(1, 1), (1, 2)]),
        f"{APARTMENT}:main room:guitar": (None, [(3, 3)]),
        f"{APARTMENT}:bathroom:toilet": ("toilet", [(4, 1)]),
        "Hobbs Cafe:cafe:behind the cafe counter": ("counter", [(6, 1), (7, 1), (8, 1)]),
        "Hobbs Cafe:cafe:cafe customer seating": ("seats", [(7, 3), (9, 3)]),
        "Johnson Park:park:park garden": ("flower bed", [(10, 6), (11, 6)]),
    }
    assert world.get_object(f"{APARTMENT}:main room:guitar").affordances == ("use",)
    assert not world.is_walkable(0, 0) and not world.is_walkable(5, 2)  # collision blocks
    assert world.is_walkable(2, 4) and world.arena_at(2, 4) is None  # the door
    assert world.is_walkable(10, 3) and world.arena_at(10, 3) is None  # unlisted arena block
    assert [(s.name, s.tile) for s in world.spawns] == [(f"{APARTMENT}, main room, sp-A", (2, 2))]
    assert world.homes == (APARTMENT,) and world.workplaces == ("Hobbs Cafe",)
    assert world.find("the Ville:Hobbs Cafe:cafe") is not None  # GA addresses resolve as they are


def test_the_written_folder_loads_passes_checks_and_stands_alone(ga_town, tmp_path):
    out = tmp_path / "towns" / "ville"
    result = import_generative_agents(ga_town, out)
    assert sorted(p.name for p in out.iterdir()) == ["IMPORT_REPORT.md", "map.txt", "world.yaml"]
    shutil.rmtree(ga_town)  # the world must not need the GA folder any more
    world = load_world(out)
    assert world.model_dump() == result.world.model_dump()
    assert world_problems(world) == []
    assert summarize(world).startswith("the Ville: 12x8 tiles")
    text = (out / "world.yaml").read_text(encoding="utf-8")
    assert "map_file: map.txt" in text and "cafe customer seating: {type: seats" in text
    assert 'opening_hours: "08:00-20:00"' in text
    assert not list(tmp_path.glob("towns/.*"))  # no temporary folder left behind


def test_the_report_lists_every_guess(ga_town, tmp_path):
    import_generative_agents(ga_town, tmp_path / "ville")
    report = (tmp_path / "ville" / "IMPORT_REPORT.md").read_text(encoding="utf-8")
    for line in (
        "| Isabella Rodriguez's apartment | home | 'apartment' in the name |",
        "| Hobbs Cafe | cafe | 'cafe' in the name |",
        "| Johnson Park | park | 'park' in the name |",
        "| Isabella Rodriguez's apartment:main room | home | 'main room' in the name |",
        "- Hobbs Cafe: 08:00-20:00",
        "| guitar | generic | generic (no catalogue type) | 1 |",
        "| cafe customer seating | seats | guessed from 'seating' | 1 |",
        "| park garden | flower bed | guessed from 'garden' | 1 |",
        "- `maze/arena_maze.csv`: 32999 (1 tile)",
        "- `maze/game_object_maze.csv`: 32888 (1 tile)",
        "1 tile(s) on collision (wall) blocks left out",
    ):
        assert line in report, line
    homes = report.split("## Homes")[1].split("##")[0]
    workplaces = report.split("## Workplaces")[1].split("##")[0]
    assert f"- {APARTMENT}" in homes and "- Hobbs Cafe" in workplaces
    assert "not copied" in report


@pytest.mark.parametrize(
    ("name", "kind"),
    [  # sector names of GA's the_ville/matrix/special_blocks/sector_blocks.csv
        ("artist's co-living space", "home"),
        ("Arthur Burton's apartment", "home"),
        ("Moore family's house", "home"),
        ("Dorm for Oak Hill College", "home"),
        ("The Rose and Crown Pub", "bar"),
        ("Hobbs Cafe", "cafe"),
        ("Oak Hill College", "college"),
        ("Johnson Park", "park"),
        ("Harvey Oak Supply Store", "shop"),
        ("The Willows Market and Pharmacy", "shop"),
        ("Town Hall", "other"),
    ],
)
def test_sector_kinds_of_the_real_villes_names(name, kind):
    assert guess_sector_kind(name)[0].value == kind


@pytest.mark.parametrize(
    ("name", "sector_kind", "kind"),
    [  # arena names of GA's arena_blocks.csv
        ("Latoya Williams's room", "home", "bedroom"),
        ("Mei and John Lin's bedroom", "home", "bedroom"),
        ("woman's bathroom", "home", "bathroom"),
        ("common room", "home", "living"),
        ("main room", "home", "home"),
        ("kitchen", "home", "kitchen"),
        ("garden", "home", "garden"),
        ("pub", "bar", "bar"),
        ("classroom", "college", "classroom"),
        ("hallway", "college", "hallway"),
        ("supply store", "shop", "shop"),
        ("back area", "cafe", "cafe"),
        ("attic", "home", "other"),
    ],
)
def test_arena_kinds_of_the_real_villes_names(name, sector_kind, kind):
    assert guess_arena_kind(name, PlaceKind(sector_kind))[0].value == kind


def test_a_persons_room_in_a_shared_home_is_a_home_too(tmp_path):
    blocks = {**BLOCKS, "arena": list(BLOCKS["arena"])}
    blocks["arena"][0] = f"32170, the Ville, {APARTMENT}, Isabella Rodriguez's room"
    world = import_ga_town(write_ga_town(tmp_path, blocks)).world
    assert world.get_arena(f"{APARTMENT}:Isabella Rodriguez's room").kind == "bedroom"
    assert world.homes == (APARTMENT, f"{APARTMENT}:Isabella Rodriguez's room")


def test_an_arena_belongs_to_the_sector_its_blocks_lie_in(tmp_path):
    blocks = {**BLOCKS, "arena": list(BLOCKS["arena"])}
    blocks["arena"][2] = "32171, the Ville, Johnson Park, cafe"  # listed under the wrong sector
    result = import_ga_town(write_ga_town(tmp_path, blocks))
    assert result.world.find("Hobbs Cafe:cafe") and not result.world.find("Johnson Park:cafe")
    assert any("listed under 'Johnson Park'" in note for note in result.report.adjustments)


def test_an_object_painted_on_a_wall_moves_to_the_floor_next_to_it(tmp_path):
    arenas = [".mm.........", *ARENAS[1:]]
    no_guitar = "......." + OBJECTS[3][7:]
    objects = ["..G.........", *OBJECTS[1:3], no_guitar, *OBJECTS[4:]]  # guitar on the wall
    town = write_ga_town(tmp_path, grids={"arena": arenas, "game_object": objects})
    result = import_ga_town(town)
    assert result.world.get_object(f"{APARTMENT}:main room:guitar").tiles == {(2, 1)}
    assert any("guitar" in note and "(x=2, y=1)" in note for note in result.report.adjustments)


def test_the_matrix_folder_and_a_repository_checkout_are_accepted_too(tmp_path):
    town = write_ga_town(tmp_path / "ga")
    assert import_ga_town(town / "matrix").world.name == "the Ville"
    checkout = tmp_path / "generative_agents"
    nested = checkout / "environment/frontend_server/static_dirs/assets"
    nested.mkdir(parents=True)
    town.rename(nested / "the_ville")
    assert import_ga_town(checkout).world.name == "the Ville"


def test_a_short_maze_names_the_file_and_the_sizes(ga_town):
    maze = ga_town / "matrix" / "maze" / "arena_maze.csv"
    maze.write_text(", ".join(["0"] * 50))
    with pytest.raises(WorldError) as err:
        import_ga_town(ga_town)
    assert err.value.path == str(maze) and "expected maze_width x maze_height = 12 x 8" in str(
        err.value
    )


def test_a_failed_write_leaves_no_folder(ga_town, tmp_path, monkeypatch):
    import worlds.ga_output

    def broken(result):
        raise OSError("disk full")

    monkeypatch.setattr(worlds.ga_output, "format_report", broken)
    with pytest.raises(OSError):
        import_generative_agents(ga_town, tmp_path / "out" / "ville")
    assert list((tmp_path / "out").iterdir()) == []


def test_the_cli_imports_a_town(ga_town, tmp_path):
    out = tmp_path / "ville"
    done = gentown("generative-agents", ga_town, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "imported 'the Ville': 12x8 tiles, 3 sectors, 4 arenas, 6 objects" in done.stdout
    assert load_world(out).name == "the Ville"


def _not_a_town(tmp_path: Path, ga_town: Path) -> tuple[Path, str]:
    empty = tmp_path / "empty"
    empty.mkdir()
    return empty, "not a Generative Agents town folder: no matrix/maze_meta_info.json"


def _missing_column(tmp_path: Path, ga_town: Path) -> tuple[Path, str]:
    csv = ga_town / "matrix" / "special_blocks" / "arena_blocks.csv"
    rows = csv.read_text().splitlines()
    rows[2] = "32171, the Ville, cafe"  # no sector column
    csv.write_text("\n".join(rows) + "\n")
    return ga_town, "arena_blocks.csv:3: arena: missing column 'arena'"


def _out_exists(tmp_path: Path, ga_town: Path) -> tuple[Path, str]:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    return ga_town, "--out: already exists"


@pytest.mark.parametrize("case", [_not_a_town, _missing_column, _out_exists])
def test_cli_errors_are_one_line_exit_2_and_write_nothing(case, ga_town, tmp_path):
    path, expected = case(tmp_path, ga_town)
    out = tmp_path / "out"
    existed = out.exists()
    done = gentown("generative-agents", path, "--out", out)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and expected in done.stderr
    assert done.stderr.startswith("gentown: error: ") and "fix:" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert out.exists() == existed and not list(tmp_path.glob(".out.*"))
    if existed:
        assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_the_writer_round_trips_bundled_and_tiled_worlds(tmp_path):
    for i, source in enumerate(["two_rooms", "maplewood", "tests/worlds/fixtures/pine_hollow.tmj"]):
        world = load_world(ROOT / source if "/" in source else source)
        world_yaml, map_text = world_to_ascii(world)
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / "world.yaml").write_text(world_yaml, encoding="utf-8")
        (folder / MAP_FILE).write_text(map_text, encoding="utf-8")
        again = load_world(folder)
        assert again.model_dump() == world.model_copy(update={"graphics": None}).model_dump()


def test_a_short_run_on_the_imported_world(ga_town, tmp_path):
    from agents.assembly import LLMStack, build_town
    from agents.llm.settings import LLMSettings
    from agents.memory.index import ChromaSettings
    from agents.persona import Persona, validate_against_world
    from agents.run_config import RunConfig
    from simulation.trajectory import read_trajectory
    from tests.doubles.embedder import HashingEmbedder
    from tests.doubles.town_llm import TownScript, town_backend

    out = tmp_path / "ville"
    import_generative_agents(ga_town, out)
    world = load_world(out)
    isabella = Persona(
        name="Isabella Rodriguez",
        age=34,
        occupation="runs Hobbs Cafe",
        home=APARTMENT,
        workplace="Hobbs Cafe",
        wake_time="06:00",
        sleep_time="23:00",
    )
    validate_against_world([isabella], world)
    settings = LLMSettings(model="scripted/town", cache=False)
    config = RunConfig(
        world=str(out),
        hours=1,
        start="2026-02-13 07:00",
        llm=settings,
        chroma=ChromaSettings(ephemeral=True),
    )
    stack = LLMStack(settings, backend=town_backend(TownScript()))
    run_dir = tmp_path / "run"
    town = build_town(config, world, [isabella], run_dir, stack, embedder=HashingEmbedder())
    try:
        town.start()
        town.run(ticks=3)
    finally:
        town.close()
    frames = read_trajectory(run_dir).frames
    assert [f.tick for f in frames] == [1, 2, 3]

import itertools

import pytest

from agents.persona import load_personas, validate_against_world
from worlds import PlaceKind, World, WorldError, list_bundled_worlds, load_world
from worlds.grid import components
from worlds.loader import TOWNS_DIR, personas_dir, town_dir, world_path


@pytest.fixture(scope="module")
def maplewood():
    return load_world("maplewood")


@pytest.fixture(scope="module")
def cast():
    return load_personas(personas_dir("maplewood"))


def test_bundled_worlds_are_listed_and_found_by_name_folder_and_file():
    assert {"maplewood", "two_rooms"} <= set(list_bundled_worlds())
    folder = TOWNS_DIR / "two_rooms"
    assert world_path("two_rooms") == folder / "world.yaml"
    assert load_world(folder) == load_world(folder / "world.yaml") == load_world("two_rooms")
    assert (town_dir("maplewood") / "scenarios").is_dir()


def test_unknown_world_lists_the_bundled_ones():
    with pytest.raises(WorldError, match="maplewood, two_rooms") as exc:
        load_world("atlantis")
    assert exc.value.path == "atlantis"


def test_maplewood_size_and_contents(maplewood):
    assert maplewood.width >= 40 and maplewood.height >= 30
    assert len(maplewood.sectors) >= 6 and len(maplewood.arenas) >= 15
    assert len(maplewood.objects) >= 30
    kinds = {s.kind for s in maplewood.sectors}
    assert {PlaceKind.HOME, PlaceKind.CAFE, PlaceKind.SHOP, PlaceKind.PARK, PlaceKind.BAR} <= kinds
    assert kinds & {PlaceKind.COLLEGE, PlaceKind.OFFICE}
    houses = [
        s for s in maplewood.sectors if s.kind == PlaceKind.HOME and s.name in maplewood.homes
    ]
    assert len(houses) >= 5
    for kind in (PlaceKind.CAFE, PlaceKind.SHOP, PlaceKind.BAR, PlaceKind.COLLEGE):
        assert all(s.opening_hours for s in maplewood.sectors if s.kind == kind)
    assert len(maplewood.spawns) >= 1
    for address in (*maplewood.homes, *maplewood.workplaces):
        assert maplewood.find(address) is not None


def test_maplewood_is_one_connected_town(maplewood):
    groups = components(maplewood.walkable_tiles())
    assert len(groups) == 1
    for arena in maplewood.arenas:
        assert arena.tiles <= groups[0]
        assert all(maplewood.arena_at(*t) is arena for t in arena.tiles)
    for spawn in maplewood.spawns:
        assert spawn.tile in groups[0]


def test_every_bed_sleeps_someone(maplewood):
    for home in maplewood.homes:
        beds = [o for o in maplewood.objects_in(home) if "sleep" in o.affordances]
        assert beds, f"{home} has no bed"


def test_maplewood_dump_round_trips(maplewood):
    assert World.model_validate_json(maplewood.model_dump_json()) == maplewood


def test_maplewood_summary(maplewood):
    text = maplewood.summary()
    assert text.startswith("Maplewood: 56x40 tiles")
    assert "- Copper Kettle Cafe [cafe, open 07:00-18:00]" in text
    assert "(1 connected area)" in text


def test_maplewood_cast_fits_the_world(maplewood, cast):
    assert len(cast) >= 10
    assert validate_against_world(cast, maplewood) == []
    assert len({p.speaking_style for p in cast}) == len(cast)
    for p in cast:
        assert p.home and p.routines and p.speaking_style and p.backstory and p.big_five
        assert 2 <= len(p.relationships) <= 5, p.name
        assert p.wake_time != p.sleep_time


def test_maplewood_relationships_are_mutual(cast):
    names = {p.name: p for p in cast}
    for p, other in itertools.product(cast, repeat=2):
        if other.name in p.relationships:
            assert p.name in names[other.name].relationships, f"{other.name} does not know {p.name}"


def test_maplewood_roles(cast):
    jobs = " ".join(p.occupation or "" for p in cast).lower()
    for word in (
        "barista",
        "grocer",
        "professor",
        "student",
        "bartender",
        "painter",
        "nurse",
        "reporter",
        "retired",
    ):
        assert word in jobs, word


def test_two_rooms():
    world = load_world("two_rooms")
    assert (world.width, world.height) == (12, 8)
    personas = load_personas(personas_dir("two_rooms"))
    assert len(personas) == 3
    assert validate_against_world(personas, world) == []

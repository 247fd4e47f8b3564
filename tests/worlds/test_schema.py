import datetime as dt
import json

import pytest
from pydantic import ValidationError

from worlds import GameObject, Sector, Terrain, World, WorldError, build_world
from worlds.hours import is_open, parse_clock, parse_hours

#   0123456
# 0 #######
# 1 #aaA#b#
# 2 #aaa#b#
# 3 ##+##+#
# 4 .......
TERRAIN = ["#######", "#___#_#", "#___#_#", "##+##+#", "......."]


def world_data(**changes):
    data = {
        "name": "Testville",
        "width": 7,
        "height": 5,
        "terrain": TERRAIN,
        "sectors": [
            {"name": "House", "kind": "home"},
            {"name": "Shop", "kind": "shop", "opening_hours": "08:00-18:00"},
        ],
        "arenas": [
            {
                "sector": "House",
                "name": "room",
                "kind": "bedroom",
                "tiles": [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (3, 2)],
            },
            {"sector": "Shop", "name": "floor", "kind": "shop", "tiles": [(5, 1), (5, 2)]},
        ],
        "objects": [
            {
                "arena": "House:room",
                "name": "bed",
                "tiles": [(3, 1)],
                "states": ["free", "occupied"],
                "affordances": ["sleep"],
            },
            {
                "arena": "Shop:floor",
                "name": "till",
                "tiles": [(5, 1)],
                "states": ["idle", "busy"],
                "initial_state": "busy",
                "capacity": 2,
            },
        ],
        "spawns": [{"name": "corner", "x": 0, "y": 4}],
        "homes": ["House"],
        "workplaces": ["Shop"],
    }
    data.update(changes)
    return data


@pytest.fixture
def world():
    return World.model_validate(world_data())


def test_tile_lookups(world):
    assert world.is_walkable(1, 1) and world.is_walkable(2, 3) and world.is_walkable(0, 4)
    assert (
        not world.is_walkable(0, 0) and not world.is_walkable(-1, 4) and not world.is_walkable(7, 4)
    )
    assert world.terrain_at(2, 3) is Terrain.DOOR and world.terrain_at(99, 99) is Terrain.WALL
    assert world.arena_at(2, 2).id == "House:room"
    assert world.arena_at(0, 4) is None and world.arena_at(0, 0) is None
    assert world.sector_at(5, 2).name == "Shop"
    assert world.object_at(3, 1).id == "House:room:bed"
    assert world.address(3, 1) == "House:room:bed"
    assert world.address(1, 1) == "House:room"
    assert world.address(0, 4) is None
    assert sorted(world.neighbors(2, 3)) == [(2, 2), (2, 4)]
    assert len(world.walkable_tiles()) == 6 + 2 + 2 + 7


def test_address_lookups(world):
    assert world.find("Testville:House:room:bed") is world.get_object("House:room:bed")
    assert world.find(" House : room ").id == "House:room"
    assert world.find("House:nope") is None
    assert world.sector_of("House:room:bed").name == "House"
    assert world.arena_of("House:room:bed").id == "House:room"
    assert [a.name for a in world.arenas_in("House")] == ["room"]
    assert [o.name for o in world.objects_in("Shop:floor")] == ["till"]
    assert [o.name for o in world.objects_in("House")] == ["bed"]
    assert world.tiles_of("Shop") == {(5, 1), (5, 2)}
    assert world.tiles_of("House:room:bed") == {(3, 1)}
    assert world.full_address("House:room") == "Testville:House:room"
    with pytest.raises(KeyError, match="did you mean 'House:room'"):
        world.resolve("House:rom")
    assert {a for a, _ in world.iter_places()} >= {"House", "House:room", "Shop:floor:till"}


def test_objects_states_capacity_and_hours(world):
    bed, till = world.get_object("House:room:bed"), world.get_object("Shop:floor:till")
    assert bed.start_state == "free" and bed.capacity == 1 and bed.affordances == ("sleep",)
    assert till.start_state == "busy" and till.capacity == 2 and till.sector == "Shop"
    shop = world.get_sector("Shop")
    assert shop.is_open(dt.time(8, 0)) and not shop.is_open(dt.time(18, 0))
    assert not shop.is_open(dt.datetime(2026, 2, 13, 7, 59))
    assert world.get_sector("House").is_open(3 * 60)  # no hours: always open
    assert [s.name for s in world.open_sectors(20 * 60)] == ["House"]


def test_overnight_and_split_hours():
    assert parse_hours("16:00-01:00") == ((960, 60),)
    assert (
        is_open("16:00-01:00", 23 * 60)
        and is_open("16:00-01:00", 30)
        and not is_open("16:00-01:00", 120)
    )
    assert is_open("07:00-11:00, 17:00-22:00", 18 * 60) and not is_open(
        "07:00-11:00, 17:00-22:00", 12 * 60
    )
    assert parse_clock("7:05") == 425 and parse_clock("24:00") == 1440
    for bad in ("8am-6pm", "08:00", "09:00-09:00", "25:00-26:00", "08:00-18:70"):
        with pytest.raises(ValueError, match="expected"):
            parse_hours(bad)
    with pytest.raises(ValidationError, match="opening hours like"):
        Sector(name="X", opening_hours="nine to five")


def test_world_is_frozen_and_round_trips_as_json(world):
    with pytest.raises(ValidationError):
        world.name = "Other"
    dumped = world.model_dump_json()
    assert json.loads(dumped)["arenas"][0]["tiles"][0] == [1, 1]  # sorted row by row
    assert World.model_validate_json(dumped) == world


def test_unknown_fields_and_bad_names_are_rejected():
    with pytest.raises(ValidationError, match="colour"):
        World.model_validate(world_data(colour="red"))
    with pytest.raises(ValidationError, match="without ':'"):
        GameObject(arena="A:b", name="x:y", tiles=[(0, 0)])


def fields_of(exc):
    return {p.field for p in exc.value.problems}


def test_consistency_problems_are_collected_with_fields():
    data = world_data()
    data["arenas"][1]["tiles"] = [(5, 1), (5, 2), (3, 2)]  # overlaps House:room
    data["objects"][0]["tiles"] = [(3, 1), (5, 1)]  # bed reaches into the shop
    data["objects"][1]["initial_state"] = "sleeping"
    data["spawns"] = [{"name": "in the wall", "x": 0, "y": 0}]
    data["homes"] = ["Hose"]
    with pytest.raises(WorldError) as exc:
        World.model_validate(data)
    fields = fields_of(exc)
    assert {
        "arenas[1].tiles",
        "objects[0].tiles",
        "objects[1].initial_state",
        "spawns[0]",
        "homes[0]",
    } <= fields
    text = str(exc.value)
    assert "overlaps arena 'House:room' at (x=3, y=2)" in text
    assert "outside its arena at (x=5, y=1)" in text
    assert "is on a wall; expected a walkable tile" in text
    assert "did you mean 'House'" in text
    assert len(text.splitlines()) == len(exc.value.problems) >= 5
    first = exc.value.problems[0]
    assert (exc.value.path, exc.value.field, exc.value.message) == (
        first.path,
        first.field,
        first.message,
    )


def test_unreachable_arena_is_reported():
    terrain = list(TERRAIN)
    terrain[3] = "##+####"  # wall the shop in
    with pytest.raises(WorldError, match=r"'Shop:floor' is not connected") as exc:
        World.model_validate(world_data(terrain=terrain))
    assert fields_of(exc) == {"arenas[1].tiles"}
    assert "door" in exc.value.fix


def test_grid_shape_and_missing_parents():
    with pytest.raises(WorldError) as exc:
        World.model_validate(world_data(terrain=[*TERRAIN[:-1], "......"]))
    assert "terrain[4]" in fields_of(exc)
    data = world_data()
    data["arenas"][1]["sector"] = "Shoppe"
    data["objects"][1]["arena"] = "Shop:flor"
    with pytest.raises(WorldError) as exc:
        World.model_validate(data)
    assert {"arenas[1].sector", "objects[1].arena", "sectors[1]"} <= fields_of(exc)
    assert "did you mean 'Shop'" in str(exc.value)


def test_build_world_maps_fields_to_the_authors_file():
    data = world_data()
    data["arenas"][0]["kind"] = "bedrom"
    with pytest.raises(WorldError) as exc:
        build_world(data, source="town.yaml", origins={"arenas[0]": "sectors.House.arenas.room"})
    assert exc.value.path == "town.yaml"
    assert exc.value.field == "sectors.House.arenas.room.kind"
    assert "'bedroom'" in exc.value.message and "got 'bedrom'" in exc.value.message

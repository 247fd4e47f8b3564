import copy
import json
from pathlib import Path

import pytest

from worlds import WorldError, load_world
from worlds.tiled import build_tiled_world, load_tiled_world

FIXTURES = Path(__file__).parent / "fixtures"
PINE = FIXTURES / "pine_hollow.tmj"


@pytest.fixture(scope="module")
def raw():
    return json.loads(PINE.read_text(encoding="utf-8"))


def build(data):
    return build_tiled_world(data, "edited.tmj", FIXTURES)


def test_fixture_is_a_tiled_map_as_tiled_writes_it(raw):
    assert raw["tiledversion"] and raw["compressionlevel"] == -1 and raw["infinite"] is False
    assert raw["tilesets"][0]["firstgid"] == 1 and "image" in raw["tilesets"][0]
    assert {layer["type"] for layer in raw["layers"]} == {"tilelayer", "objectgroup", "group"}


def test_places_from_object_layers():
    world = load_tiled_world(PINE)
    assert (world.name, world.width, world.height, world.tile_size) == ("Pine Hollow", 10, 8, 16)
    assert not world.is_walkable(0, 0) and not world.is_walkable(4, 2)  # Collisions layer
    assert world.is_walkable(2, 4) and world.is_walkable(9, 6)
    room = world.get_arena("Pine House:room")
    assert room.kind == "bedroom" and len(room.tiles) == 9
    counter = world.get_arena("Bean Cafe:counter")
    assert counter.capacity == 6 and counter.tiles == {(x, y) for x in (5, 6, 7) for y in (1, 2, 3)}
    cafe = world.get_sector("Bean Cafe")
    assert cafe.kind == "cafe" and cafe.opening_hours == "07:00-17:00" and not cafe.is_open(18 * 60)
    assert world.get_sector("Pine House").description == "A log house under two pines."
    assert world.homes == ("Pine House",) and world.workplaces == ("Bean Cafe",)


def test_objects_spawns_and_properties():
    world = load_tiled_world(PINE)
    bed = world.get_object("Pine House:room:bed")
    assert bed.tiles == {(1, 1)} and bed.type == "bed" and "sleep" in bed.affordances
    machine = world.get_object("Bean Cafe:counter:coffee machine")  # a point object
    assert machine.tiles == {(6, 1)} and machine.states == ("idle", "brewing", "broken")
    table = world.get_object("Bean Cafe:counter:table")
    assert table.tiles == {(5, 3), (6, 3)} and table.capacity == 4
    assert table.affordances == ("sit", "eat", "chat")
    assert [(s.name, s.tile) for s in world.spawns] == [("street corner", (4, 5))]  # inside a group
    assert "mural" not in {o.name for o in world.objects}  # other layers' classes are ignored


def test_graphics_keep_tilesets_and_decoded_layers():
    world = load_tiled_world(PINE)
    (tileset,) = world.graphics.tilesets
    assert tileset.name == "town" and tileset.first_gid == 1 and tileset.columns == 4
    assert Path(tileset.image) == (FIXTURES / "town_tiles.png").resolve()
    layers = {layer.name: layer for layer in world.graphics.layers}
    assert set(layers) == {"Ground", "Decoration", "Collisions"}
    assert layers["Decoration"].data[1 * 10 + 2] == 11  # base64+zlib, flip flag masked off
    assert layers["Collisions"].visible is False


def test_tiled_1_9_class_field_is_read(raw):
    data = copy.deepcopy(raw)
    for layer in data["layers"][3:6]:
        for obj in layer["objects"]:
            obj["class"] = obj.pop("type")
    assert build(data).get_object("Bean Cafe:counter:table").capacity == 4


def test_places_painted_with_tile_properties_and_external_tileset():
    world = load_world(FIXTURES / "mill_blocks.tmj")
    assert not world.is_walkable(0, 0) and world.is_walkable(3, 2)  # collision tile property
    floor = world.get_arena("Mill:floor")
    assert floor.kind == "workshop" and floor.tiles == {(1, 1), (2, 1), (1, 2), (2, 2), (3, 2)}
    assert world.get_object("Mill:floor:millstone").tiles == {(2, 1)}
    assert world.get_arena("Yard:yard").tiles == {(x, y) for x in (4, 5) for y in range(4)}
    assert world.graphics.tilesets[0].source == "blocks.tsj"
    assert world.graphics.tilesets[0].image.endswith("blocks.png")


def test_json_export_is_detected_by_load_world(raw, tmp_path):
    (tmp_path / "town.json").write_text(json.dumps(raw))
    assert load_world(tmp_path / "town.json").name == "Pine Hollow"


def problems(data):
    with pytest.raises(WorldError) as exc:
        build(data)
    return {p.field: p for p in exc.value.problems}


def test_map_level_problems(raw):
    data = copy.deepcopy(raw)
    data["orientation"] = "isometric"
    found = problems(data)
    assert "expected 'orthogonal', got 'isometric'" in found["orientation"].message
    data["orientation"] = "orthogonal"
    data["properties"].append({"name": "hommes", "type": "string", "value": "x"})
    found = problems(data)
    assert "unknown map property 'hommes'; expected one of: description, homes" in (
        found["properties.hommes"].message
    )
    assert found["properties.hommes"].fix == "did you mean 'homes'?"


def test_shape_and_naming_problems(raw):
    data = copy.deepcopy(raw)
    arenas, objects = data["layers"][4]["objects"], data["layers"][5]["objects"]
    arenas[0]["name"] = ""
    objects[1]["polygon"] = [{"x": 0, "y": 0}, {"x": 8, "y": 0}, {"x": 0, "y": 8}]
    objects[2].update({"x": 0, "y": 112})  # the table, moved onto the bottom wall row
    found = problems(data)
    assert "has no name" in found["layers[4].objects[0].name"].message
    assert "expected an unrotated rectangle or a point" in found["layers[5].objects[1]"].message
    assert "outside every arena" in found["layers[5].objects[2]"].message


def test_arena_outside_sectors_and_bad_layer_data(raw):
    data = copy.deepcopy(raw)
    data["layers"][4]["objects"][0].update({"x": 0, "y": 80})  # room moved onto the street
    data["layers"][0]["data"] = data["layers"][0]["data"][:-1]
    found = problems(data)
    assert "not inside any sector rectangle" in found["layers[4].objects[0]"].message
    assert "has 79 tiles; expected width*height = 80" in found["layers[0].data"].message


def test_unsupported_compression_and_wrong_types(raw):
    data = copy.deepcopy(raw)
    data["layers"][1]["compression"] = "zstd"
    assert "expected none, zlib or gzip" in problems(data)["layers[1].data"].message
    data = copy.deepcopy(raw)
    data["width"] = "ten"
    assert "valid integer" in problems(data)["width"].message


def test_unknown_class_in_a_places_layer(raw):
    data = copy.deepcopy(raw)
    data["layers"][5]["objects"][0]["type"] = "objekt"
    found = problems(data)
    assert "unknown class 'objekt'" in found["layers[5].objects[0].type"].message
    assert found["layers[5].objects[0].type"].fix == "did you mean 'object'?"


def test_not_json(tmp_path):
    bad = tmp_path / "broken.tmj"
    bad.write_text('{"width": 10,')
    with pytest.raises(WorldError, match="not valid JSON") as exc:
        load_world(bad)
    assert exc.value.path == str(bad) and "Tiled" in exc.value.fix

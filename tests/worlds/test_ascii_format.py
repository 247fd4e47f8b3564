import textwrap

import pytest

from worlds import Terrain, WorldError
from worlds.ascii_format import load_ascii_world, parse_ascii_world

BASE = """\
name: Lane
legend:
  "+": door
  "~": water
map: |
  #########
  #kkS#cMc#
  #kTT#ccc#
  ##+###+##
  ........~
spawns:
  gate: [0, 4]
homes: [Hut]
workplaces: ["Hut:kitchen", Kiosk]
sectors:
  Hut:
    kind: home
    arenas:
      kitchen:
        char: k
        kind: kitchen
        objects:
          stove: {char: S}
          table: {char: T, capacity: 2}
          chair: {at: [1, 1], states: [empty, taken], affordances: [sit], initial_state: taken}
  Kiosk:
    kind: shop
    opening_hours: "9:00-17:00"
    arenas:
      counter:
        char: c
        kind: shop
        objects:
          coffee machine: {char: M}
"""


def test_inline_map_builds_places_and_terrain():
    world = parse_ascii_world(BASE, "lane.yaml")
    assert (world.width, world.height) == (9, 5)
    assert world.terrain_at(2, 3) is Terrain.DOOR and world.terrain_at(8, 4) is Terrain.WATER
    assert world.terrain_at(0, 4) is Terrain.PATH and world.terrain_at(0, 0) is Terrain.WALL
    assert not world.is_walkable(8, 4)
    kitchen = world.get_arena("Hut:kitchen")
    assert kitchen.tiles == {
        (1, 1),
        (2, 1),
        (3, 1),
        (1, 2),
        (2, 2),
        (3, 2),
    }  # object tiles included
    assert world.get_object("Hut:kitchen:table").tiles == {(2, 2), (3, 2)}  # one two-tile object
    assert world.get_object("Kiosk:counter:coffee machine").tiles == {(6, 1)}
    assert world.get_sector("Kiosk").opening_hours == "9:00-17:00"
    assert world.homes == ("Hut",) and world.workplaces == ("Hut:kitchen", "Kiosk")
    assert world.spawns[0].tile == (0, 4)


def test_catalogue_defaults_and_overrides():
    world = parse_ascii_world(BASE)
    stove = world.get_object("Hut:kitchen:stove")
    assert (stove.type, stove.states, stove.capacity) == ("stove", ("off", "cooking"), 1)
    assert "cook" in stove.affordances
    table = world.get_object("Hut:kitchen:table")
    assert table.capacity == 2 and table.states == ("free", "occupied")
    chair = world.get_object("Hut:kitchen:chair")
    assert chair.states == ("empty", "taken") and chair.start_state == "taken"
    assert chair.affordances == ("sit",)
    machine = world.get_object("Kiosk:counter:coffee machine")
    assert machine.states == ("idle", "brewing")


def test_object_chars_are_scoped_to_their_arena():
    text = BASE.replace("#cMc#", "#cSc#").replace("coffee machine: {char: M}", "stove: {char: S}")
    world = parse_ascii_world(text)
    assert world.get_object("Kiosk:counter:stove").tiles == {(6, 1)}
    assert world.get_object("Hut:kitchen:stove").tiles == {(3, 1)}


def test_object_touching_only_its_own_objects_is_placed():
    # F at (3, 2) touches only the stove S and the table T, both objects of the kitchen
    text = BASE.replace("#kTT#", "#kTF#").replace(
        "table: {char: T, capacity: 2}", "table: {char: T}\n          fridge: {char: F}"
    )
    world = parse_ascii_world(text)
    assert world.get_object("Hut:kitchen:fridge").tiles == {(3, 2)}
    assert world.arena_at(3, 2).id == "Hut:kitchen"


def test_map_file_next_to_world_yaml(tmp_path):
    rows = textwrap.dedent(BASE.split("map: |\n")[1].split("spawns:")[0])
    (tmp_path / "map.txt").write_text(rows)
    yaml_text = BASE.split("map: |")[0] + "map_file: map.txt\nspawns:" + BASE.split("spawns:")[1]
    (tmp_path / "world.yaml").write_text(yaml_text)
    world = load_ascii_world(tmp_path / "world.yaml")
    assert (
        world.get_arena("Kiosk:counter").tiles
        == parse_ascii_world(BASE).get_arena("Kiosk:counter").tiles
    )


def test_map_errors_point_at_the_map_line(tmp_path):
    (tmp_path / "map.txt").write_text("#####\n#kQk#\n##+##\n.....\n")
    text = (
        BASE.split("map: |")[0] + "map_file: map.txt\nsectors:\n  Hut:\n    kind: home\n"
        "    arenas:\n      kitchen: {char: k, kind: kitchen}\n"
    )
    (tmp_path / "world.yaml").write_text(text)
    with pytest.raises(WorldError) as exc:
        load_ascii_world(tmp_path / "world.yaml")
    problem = exc.value.problems[0]
    assert problem.path.endswith("map.txt") and problem.field == "map[1]" and problem.line == 2
    assert "character 'Q' at (x=2, y=1) is not defined" in problem.message


def test_yaml_errors_carry_line_numbers():
    text = BASE.replace("        kind: kitchen\n", "        kind: kitchen\n        colour: red\n")
    with pytest.raises(WorldError) as exc:
        parse_ascii_world(text, "lane.yaml")
    problem = exc.value.problems[0]
    assert problem.field == "sectors.Hut.arenas.kitchen.colour"
    assert problem.line == text.splitlines().index("        colour: red") + 1
    assert f"lane.yaml:{problem.line}: sectors.Hut.arenas.kitchen.colour" in str(exc.value)


def test_duplicate_yaml_keys_are_errors():
    text = BASE + "  Hut:\n    kind: home\n    arenas: {}\n"
    with pytest.raises(WorldError, match=r"duplicate key 'Hut' \(first on line \d+\)"):
        parse_ascii_world(text, "lane.yaml")


def test_several_problems_are_reported_at_once():
    text = BASE.replace('"9:00-17:00"', '"9-5"').replace(
        "kind: shop\n    opening", "kind: shopp\n    opening"
    )
    with pytest.raises(WorldError) as exc:
        parse_ascii_world(text, "lane.yaml")
    assert {p.field for p in exc.value.problems} == {
        "sectors.Kiosk.kind",
        "sectors.Kiosk.opening_hours",
    }


def test_not_a_mapping_and_bad_yaml():
    with pytest.raises(WorldError, match="expected a YAML mapping"):
        parse_ascii_world("- just\n- a list\n", "x.yaml")
    with pytest.raises(WorldError, match="not valid YAML") as exc:
        parse_ascii_world("name: [unclosed\n", "x.yaml")
    assert exc.value.problems[0].line is not None


def test_yaml_aliases_are_refused_before_they_expand():
    # A "billion laughs" file: eight nested anchors of nine aliases each (~400 bytes) expands
    # to 9**8 strings when walked; it must be refused while parsing, with a fix.
    lines = ['a0: &a0 "lol"']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    with pytest.raises(WorldError) as exc:
        parse_ascii_world(text, "bomb.yaml")
    problem = exc.value.problems[0]
    assert "alias *a0" in problem.message and problem.line == 2
    assert "write the value out in full" in problem.fix

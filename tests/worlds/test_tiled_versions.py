"""Tiled maps of older formats get one clear error saying to re-save them in a current Tiled."""

import json

import pytest

from worlds import WorldError, load_world


def current_map(**changes):
    data = {
        "type": "map",
        "version": "1.10",
        "orientation": "orthogonal",
        "infinite": False,
        "width": 4,
        "height": 3,
        "tilewidth": 32,
        "tileheight": 32,
        "layers": [],
        "tilesets": [],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"tileWidth": 32, "tileHeight": 32, "tilewidth": None}, "'tileWidth'"),
        ({"version": 1}, "'version' is the number 1"),
        ({"version": 1.1, "properties": {"name": "Old"}}, "'version' is the number 1.1"),
        ({"properties": {"name": "Old"}}, "'properties' is an object"),
    ],
)
def test_an_old_tiled_map_is_told_to_be_saved_again(tmp_path, changes, expected):
    data = current_map(**changes)
    if data.get("tilewidth") is None:
        del data["tilewidth"], data["tileheight"]
    path = tmp_path / "old.tmj"
    path.write_text(json.dumps(data))
    with pytest.raises(WorldError) as exc:
        load_world(path)
    (problem,) = exc.value.problems
    assert "an old Tiled JSON format" in problem.message and expected in problem.message
    assert "Tiled 1.2 or newer" in problem.fix and "Save As" in problem.fix


def test_a_current_map_without_places_says_how_tiled_marks_a_sector(tmp_path):
    path = tmp_path / "bare.tmj"
    path.write_text(json.dumps(current_map()))
    with pytest.raises(WorldError) as exc:
        load_world(path)
    fixes = " ".join(p.fix for p in exc.value.problems)
    assert "rectangle of class 'sector'" in fixes and "worlds/FORMAT.md" in fixes

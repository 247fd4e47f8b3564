"""The corpus of broken world files: each error must name the file, the field and what was expected.

Add a case by dropping a file in tests/worlds/broken/ and describing it in EXPECTED.yaml.
"""

from pathlib import Path

import pytest
import yaml

from worlds import WorldError, load_world
from worlds.ascii_format import parse_ascii_world

BROKEN = Path(__file__).parent / "broken"
EXPECTED = yaml.safe_load((BROKEN / "EXPECTED.yaml").read_text(encoding="utf-8"))
SUFFIXES = (".yaml", ".json", ".tmj")


def test_every_broken_file_is_described():
    files = {p.name for p in BROKEN.iterdir() if p.suffix in SUFFIXES and p.name != "EXPECTED.yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 10


def test_the_corpus_template_is_valid():
    text = (BROKEN / "unknown_field.yaml").read_text(encoding="utf-8")
    world = parse_ascii_world(text.replace("        colour: blue\n", ""), "template.yaml")
    assert world.get_object("Home:room:lamp").tiles == {(1, 1)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_world_error_names_file_field_and_expectation(name):
    case = EXPECTED[name]
    with pytest.raises(WorldError) as exc:
        load_world(BROKEN / name)
    matching = [p for p in exc.value.problems if p.field == case["field"]]
    assert matching, f"no problem on {case['field']!r}; got:\n{exc.value}"
    problem = matching[0]
    assert Path(problem.path).name == name
    line = str(problem)
    assert name in line and case["field"] in line
    for piece in case["expect"]:
        assert piece in problem.message, f"{piece!r} not in {problem.message!r}"
    assert str(exc.value).count("\n") == len(exc.value.problems) - 1  # one line per problem

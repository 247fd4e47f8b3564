import pytest

from agents.persona import load_personas
from agents.placement import day_template, known_places, plan_check, start_tile
from worlds.loader import load_world, personas_dir


@pytest.fixture(scope="module")
def maplewood():
    world = load_world("maplewood")
    people = {p.name: p for p in load_personas(personas_dir("maplewood"))}
    return world, people


@pytest.mark.parametrize(
    ("name", "bed"),
    [
        ("Frankie Moreau", "Maple Court:flat 1:bed"),
        ("Priya Nair", "Maple Court:flat 2:bed"),
        ("Leo Park", "Maple Court:flat 3:bunk bed"),
        ("Rosa Delgado", "Willow House:bedroom:double bed"),
    ],
)
def test_a_person_sleeps_in_their_own_flat(maplewood, name, bed):
    world, people = maplewood
    persona = people[name]
    places = known_places(world, persona)
    assert places.bed == bed
    assert places.home_arena == bed.rsplit(":", 1)[0]
    x, y = start_tile(world, persona)
    assert world.arena_at(x, y).address == places.home_arena


def test_the_usual_day_uses_the_workplace_and_its_opening_hours(maplewood):
    world, people = maplewood
    rosa = people["Rosa Delgado"]
    usual = day_template(world, rosa, known_places(world, rosa))
    assert usual.work == "Copper Kettle Cafe:counter"
    assert usual.work_hours == (7 * 60, 18 * 60)  # the cafe opens 07:00-18:00
    assert (usual.wake, usual.sleep) == (5 * 60 + 30, 21 * 60 + 30)
    assert usual.home == "Willow House:bedroom" and usual.kitchen == "Willow House:kitchen"


def test_someone_without_a_workplace_has_none(maplewood):
    world, people = maplewood
    walter = people["Walter Lindqvist"]
    assert day_template(world, walter, known_places(world, walter)).work is None


def test_the_plan_check_explains_what_is_wrong_and_passes_what_is_not(maplewood):
    world, people = maplewood
    check = plan_check(world, people["Tom Castellano"])
    assert check([("19:00", "going to Rosa's party", "Copper Kettle Cafe, seating")]) is None
    assert check([]) is None
    problem = check(
        [
            ("05:00", "jogging", "Maplewood Park, lawn"),
            ("10:00", "serving customers", "Copper Kettle Cafe, counter"),
        ]
    )
    assert problem == (
        "05:00 'jogging' is before waking (awake 07:00–23:30); "
        "'serving customers' is a work duty at Copper Kettle Cafe, but their workplace is "
        "Maplewood Gazette. Change these items or leave them out."
    )
    assert (
        plan_check(world, people["Rosa Delgado"])(
            [("10:00", "serving customers", "Copper Kettle Cafe, counter")]
        )
        is None
    )  # her own cafe

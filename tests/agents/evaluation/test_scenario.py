from datetime import datetime

import pytest

from agents.evaluation.errors import ScenarioError
from agents.evaluation.scenario import (
    bundled_scenarios,
    check_against_world,
    load_scenario,
    parse_scenario,
)
from agents.persona import load_personas
from worlds.loader import load_world, personas_dir

MINIMAL = {
    "name": "picnic",
    "world": "two_rooms",
    "whispers": [{"agent": "June Marsh", "text": "A picnic at noon tomorrow"}],
    "facts": [{"name": "picnic", "keywords": ["picnic"]}],
}


def write(tmp_path, text):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["valentine", "election"])
def test_bundled_scenarios_load_and_fit_their_world(name):
    scenario = load_scenario(name)
    world = load_world(scenario.world)
    check_against_world(scenario, world, load_personas(personas_dir(scenario.world)))
    assert scenario.facts and scenario.facts[0].reference is not None
    assert len(scenario.start_whispers()) == 1 and not scenario.timed_whispers()


def test_valentine_times_are_relative_to_the_start_day():
    scenario = load_scenario("valentine")
    assert scenario.start_time == datetime(2026, 2, 13, 7, 0)
    (event,) = scenario.run_events()
    assert event.at == "2026-02-14 16:00" and event.place == "Copper Kettle Cafe"
    window = scenario.attendance_window()
    assert (window.start, window.end) == (datetime(2026, 2, 14, 16), datetime(2026, 2, 14, 18))
    assert scenario.required_cast() == ["Rosa Delgado"]
    control = scenario.without_intervention()
    assert control.whispers == [] and control.events == [] and control.facts == scenario.facts
    assert set(bundled_scenarios()) >= {"valentine", "election"}


def test_later_whispers_are_timed():
    data = {**MINIMAL, "whispers": [{"agent": "June Marsh", "text": "x", "day": 1, "at": "09:30"}]}
    scenario = parse_scenario(data, "s.yaml")
    assert scenario.start_whispers() == []
    assert scenario.timed_whispers() == [(datetime(2026, 2, 14, 9, 30), "June Marsh", "x")]


def test_an_unknown_field_names_the_file_the_field_and_a_fix(tmp_path):
    path = write(tmp_path, "name: picnic\nwhisper: []\nfacts: []\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problem = info.value.problems[0]
    assert problem.path == str(path) and problem.field == "whisper" and problem.line == 2
    assert "did you mean 'whispers'" in problem.fix


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        "name: Picnic Day\n"
        "events:\n  - {at: '25:00', text: music}\n"
        "facts:\n  - {name: picnic, keywords: ['picnic|']}\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    fields = [p.field for p in info.value.problems]
    assert fields == ["name", "events[0].at", "facts[0].keywords"]
    assert "keyword group is empty" in str(info.value)


def test_cross_references_are_checked():
    data = {
        **MINIMAL,
        "facts": [{"name": "picnic", "keywords": ["picnic"]}] * 2,
        "attendance": {"fact": "party", "place": "Corner Cafe", "start": "12:00", "end": "11:00"},
    }
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "s.yaml")
    fields = [p.field for p in info.value.problems]
    assert fields == ["facts[1].name", "attendance.fact", "attendance.end"]


def test_unknown_people_and_places_are_caught_against_the_world():
    data = {
        **MINIMAL,
        "cast": ["Jun Marsh"],
        "events": [{"at": "12:00", "text": "music", "place": "Bandstand"}],
    }
    scenario = parse_scenario(data, "s.yaml")
    world = load_world("two_rooms")
    with pytest.raises(ScenarioError) as info:
        check_against_world(scenario, world, load_personas(personas_dir("two_rooms")), "s.yaml")
    problems = info.value.problems
    assert [p.field for p in problems] == ["cast[0]", "events[0].place"]
    assert "did you mean 'June Marsh'" in problems[0].fix


def test_a_missing_scenario_lists_the_bundled_ones(tmp_path):
    with pytest.raises(ScenarioError, match="valentine"):
        load_scenario("no_such_scenario")
    with pytest.raises(ScenarioError, match="expected a YAML mapping"):
        load_scenario(write(tmp_path, "- just\n- a list\n"))

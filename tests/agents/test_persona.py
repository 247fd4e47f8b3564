import json
import logging

import pytest
import yaml

from agents.persona import (
    Persona,
    PersonaError,
    format_persona,
    load_persona,
    load_personas,
    validate_against_world,
)
from agents.tinytroupe import from_tinytroupe, load_tinytroupe
from worlds import load_world, personas_dir

MINIMAL = {
    "name": "Ines Alvarez",
    "age": 38,
    "home": "Willow House",
    "workplace": "Maplewood Clinic",
}

# A TinyTroupe agent spec as TinyTroupe's examples write them, plus fields TinyTroupe does not know.
TINYTROUPE = {
    "type": "TinyPerson",
    "persona": {
        "name": "Marta Kowalczyk",
        "age": 47,
        "gender": "Female",
        "nationality": "Polish",
        "residence": "Kraków, Poland",
        "education": "Jagiellonian University, Master's in Civil Engineering.",
        "long_term_goals": [
            "To restore the old bridges of her home town.",
            "To see her son graduate.",
        ],
        "occupation": {
            "title": "Structural Engineer",
            "organization": "Most & Partners",
            "description": "You inspect and repair old bridges. You worry about budgets and rust.",
            "years_in_role": 12,
        },
        "style": "Direct and technical, with a dry sense of humour.",
        "personality": {
            "traits": ["You are meticulous.", "You distrust shortcuts."],
            "big_five": {
                "openness": "Medium. Curious about engineering history, wary of fads.",
                "conscientiousness": "Very high. Double-checks every calculation.",
                "extraversion": 0.3,
                "agreeableness": 4,
                "emotional_stability": "High",
            },
            "temperament": "phlegmatic",
        },
        "preferences": {
            "interests": ["Bridges", "Chess"],
            "likes": ["Pierogi", "Early mornings"],
            "dislikes": ["Sloppy drawings"],
            "music": ["Chopin"],
        },
        "skills": ["Finite element analysis", "Welding inspection"],
        "beliefs": ["Good infrastructure is a form of kindness."],
        "behaviors": {
            "general": ["Carries a notebook everywhere."],
            "routines": ["Every morning, you walk to the river and look at the bridge."],
            "travel": ["You plan trips around historic bridges."],
        },
        "health": "Good, but has a bad knee.",
        "relationships": [
            {"name": "Piotr", "description": "your son, studying architecture in Warsaw."},
            {"name": "Ewa", "description": "your colleague and oldest friend."},
        ],
        "other_facts": ["She once stopped a bridge opening because of a cracked bearing."],
        "pets": ["a grey cat named Beton"],
    },
    "tinyic": {"schema_version": 1},
}


@pytest.fixture(scope="module")
def maplewood():
    return load_world("maplewood")


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if name.endswith(".yaml") else json.dumps(data))
    return path


def test_bundled_cast_loads_in_file_order_with_sources():
    cast = load_personas(personas_dir("maplewood"))
    assert [p.first_name for p in cast[:3]] == ["Rosa", "Tom", "Leo"]
    assert cast[0].source.endswith("01_rosa_delgado.yaml")
    assert cast[0].wake_minute == 5 * 60 + 30 and cast[2].sleep_minute == 30
    assert "Rosa Delgado, 41, owner and head barista" in cast[0].describe()


def test_persona_defaults_and_immutability():
    persona = Persona.model_validate(MINIMAL)
    assert (persona.wake_time, persona.sleep_time, persona.relationships) == ("07:00", "23:00", {})
    with pytest.raises(ValueError):
        persona.age = 39


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"favourite_colour": "red"}, "favourite_colour", "unknown field 'favourite_colour'"),
        ({"age": 130}, "age", "less than or equal to 120"),
        ({"wake_time": "7am"}, "wake_time", "expected a time 'HH:MM'"),
        ({"big_five": {"openness": 0.5}}, "big_five.conscientiousness", "missing required field"),
        (
            {
                "big_five": {
                    **dict.fromkeys(
                        ["openness", "conscientiousness", "extraversion", "agreeableness"], 0.5
                    ),
                    "neuroticism": 1.5,
                }
            },
            "big_five.neuroticism",
            "less than or equal to 1",
        ),
        ({"backstory": "x" * 801}, "backstory", "at most 800 characters"),
        ({"color": "red"}, "color", "should match pattern"),
        (
            {"preferences": {"likes": ["tea"], "hates": ["rain"]}},
            "preferences.hates",
            "unknown field",
        ),
    ],
)
def test_persona_file_errors_name_file_and_field(tmp_path, change, field, expected):
    path = write(tmp_path, "ines.yaml", {**MINIMAL, **change})
    with pytest.raises(PersonaError) as exc:
        load_persona(path)
    problem = next(p for p in exc.value.problems if p.field == field)
    assert problem.path == str(path) and expected in problem.message
    assert problem.line is not None


def test_typo_gets_a_suggestion(tmp_path):
    path = write(tmp_path, "ines.yaml", {**MINIMAL, "speaking_stlye": "calm"})
    with pytest.raises(PersonaError) as exc:
        load_persona(path)
    assert exc.value.fix == "did you mean 'speaking_style'?"
    assert f"{path}:" in str(exc.value) and "speaking_stlye" in str(exc.value)


def test_unquoted_yaml_times_are_accepted(tmp_path):
    path = tmp_path / "ines.yaml"
    path.write_text("name: Ines Alvarez\nage: 38\nwake_time: 6:45\nsleep_time: 22:30\n")
    persona = load_persona(path)
    assert (persona.wake_time, persona.sleep_time) == ("06:45", "22:30")


def test_duplicate_names_across_files(tmp_path):
    write(tmp_path, "a.yaml", MINIMAL)
    write(tmp_path, "b.yaml", {**MINIMAL, "age": 40})
    with pytest.raises(PersonaError, match="also used in") as exc:
        load_personas(tmp_path)
    assert exc.value.path.endswith("b.yaml") and exc.value.field == "name"


def test_problems_from_several_files_are_collected(tmp_path):
    write(tmp_path, "a.yaml", {**MINIMAL, "age": -1})
    write(tmp_path, "b.yaml", {"name": "Bo"})
    with pytest.raises(PersonaError) as exc:
        load_personas(tmp_path)
    assert {(p.path.rsplit("/", 1)[-1], p.field) for p in exc.value.problems} == {
        ("a.yaml", "age"),
        ("b.yaml", "age"),
    }


def test_empty_folder(tmp_path):
    with pytest.raises(PersonaError, match="no persona files"):
        load_personas(tmp_path)


def test_validate_against_world_errors(maplewood):
    bad = [
        Persona.model_validate({**MINIMAL, "name": "A", "home": None}),
        Persona.model_validate({**MINIMAL, "name": "B", "home": "Wilow House"}),
        Persona.model_validate({**MINIMAL, "name": "C", "home": "Willow House:kitchen:stove"}),
        Persona.model_validate({**MINIMAL, "name": "D", "workplace": "Town Hall"}),
        Persona.model_validate({**MINIMAL, "name": "E", "relationships": {"E": "myself"}}),
    ]
    with pytest.raises(PersonaError) as exc:
        validate_against_world(bad, maplewood)
    found = {(p.path, p.field) for p in exc.value.problems}
    assert found == {
        ("<persona A>", "home"),
        ("<persona B>", "home"),
        ("<persona C>", "home"),
        ("<persona D>", "workplace"),
        ("<persona E>", "relationships.E"),
    }
    text = str(exc.value)
    assert "did you mean 'Willow House'" in text and "set home: to one of Birch House" in text


def test_validate_against_world_warnings(maplewood, caplog):
    persona = Persona.model_validate(
        {
            **MINIMAL,
            "home": "Maplewood Park",
            "workplace": "Maple Court:flat 1",
            "relationships": {"Rosa Delgado": "her cousin", "Aunt Lou": "lives in Ohio"},
        }
    )
    rosa = load_personas(personas_dir("maplewood"))[0]
    with caplog.at_level(logging.INFO, logger="agents.persona"):
        warnings = validate_against_world([persona, rosa], maplewood)
    assert len(warnings) == 3 + 5  # park not a home, flat not a workplace, Aunt Lou; Rosa's 5
    assert any("'Maplewood Park' is not one of the world's homes" in w for w in warnings)
    assert any("relationships.Aunt Lou: not in the cast" in w for w in warnings)
    assert not any("Rosa Delgado: not in the cast" in w for w in warnings)
    assert len(caplog.records) == len(warnings)


def test_flat_in_a_listed_building_is_a_home(maplewood):
    persona = Persona.model_validate({**MINIMAL, "home": "Maple Court:flat 2", "workplace": None})
    assert validate_against_world([persona], maplewood) == []


def test_format_persona_round_trips():
    for persona in load_personas(personas_dir("maplewood")):
        text = format_persona(persona)
        assert text.startswith(f"name: {persona.name}\nage: {persona.age}\n")
        assert Persona.model_validate(yaml.safe_load(text)) == persona


def test_from_tinytroupe_maps_known_fields():
    persona = from_tinytroupe(TINYTROUPE, "marta.agent.json")
    assert persona.source == "marta.agent.json"
    assert (persona.name, persona.age, persona.gender, persona.nationality) == (
        "Marta Kowalczyk",
        47,
        "Female",
        "Polish",
    )
    assert persona.occupation == "Structural Engineer at Most & Partners"
    assert persona.speaking_style.startswith("Direct and technical")
    assert persona.goals[0].startswith("To restore") and persona.skills[1] == "Welding inspection"
    assert persona.beliefs == ("Good infrastructure is a form of kindness.",)
    assert persona.traits == ("You are meticulous.", "You distrust shortcuts.")
    assert persona.preferences.interests == ("Bridges", "Chess")
    assert persona.preferences.likes == ("Pierogi", "Early mornings")
    assert persona.routines == ("Every morning, you walk to the river and look at the bridge.",)
    assert persona.habits == (
        "Carries a notebook everywhere.",
        "travel: You plan trips around historic bridges.",
    )
    assert persona.relationships["Piotr"].startswith("your son")
    assert persona.home is None


def test_from_tinytroupe_big_five_levels():
    b5 = from_tinytroupe(TINYTROUPE, "m.json").big_five
    assert b5.openness == 0.5 and b5.conscientiousness == 0.9  # "Medium. ...", "Very high. ..."
    assert b5.extraversion == 0.3 and b5.agreeableness == 0.75  # 0-1 number, 1-5 Likert
    assert b5.neuroticism == 0.25  # emotional stability "High", inverted


def test_from_tinytroupe_keeps_unknown_fields_as_facts():
    facts = from_tinytroupe(TINYTROUPE, "m.json").facts
    for expected in (
        "pets: a grey cat named Beton",
        "residence: Kraków, Poland",
        "health: Good, but has a bad knee.",
        "occupation years_in_role: 12",
        "personality temperament: phlegmatic",
        "preferences music: Chopin",
        "tinyic: schema_version: 1",
        "She once stopped a bridge opening because of a cracked bearing.",
        "personality (conscientiousness): Very high. Double-checks every calculation.",
    ):
        assert expected in facts, expected
    assert any(f.startswith("work: You inspect and repair old bridges") for f in facts)


def test_tinytroupe_file_in_a_persona_folder_and_world_check(tmp_path, maplewood):
    (tmp_path / "marta.agent.json").write_text(json.dumps(TINYTROUPE))
    write(tmp_path, "ines.yaml", MINIMAL)
    cast = load_personas(tmp_path)
    assert [p.name for p in cast] == ["Ines Alvarez", "Marta Kowalczyk"]
    with pytest.raises(PersonaError, match=r"marta\.agent\.json: home: missing"):
        validate_against_world(cast, maplewood)
    placed = from_tinytroupe(TINYTROUPE, "m.json", home="Maple Court:flat 2")
    assert len(validate_against_world([placed], maplewood)) == 2  # Piotr, Ewa: outside the cast


def test_broken_tinytroupe_files(tmp_path):
    bad = tmp_path / "broken.agent.json"
    bad.write_text('{"type": "TinyPerson", "persona": {"name": "X",')
    with pytest.raises(PersonaError, match="not valid JSON") as exc:
        load_tinytroupe(bad)
    assert exc.value.path == str(bad) and "TinyPerson" in exc.value.fix
    with pytest.raises(PersonaError) as exc:
        from_tinytroupe({"type": "TinyPerson", "persona": {"age": 30}}, "anon.agent.json")
    assert (exc.value.path, exc.value.field) == ("anon.agent.json", "persona.name")
    assert "persona" in exc.value.fix
    with pytest.raises(PersonaError) as exc:
        from_tinytroupe({"persona": {"name": "Y"}}, "y.agent.json")
    assert exc.value.field == "persona.age"
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(PersonaError, match="expected a JSON object"):
        load_tinytroupe(tmp_path / "list.json")


def test_format_of_an_imported_persona_is_a_valid_persona_file(tmp_path):
    text = format_persona(from_tinytroupe(TINYTROUPE, "m.json"))
    assert text.splitlines()[-1].startswith("# home: required")
    path = tmp_path / "marta.yaml"
    path.write_text(text)
    assert load_persona(path).facts == from_tinytroupe(TINYTROUPE, "m.json").facts

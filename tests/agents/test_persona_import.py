"""Persona files of other projects: GA scratch.json, TinyTroupe two-level Big Five, detection."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agents.persona import PersonaError
from agents.persona_import import import_persona
from agents.tinytroupe import from_tinytroupe

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = Path(__file__).parent / "fixtures" / "isabella.scratch.json"


def test_a_ga_scratch_becomes_a_persona_without_simulator_state():
    persona = import_persona(SCRATCH, home="Maple Court:flat 2", workplace="Copper Kettle Cafe")
    assert (persona.name, persona.age) == ("Isabella Rodriguez", 34)
    assert persona.traits == ("friendly", "outgoing", "hospitable")
    assert persona.backstory.startswith("Isabella Rodriguez is a cafe owner of Hobbs Cafe")
    assert persona.currently.startswith("Isabella Rodriguez is planning on having a Valentine")
    assert (persona.wake_time, persona.sleep_time) == ("06:00", "23:00")
    assert persona.routines == (
        "Isabella Rodriguez opens Hobbs Cafe at 8am everyday, and works at the counter until "
        "8pm, at which point she closes the cafe.",
    )
    assert (persona.home, persona.workplace) == ("Maple Court:flat 2", "Copper Kettle Cafe")
    state = ("curr_time", "planned_path", "act_path_set", "vision_r", "chatting_with")
    assert not [f for f in persona.facts if f.split(":")[0] in state]
    assert persona.facts == (
        "lives in (Generative Agents' town): the Ville:Isabella Rodriguez's apartment:main room",
    )


def test_two_level_big_five_values_map_to_their_midpoint():
    spec = {
        "type": "TinyPerson",
        "persona": {
            "name": "Lisa Carter",
            "age": 28,
            "personality": {
                "big_five": {
                    "openness": "Low-Medium. Likes what she knows.",
                    "conscientiousness": "Medium-High",
                    "extraversion": "Medium-Low",
                    "agreeableness": "High",
                    "neuroticism": "Low to Medium",
                }
            },
        },
    }
    b5 = from_tinytroupe(spec, "lisa.agent.json").big_five
    assert (b5.openness, b5.conscientiousness, b5.extraversion) == (0.375, 0.625, 0.375)
    assert (b5.agreeableness, b5.neuroticism) == (0.75, 0.375)


def test_a_json_of_no_known_format_is_refused_with_the_formats_read(tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"character": "Bob"}))
    with pytest.raises(PersonaError) as exc:
        import_persona(other)
    problem = exc.value.problems[0]
    assert "not a persona format gentown reads" in problem.message
    assert "TinyTroupe" in problem.fix and "scratch.json" in problem.fix


def test_persona_import_writes_a_persona_ready_to_run(tmp_path):
    out = tmp_path / "isabella.yaml"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "run_town.py"),
            "persona",
            "import",
            str(SCRATCH),
            "--world",
            "maplewood",
            "--home",
            "Maple Court:flat 2",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-1500:]
    assert "home: Maple Court:flat 2" in out.read_text()
    missing = subprocess.run(
        [
            sys.executable,
            str(ROOT / "run_town.py"),
            "persona",
            "import",
            str(SCRATCH),
            "--world",
            "maplewood",
            "--home",
            "Atlantis",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert missing.returncode == 2 and "Atlantis" in missing.stderr
    assert "Traceback" not in missing.stderr

import asyncio
import json

from agents.llm.accounting import Ledger
from agents.llm.gateway import LLMGateway
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from agents.persona import validate_against_world
from agents.population import PopulationSpec, diversity_summary, sample_population
from tests.doubles.llm import ScriptedBackend
from worlds.loader import load_world

NAMES = ["Nora Quill", "Oscar Finch", "Nora Quill", "Petra Lund", "Quinn Abara", "Rhea Stone"]


def sketcher():
    count = {"n": 0}

    def reply(request):
        name = NAMES[count["n"] % len(NAMES)]
        count["n"] += 1
        return json.dumps(
            {
                "name": name,
                "backstory": "Grew up by the sea and moved here for work.",
                "speaking_style": "quick and warm",
                "routines": ["walks at dawn"],
                "currently": "planning a garden",
            }
        )

    return ScriptedBackend(reply)


def sample(seed, backend):
    gateway = LLMGateway(
        LLMSettings(model="scripted/x", cache=False), backend, PromptLibrary(), Ledger()
    )
    world = load_world("maplewood")
    return world, asyncio.run(sample_population(PopulationSpec(count=6), world, gateway, seed))


def test_sample_is_seeded_placed_in_the_world_and_names_are_unique():
    world, (people, notes) = sample(7, sketcher())
    _, (again, _) = sample(7, sketcher())
    assert [p.model_dump() for p in people] == [p.model_dump() for p in again]
    assert len({p.name for p in people}) == 6
    assert len(notes) == 1 and "taken" in notes[0]  # the duplicate name fell back to a plain one
    validate_against_world(people, world)
    assert any(p.workplace for p in people)
    summary = diversity_summary(people)
    assert "6 personas" in summary and "openness" in summary


def test_a_failing_model_still_gives_personas_with_fallback_notes():
    world, (people, notes) = sample(1, ScriptedBackend(["not json"]))
    assert len(people) == 6 and len(notes) == 6
    validate_against_world(people, world)

import asyncio
from datetime import datetime

from agents.llm.accounting import Ledger
from agents.llm.gateway import LLMGateway
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from agents.narration import LLMEventJudge
from simulation.events import EventKind
from simulation.scheduled import TownEvent
from tests.doubles.llm import ScriptedBackend

EVENT = TownEvent(
    time=datetime(2026, 2, 13, 9),
    text="A fire alarm goes off at the bakery.",
    kind=EventKind.USER_EVENT,
)


def judge(replies):
    recorded = []
    gateway = LLMGateway(
        LLMSettings(model="scripted/x", cache=False, output_retries=1),
        ScriptedBackend(replies),
        PromptLibrary(),
        Ledger(),
    )
    return LLMEventJudge(gateway, "Flour Street", recorded.append), recorded


def test_the_judge_can_only_name_a_real_place():
    j, recorded = judge(['{"place": "Bakery"}'])
    assert asyncio.run(j.place_of(EVENT, ["Flat", "Bakery"], 3)) == "Bakery"
    schema = j.llm.backend.requests[0].response_format["json_schema"]["schema"]
    assert schema["properties"]["place"]["enum"] == ["Flat", "Bakery", "the whole town"]
    assert recorded == []


def test_a_failed_judgement_reaches_the_whole_town_and_is_recorded():
    j, recorded = judge(['{"place": "the moon"}'])
    assert asyncio.run(j.place_of(EVENT, ["Flat", "Bakery"], 3)) is None
    assert [(e.kind, e.tick, e.data["step"]) for e in recorded] == [
        (EventKind.LLM_FALLBACK, 3, "place_event")
    ]

from datetime import datetime, timedelta

import numpy as np
import pytest

from agents.cognition.grounding import (
    INTENTION_IMPORTANCE,
    dated,
    dated_lines,
    persona_prompt_identity,
    public_description,
    recent_intentions,
    relative_when,
    temperament,
)
from agents.memory.records import MemoryKind, MemoryRecord
from agents.persona import BigFive, Persona
from tests.agents.cognition.conftest import NAME, NOW, PERSONA

_seq = iter(range(1, 10**6))


def memory(text, kind=MemoryKind.OBSERVATION, ago=timedelta(0), importance=3):
    created = NOW - ago
    seq = next(_seq)
    return MemoryRecord(
        id=f"{NAME}-{seq}",
        seq=seq,
        agent=NAME,
        kind=kind,
        text=text,
        created=created,
        last_accessed=created,
        importance=importance,
        embedding=np.ones(4, dtype=np.float32) / 2,
    )


@pytest.mark.parametrize(
    ("then", "said"),
    [
        (NOW.replace(hour=7, minute=5), "today 07:05"),
        (NOW.replace(hour=0, minute=0), "today 00:00"),
        (NOW - timedelta(days=1), "yesterday 08:00"),
        (NOW.replace(hour=23, minute=59) - timedelta(days=1), "yesterday 23:59"),
        (NOW - timedelta(days=2), "Wednesday 08:00"),
        (NOW - timedelta(days=6), "Saturday 08:00"),
        (NOW - timedelta(days=7), "February 6"),
        (datetime(2025, 12, 24, 18, 0), "December 24"),
    ],
)
def test_relative_when(then, said):
    assert relative_when(then, NOW) == said


def test_memories_are_dated_relative_to_now_in_the_order_given():
    records = [memory("the bell rang", ago=timedelta(days=1)), memory("Tom waved")]
    assert dated(records[1], NOW) == "(today 08:00) Tom waved"
    assert dated_lines(records, NOW) == [
        "(yesterday 08:00) the bell rang",
        "(today 08:00) Tom waved",
    ]


def test_recent_intentions_are_whispers_and_important_news_newest_first():
    records = [  # newest first, as MemoryStream.recent gives them
        memory("Tom Reyes is reading", importance=2),
        memory("I want to throw a party", MemoryKind.WHISPER, timedelta(hours=1), importance=1),
        memory(
            "Rosa invited me to the choir concert",
            MemoryKind.CONVERSATION,
            timedelta(hours=2),
            INTENTION_IMPORTANCE,
        ),
        memory("We chatted about rain", MemoryKind.CONVERSATION, timedelta(hours=3), 5),
        memory("my plan for today", MemoryKind.PLAN, timedelta(hours=4), 9),
        memory("People here like mornings", MemoryKind.REFLECTION, timedelta(hours=5), 7),
        memory("the fair is coming", MemoryKind.WHISPER, timedelta(days=3), 8),
    ]
    assert recent_intentions(records, NOW, limit=5) == [
        "(today 07:00) I want to throw a party",
        "(today 06:00) Rosa invited me to the choir concert",
        "(today 03:00) People here like mornings",
    ]
    assert recent_intentions(records, NOW, limit=1) == ["(today 07:00) I want to throw a party"]
    assert recent_intentions(records, NOW, days=3, limit=5)[-1] == (
        "(Tuesday 08:00) the fair is coming"
    )
    assert recent_intentions([], NOW) == []


def test_temperament_names_only_clear_traits():
    persona = PERSONA.model_copy(
        update={
            "big_five": BigFive(
                openness=0.9,
                conscientiousness=0.5,
                extraversion=0.2,
                agreeableness=0.65,
                neuroticism=0.35,
            )
        }
    )
    assert temperament(persona) == (
        "curious and open to new things, reserved, warm and agreeable, calm under pressure"
    )
    assert temperament(PERSONA) == ""


def test_the_prompt_identity_is_compact_and_holds_goals_values_and_temperament():
    persona = Persona(
        name="Rosa Delgado",
        age=52,
        occupation="owner of the Copper Kettle Cafe",
        traits=("warm", "stubborn", "early riser", "generous", "nosy"),
        values=("family", "hard work", "community", "honesty"),
        goals=("keep the cafe open", "see her daughter marry", "learn to swim"),
        big_five=BigFive(
            openness=0.5,
            conscientiousness=0.9,
            extraversion=0.8,
            agreeableness=0.5,
            neuroticism=0.5,
        ),
        speaking_style="Calls everyone 'mijo'.",
        backstory="Came to Maplewood in 1995. Bought the cafe in 2003.",
        currently="planning a party",
    )
    identity = persona_prompt_identity(persona)
    assert identity["persona"] == {"name": "Rosa Delgado", "age": 52, "first_name": "Rosa"}
    assert identity["persona_line"] == "owner of the Copper Kettle Cafe."
    assert identity["persona_details"] == (
        "Traits: warm, stubborn, early riser, generous.\n"
        "Temperament: organised and dependable, outgoing and talkative.\n"
        "Values: family, hard work, community.\n"
        "Goals: keep the cafe open; see her daughter marry.\n"
        "Speaking style: Calls everyone 'mijo'.\n"
        "Came to Maplewood in 1995."
    )
    assert "planning a party" not in str(identity)  # ``currently`` changes: it is added per call


def test_a_bare_persona_has_a_bare_identity():
    identity = persona_prompt_identity(Persona(name="Sam", age=20))
    assert identity["persona_line"] == "a resident of the town."
    assert identity["persona_details"] == ""


def test_public_description():
    assert public_description(PERSONA) == "30; a barista"
    rosa = Persona(name="Rosa", age=52, occupation="a baker", traits=("warm", "nosy", "loud"))
    assert public_description(rosa) == "52; a baker; warm, nosy"


def test_a_conversation_memory_reaches_prompts_without_its_transcript():
    from agents.cognition.conversing import conversation_memory
    from agents.cognition.grounding import gist
    from agents.memory.records import MemoryKind

    text = conversation_memory(
        "Rosa invited me to her party at 12:30",
        ["Rosa Delgado"],
        "Copper Kettle Cafe, counter",
        [("Rosa Delgado", "Come to my party at 12:30!"), ("Tom Castellano", "I will.")],
    )
    talk = memory(text, kind=MemoryKind.CONVERSATION)
    assert "Come to my party" in talk.text  # kept in the memory, for retrieval
    assert gist(talk) == (
        "Rosa invited me to her party at 12:30 "
        "(talked with Rosa Delgado at Copper Kettle Cafe, counter)"
    )
    note = memory("Rosa: a note (talked with)", kind=MemoryKind.OBSERVATION)
    assert gist(note) == note.text

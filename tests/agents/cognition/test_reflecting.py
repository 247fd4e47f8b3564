import asyncio
import re
from datetime import timedelta

from agents.cognition.reflecting import REFLECTION_IMPORTANCE, Reflector
from agents.memory.records import MemoryKind
from simulation.events import EventKind
from tests.agents.cognition.conftest import NAME, NOT_JSON, NOW, reply
from tests.doubles.town_llm import TownScript

QUESTION = "What matters most to me lately?"
MEMORIES = [
    "Tom Reyes is planning a party at the cafe",
    "I brewed coffee for the morning rush",
    "Maya Chen studies late at the library",
]


def remember(memory, texts=MEMORIES):
    ids = [
        memory.add(NAME, MemoryKind.OBSERVATION, text, NOW - timedelta(minutes=len(texts) - i), 4)
        for i, text in enumerate(texts)
    ]
    memory.flush()
    return ids


def numbered(prompt):
    return re.findall(r"^\d+\. (.*)$", prompt, flags=re.M)


def test_due_when_accumulated_importance_reaches_the_threshold():
    reflector = Reflector(services=None, threshold=10)
    reflector.add_importance(6)
    assert not reflector.due
    reflector.add_importance(4)
    assert reflector.due and reflector.accumulated == 10


def test_nothing_to_reflect_on_makes_no_call_and_resets(make_agent):
    agent = make_agent(TownScript())
    reflector = Reflector(agent.services, threshold=5)
    reflector.add_importance(7)
    assert asyncio.run(reflector.reflect(NOW, 1)) == []
    assert reflector.accumulated == 0 and not reflector.due
    assert agent.backend.requests == []


def test_reflect_stores_insights_citing_the_retrieved_memories(make_agent):
    agent = make_agent(TownScript())
    ids = remember(agent.memory)
    reflector = Reflector(agent.services)
    reflector.add_importance(200)
    stored = asyncio.run(reflector.reflect(NOW, 9))
    assert reflector.accumulated == 0
    assert agent.schema_names() == ["ReflectionQuestions", "Insights"]
    # the questions are asked of the recent memories, oldest first
    assert numbered(agent.prompts()[0]) == MEMORIES
    listed = numbered(agent.prompts()[1])
    assert sorted(listed) == sorted(MEMORIES)
    by_text = dict(zip(MEMORIES, ids, strict=True))
    cited = [by_text[text] for text in listed[:3]]  # TownScript cites statements 1..3

    (memory_id,) = stored
    (event,) = agent.events_of(EventKind.REFLECTION)
    assert event.text == "People around me keep busy."
    assert event.data == {"id": memory_id, "question": QUESTION, "evidence": cited}
    (added,) = agent.events_of(EventKind.MEMORY_ADDED)
    assert added.data["memory_kind"] == "reflection"
    assert added.data["importance"] == REFLECTION_IMPORTANCE
    agent.memory.flush()
    (record,) = agent.memory.get([memory_id])
    assert record.kind == MemoryKind.REFLECTION
    assert record.evidence == tuple(cited)


def test_evidence_numbers_outside_the_list_are_dropped(make_agent):
    def script(request):
        if request.response_format["json_schema"]["name"] == "ReflectionQuestions":
            return reply(questions=["What is Tom up to?", "Why so busy?"])
        return reply(insights=[{"text": "Tom likes parties", "evidence": [1, 40]}])

    agent = make_agent(script)
    (only,) = remember(agent.memory, ["Tom Reyes is planning a party"])
    stored = asyncio.run(Reflector(agent.services).reflect(NOW, 2))
    assert len(stored) == 2  # one insight per question
    reflections = agent.events_of(EventKind.REFLECTION)
    assert [e.data["question"] for e in reflections] == ["What is Tom up to?", "Why so busy?"]
    assert all(e.data["evidence"] == [only] for e in reflections)


def test_failed_questions_store_nothing(make_agent):
    agent = make_agent([NOT_JSON])
    remember(agent.memory)
    assert asyncio.run(Reflector(agent.services).reflect(NOW, 2)) == []
    assert len(agent.backend.requests) == 1
    assert agent.events_of(EventKind.REFLECTION) == []
    (fallback,) = agent.events_of(EventKind.LLM_FALLBACK)
    assert fallback.data["step"] == "reflect_questions"


def test_a_failed_insight_call_skips_only_its_question(make_agent):
    def script(request):
        if request.response_format["json_schema"]["name"] == "ReflectionQuestions":
            return reply(questions=["What is Tom up to?", "Why so busy?"])
        if "Why so busy?" in request.messages[-1]["content"]:
            return NOT_JSON
        return reply(insights=[{"text": "Tom likes parties", "evidence": [1]}])

    agent = make_agent(script)
    remember(agent.memory)
    stored = asyncio.run(Reflector(agent.services).reflect(NOW, 2))
    assert len(stored) == 1
    assert [e.data["step"] for e in agent.events_of(EventKind.LLM_FALLBACK)] == ["reflect_insights"]


def test_state_round_trip():
    reflector = Reflector(services=None)
    reflector.add_importance(42)
    restored = Reflector(services=None)
    restored.set_state(reflector.get_state())
    assert restored.accumulated == 42 and reflector.get_state() == {"accumulated": 42}

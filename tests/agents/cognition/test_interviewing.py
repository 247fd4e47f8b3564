import asyncio

from agents.cognition.interviewing import interview
from agents.memory.records import MemoryKind
from simulation.events import EventKind
from tests.agents.cognition.conftest import NAME, NOT_JSON, NOW
from tests.doubles.town_llm import TownScript


def test_the_answer_is_grounded_in_retrieved_memories(make_agent):
    agent = make_agent(TownScript())
    agent.memory.add(NAME, MemoryKind.CONVERSATION, "Tom Reyes invited me to his party", NOW, 6)
    agent.memory.flush()
    agent.memory.add(
        NAME,
        MemoryKind.CONVERSATION,
        "Tom invited me to his party (talked with Tom Reyes at Town Park, lawn: "
        "Tom Reyes: Come to my party! / Ada Park: Gladly.)",
        NOW,
        6,
    )
    agent.memory.flush()
    answer = asyncio.run(interview(agent.services, "Who is having a party?", NOW, 3))
    assert "(today 08:00) Tom Reyes invited me to his party" in answer
    prompt = agent.prompts()[0]
    assert "It is Friday 08:00." in prompt
    assert 'An interviewer asks you: "Who is having a party?"' in prompt
    assert "in the first person" in prompt
    # a conversation is shown by its summary, dated, without its transcript
    assert (
        "- (today 08:00) Tom invited me to his party (talked with Tom Reyes at Town Park, lawn)"
        in prompt
    )
    assert "Come to my party!" not in prompt


def test_with_no_memories_the_prompt_says_so(make_agent):
    agent = make_agent(TownScript())
    assert asyncio.run(interview(agent.services, "Who are you?", NOW, 3)) == "I don't know."
    assert "You remember nothing relevant." in agent.prompts()[0]


def test_a_failed_call_gives_an_explicit_non_answer(make_agent):
    agent = make_agent([NOT_JSON])
    answer = asyncio.run(interview(agent.services, "Who are you?", NOW, 3))
    assert answer == "(Ada Park could not answer: the model failed)"
    assert [e.data["step"] for e in agent.events_of(EventKind.LLM_FALLBACK)] == ["interview"]

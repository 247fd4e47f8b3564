import asyncio

import pytest

from agents.cognition.reacting import IMPORTANT_EVENT, TALK_COOLDOWN_TICKS, Reactor
from agents.cognition.schemas import react_model
from agents.memory.records import MemoryKind
from simulation.events import EventKind
from simulation.perception import Observation
from tests.agents.cognition.conftest import NAME, NOT_JSON, NOW
from tests.doubles.town_llm import TownScript

TOM = "Tom Reyes"
TOM_SEEN = Observation(kind="agent", subject=TOM, text="Tom Reyes is reading", distance=2)


def event(importance):
    return (Observation(kind="event", subject="town", text="a fire in the square"), importance)


def test_someone_approachable_coming_into_view_is_worth_a_call():
    reactor = Reactor(services=None)
    assert reactor.worth_a_call([(TOM_SEEN, 1)], (TOM,), tick=0) is True


def test_nothing_relevant_is_not_worth_a_call():
    reactor = Reactor(services=None)
    assert reactor.worth_a_call([], (TOM,), tick=0) is False
    assert reactor.worth_a_call([(TOM_SEEN, 9)], (), tick=0) is False  # seen, but not in reach
    thing = Observation(kind="object", subject=TOM, text="Tom's book is open")
    assert reactor.worth_a_call([(thing, 10)], (TOM,), tick=0) is False


def test_important_events_are_worth_a_call_even_alone():
    reactor = Reactor(services=None)
    assert reactor.worth_a_call([event(IMPORTANT_EVENT)], (), tick=0) is True
    assert reactor.worth_a_call([event(IMPORTANT_EVENT - 1)], (), tick=0) is False


def test_talk_cooldown():
    reactor = Reactor(services=None)
    reactor.talked(TOM, tick=10)
    assert reactor.worth_a_call([(TOM_SEEN, 1)], (TOM,), tick=10 + TALK_COOLDOWN_TICKS - 1) is False
    assert reactor.worth_a_call([(TOM_SEEN, 1)], (TOM,), tick=10 + TALK_COOLDOWN_TICKS) is True


def test_considering_someone_holds_them_back_for_half_the_cooldown(make_agent):
    agent = make_agent(TownScript())
    reactor = Reactor(agent.services, cooldown_ticks=10)
    asyncio.run(reactor.decide(["Tom Reyes is reading"], (TOM,), "resting", "home", NOW, 20))
    assert reactor.last_considered == {TOM: 20}
    assert reactor.worth_a_call([(TOM_SEEN, 1)], (TOM,), tick=24) is False
    assert reactor.worth_a_call([(TOM_SEEN, 1)], (TOM,), tick=25) is True


def test_decide_asks_the_model_with_what_was_noticed(make_agent):
    agent = make_agent(TownScript())
    agent.memory.add(NAME, MemoryKind.OBSERVATION, "Tom Reyes owes me a book", NOW, 4)
    agent.memory.flush()
    reactor = Reactor(agent.services)
    decision = asyncio.run(
        reactor.decide(["Tom Reyes is reading"], (TOM,), "resting", "Town Park, lawn", NOW, 3)
    )
    assert (decision.react, decision.talk_to) == (True, TOM)
    prompt = agent.prompts()[0]
    assert "It is 08:00 at Town Park, lawn. You are resting." in prompt
    assert "- Tom Reyes is reading" in prompt
    assert "- Tom Reyes owes me a book" in prompt
    assert "People close enough to talk to: Tom Reyes." in prompt


def test_decide_with_nobody_near(make_agent):
    agent = make_agent(TownScript())
    decision = asyncio.run(
        Reactor(agent.services).decide(["a fire"], (), "resting", "home", NOW, 3)
    )
    assert decision.react is False and decision.talk_to == "nobody"
    assert "People close enough to talk to: nobody." in agent.prompts()[0]
    schema = agent.backend.requests[0].response_format["json_schema"]["schema"]
    assert schema["properties"]["talk_to"]["const"] == "nobody"  # nobody else to name


def test_decide_failure_returns_none_and_records_a_fallback(make_agent):
    agent = make_agent([NOT_JSON])
    decision = asyncio.run(
        Reactor(agent.services).decide(["a fire"], (TOM,), "resting", "home", NOW, 3)
    )
    assert decision is None
    assert [e.data["step"] for e in agent.events_of(EventKind.LLM_FALLBACK)] == ["react"]


def test_state_round_trip():
    reactor = Reactor(services=None)
    reactor.talked(TOM, 5)
    reactor.last_considered["Maya Chen"] = 7
    state = reactor.get_state()
    assert state == {"talk": {TOM: 5}, "considered": {"Maya Chen": 7}}
    restored = Reactor(services=None)
    restored.set_state({"talk": {TOM: "5"}, "considered": {"Maya Chen": 7}})
    assert restored.get_state() == state
    state["talk"][TOM] = 100
    assert reactor.last_talk == {TOM: 5}


def test_the_decision_may_only_name_someone_in_reach_or_nobody():
    model = react_model(("Tom Reyes", "Mia Lo"))
    assert model.model_validate({"talk_to": "Mia Lo"}).react
    assert not model.model_validate({"talk_to": "nobody"}).react
    with pytest.raises(ValueError):
        model.model_validate({"talk_to": "Ada Park"})
    with pytest.raises(ValueError):
        model.model_validate({"talk_to": None})

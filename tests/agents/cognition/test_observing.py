import asyncio

import pytest

from agents.cognition.observing import (
    FALLBACK_IMPORTANCE,
    SEEN_ASLEEP,
    SEEN_OBJECT,
    SEEN_PERSON,
    Observer,
    rule_importance,
)
from agents.memory.records import MemoryKind
from simulation.events import EventKind
from simulation.perception import Observation
from tests.agents.cognition.conftest import NAME, NOT_JSON, NOW, reply


def seen(text, kind="agent", distance=1):
    return Observation(kind=kind, subject="Tom Reyes", text=text, distance=distance)


READING = seen("Tom Reyes is reading")


def texts(observations):
    return [o.text for o in observations]


def test_the_same_text_is_fresh_again_only_after_the_retention_window(make_agent):
    observer = Observer(make_agent([]).services, retention_ticks=6)
    assert observer.novel((READING,), tick=0) == [READING]
    for tick in range(1, 6):
        assert observer.novel((READING,), tick=tick) == [], tick
    assert observer.novel((READING,), tick=6) == [READING]
    assert observer.novel((READING,), tick=7) == []


def test_an_unseen_text_is_fresh_even_inside_the_window(make_agent):
    observer = Observer(make_agent([]).services, retention_ticks=6)
    observer.novel((READING,), tick=0)
    writing = seen("Tom Reyes is writing")
    assert observer.novel((READING, writing), tick=1) == [writing]


def test_duplicates_within_a_tick_are_kept_once(make_agent):
    observer = Observer(make_agent([]).services)
    twin = seen(READING.text, distance=4)
    assert observer.novel((twin, READING), tick=0) == [READING]


def test_events_come_first_then_the_nearest(make_agent):
    observer = Observer(make_agent([]).services)
    far = seen("a dog barks", kind="object", distance=7)
    near = seen("Tom Reyes waves", distance=1)
    mid = seen("the kettle boils", kind="object", distance=3)
    late_event = seen("a party is announced", kind="event", distance=5)
    close_event = seen("the bell rings", kind="event", distance=0)
    fresh = observer.novel((far, near, late_event, mid, close_event), tick=0)
    assert texts(fresh) == [
        "the bell rings",
        "a party is announced",
        "Tom Reyes waves",
        "the kettle boils",
        "a dog barks",
    ]


def test_state_round_trip(make_agent):
    services = make_agent([]).services
    observer = Observer(services, retention_ticks=6)
    observer.novel((READING,), tick=3)
    state = observer.get_state()
    assert state == {READING.text: 3}
    state[READING.text] = 99  # a copy
    restored = Observer(services, retention_ticks=6)
    restored.set_state({READING.text: "3"})
    assert restored.get_state() == {READING.text: 3}
    assert restored.novel((READING,), tick=8) == []
    assert restored.novel((READING,), tick=9) == [READING]


PARTY = seen("a party is announced", kind="event")
KETTLE = seen("the kettle is boiling", kind="object")
ASLEEP = seen("Tom Reyes is asleep")


@pytest.mark.parametrize(
    ("observation", "importance"),
    [
        (READING, SEEN_PERSON),
        (ASLEEP, SEEN_ASLEEP),
        (KETTLE, SEEN_OBJECT),
        (PARTY, None),
    ],
)
def test_rules_score_the_mundane_and_leave_events_to_the_model(observation, importance):
    assert rule_importance(observation) == importance


def test_someone_seen_is_2_asleep_1_and_an_object_2():
    assert (SEEN_PERSON, SEEN_ASLEEP, SEEN_OBJECT) == (2, 1, 2)


def test_only_events_reach_the_model_in_one_numbered_prompt(make_agent):
    agent = make_agent([reply(scores=[9, 4])])
    bell = seen("the bell rings", kind="event")
    observations = [READING, PARTY, KETTLE, ASLEEP, bell]
    scores = asyncio.run(Observer(agent.services).score(observations, 0, NOW))
    assert scores == [2, 9, 2, 1, 4]
    assert len(agent.backend.requests) == 1
    prompt = agent.prompts()[0]
    assert "1. a party is announced" in prompt and "2. the bell rings" in prompt
    assert "Give exactly 2 scores" in prompt
    assert READING.text not in prompt and KETTLE.text not in prompt
    assert agent.events == []


def test_what_the_rules_decide_costs_no_call(make_agent):
    agent = make_agent([reply(scores=[5])])
    scores = asyncio.run(Observer(agent.services).score([READING, KETTLE, ASLEEP], 0, NOW))
    assert scores == [2, 2, 1]
    assert agent.backend.requests == []


def test_score_pads_a_short_reply_and_cuts_a_long_one(make_agent):
    events = [seen(f"news {i}", kind="event") for i in range(3)]
    short = make_agent([reply(scores=[9])])
    assert asyncio.run(Observer(short.services).score([READING, *events], 0, NOW)) == [
        SEEN_PERSON,
        9,
        FALLBACK_IMPORTANCE,
        FALLBACK_IMPORTANCE,
    ]
    long = make_agent([reply(scores=[1, 2, 3, 4, 5])])
    assert asyncio.run(Observer(long.services).score(events[:2], 0, NOW)) == [1, 2]


def test_score_nothing_makes_no_call(make_agent):
    agent = make_agent([reply(scores=[5])])
    assert asyncio.run(Observer(agent.services).score([], 0, NOW)) == []
    assert agent.backend.requests == []


def test_score_failure_gives_fallback_to_the_events_and_records_it(make_agent):
    agent = make_agent([NOT_JSON])
    observations = [READING, PARTY, KETTLE]
    scores = asyncio.run(Observer(agent.services).score(observations, 4, NOW))
    assert scores == [SEEN_PERSON, FALLBACK_IMPORTANCE, SEEN_OBJECT]
    (event,) = agent.events
    assert event.kind == EventKind.LLM_FALLBACK
    assert (event.tick, event.time, event.agents) == (4, NOW, (NAME,))
    assert event.data["step"] == "importance"
    assert event.data["failure"] == "invalid_output"


def test_score_failure_with_deferred_events_is_not_recorded_yet(make_agent):
    agent = make_agent([NOT_JSON])
    deferred = []
    scores = asyncio.run(Observer(agent.services).score([PARTY], 4, NOW, deferred))
    assert scores == [FALLBACK_IMPORTANCE]
    assert agent.events == []
    assert [e.kind for e in deferred] == [EventKind.LLM_FALLBACK]


def test_observe_remembers_each_observation_with_its_score(make_agent):
    agent = make_agent([reply(scores=[8])])
    pairs = asyncio.run(Observer(agent.services).observe([READING, PARTY], 5, NOW))
    assert [importance for _, importance in pairs] == [SEEN_PERSON, 8]
    added = agent.events_of(EventKind.MEMORY_ADDED)
    assert [e.data["id"] for e in added] == [memory_id for memory_id, _ in pairs]
    assert [e.data["memory_kind"] for e in added] == ["observation", "event"]
    agent.memory.flush()
    stored = {m.id: m for m in agent.memory.get([memory_id for memory_id, _ in pairs])}
    first, second = (stored[memory_id] for memory_id, _ in pairs)
    assert (first.text, first.kind, first.importance) == (READING.text, MemoryKind.OBSERVATION, 2)
    assert (second.text, second.kind, second.importance) == (PARTY.text, MemoryKind.EVENT, 8)
    assert first.agent == NAME and first.created == NOW

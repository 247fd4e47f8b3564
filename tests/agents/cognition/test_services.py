import asyncio

import pytest

from agents.cognition.schemas import InterviewAnswer
from agents.cognition.services import _call_seed
from agents.llm.errors import BackendError, FailureKind
from agents.memory.records import MemoryKind
from simulation.events import EventKind
from simulation.mind import StopRun
from tests.agents.cognition.conftest import NAME, NOT_JSON, NOW, reply

ANSWER = reply(answer="I run the cafe.")


def ask(agent, step="interview", tick=1, **kwargs):
    return asyncio.run(
        agent.services.ask(
            step,
            "interview",
            InterviewAnswer,
            tick,
            NOW,
            time="now",
            question="Who?",
            memories=[],
            **kwargs,
        )
    )


def test_ask_renders_the_persona_prefix_and_returns_the_typed_reply(make_agent):
    agent = make_agent([ANSWER])
    assert ask(agent) == InterviewAnswer(answer="I run the cafe.")
    system = agent.backend.requests[0].messages[0]["content"]
    assert system.startswith("You are Ada Park, 30, a barista.")
    assert agent.events == []


def test_ask_uses_a_stable_seed_per_agent_step_and_tick(make_agent):
    agent = make_agent([ANSWER])
    ask(agent, tick=1)
    ask(agent, tick=1)
    ask(agent, tick=2)
    seeds = [r.seed for r in agent.backend.requests]
    # The second ask is the identical seeded request: it reuses the first reply, no call.
    assert seeds == [_call_seed(0, NAME, "interview", 1), _call_seed(0, NAME, "interview", 2)]


def test_call_seed_depends_on_every_part():
    base = _call_seed(7, "Ada", "react", 3)
    assert base == _call_seed(7, "Ada", "react", 3)
    others = {
        _call_seed(8, "Ada", "react", 3),
        _call_seed(7, "Tom", "react", 3),
        _call_seed(7, "Ada", "plan_day", 3),
        _call_seed(7, "Ada", "react", 4),
    }
    assert base not in others and len(others) == 4
    assert all(0 <= s < 2**31 for s in (base, *others))


def test_a_provider_failure_is_a_recorded_fallback(make_agent):
    agent = make_agent([BackendError("500 down", kind=FailureKind.PROVIDER, transient=False)])
    assert ask(agent, tick=5) is None
    (event,) = agent.events
    assert event.kind == EventKind.LLM_FALLBACK
    assert event.text == "interview failed; falling back"
    assert event.data["failure"] == "provider_error"


def test_invalid_output_is_retried_before_falling_back(make_agent):
    agent = make_agent([NOT_JSON, ANSWER], output_retries=1)
    assert ask(agent).answer == "I run the cafe."
    assert len(agent.backend.requests) == 2 and agent.events == []


def test_a_spent_budget_stops_the_run(make_agent):
    agent = make_agent([ANSWER], max_run_tokens=1)
    ask(agent)  # spends the budget
    with pytest.raises(StopRun, match="budget"):
        ask(agent)
    assert len(agent.backend.requests) == 1
    assert agent.events_of(EventKind.LLM_FALLBACK) == []


def test_remember_adds_a_memory_and_records_it(make_agent):
    agent = make_agent([ANSWER])
    memory_id = agent.services.remember(
        MemoryKind.REFLECTION, "I like mornings", 4, NOW, 7, evidence=("a", "b")
    )
    (event,) = agent.events
    assert event.kind == EventKind.MEMORY_ADDED and event.text == "I like mornings"
    assert event.data == {
        "id": memory_id,
        "memory_kind": "reflection",
        "importance": 7,
        "evidence": ["a", "b"],
    }
    assert agent.memory.pending == 1
    agent.memory.flush()
    (record,) = agent.memory.get([memory_id])
    assert (record.agent, record.evidence) == (NAME, ("a", "b"))


def test_remember_tells_on_remember_the_kind_and_importance(make_agent):
    agent = make_agent([])
    heard = []
    agent.services.on_remember = lambda kind, importance: heard.append((kind, importance))
    agent.services.remember(MemoryKind.CONVERSATION, "Tom is coming", 1, NOW, 6)
    agent.services.remember(MemoryKind.PLAN, "my day", 1, NOW, 5)
    assert heard == [(MemoryKind.CONVERSATION, 6), (MemoryKind.PLAN, 5)]


def test_currently_follows_the_stable_identity_in_the_system_prompt(make_agent):
    agent = make_agent([ANSWER])
    agent.services.currently = "planning a party for Friday"
    ask(agent)
    system = agent.backend.requests[0].messages[0]["content"]
    assert system.startswith(f"You are {NAME}, 30, a barista.")
    assert "Currently: planning a party for Friday" in system

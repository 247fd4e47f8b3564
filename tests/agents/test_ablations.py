"""Ablations: each part of the mind switched off does what its name says (scripted double)."""

import pytest

from agents.cognition.parts import MindParts, parse_arm
from agents.memory.records import MemoryKind
from simulation.events import EventKind
from simulation.trajectory import read_trajectory

PROMISE = "I promised to fix the cafe's door on Friday"


def steps_called(town) -> set[str]:
    return set(town.llm.ledger.summary()["by_step"])


def test_arms_are_named_and_parsed():
    assert parse_arm("full") == MindParts()
    assert parse_arm("no-reflection") == MindParts(reflection=False)
    assert parse_arm("no-planning+memory").ablated == ("planning", "memory")
    assert MindParts.without(["memory"]).label == "no-memory"
    with pytest.raises(ValueError, match="unknown arm 'no-dreams'"):
        parse_arm("no-dreams")


def test_without_reflection_no_insight_is_written(make_town, tmp_path):
    full = make_town(hours=4, reflection_threshold=20, run_dir=tmp_path / "full")
    full.start()
    full.run()
    assert "reflect_questions" in steps_called(full)
    ablated = make_town(
        hours=4,
        reflection_threshold=20,
        mind=MindParts(reflection=False),
        run_dir=tmp_path / "ablated",
    )
    ablated.start()
    ablated.run()
    kinds = {m.kind for n in ablated.minds for m in ablated.memory.recent(n, 1000)}
    assert MemoryKind.REFLECTION not in kinds
    assert "reflect_questions" not in steps_called(ablated)


def test_without_planning_the_usual_day_is_followed_without_plan_calls(make_town, tmp_path):
    town = make_town(hours=3, mind=MindParts(planning=False), run_dir=tmp_path / "run")
    town.start()
    town.whisper("Tom Reyes", "I want to throw a party at the cafe at 09:00")
    town.run()
    assert not steps_called(town) & {"plan_day", "decompose"}
    frames = read_trajectory(town.run_dir).frames
    kinds = [e.kind for f in frames for e in f.events]
    assert EventKind.PLAN in kinds  # the usual day, written down
    assert EventKind.REPLAN not in kinds  # no revision for the whisper, no agreed times
    actions = {a.action for f in frames for a in f.agents}
    assert "having breakfast" in actions  # blocks are done as they are, moment to moment


def test_without_memory_a_person_recalls_nothing_but_memories_are_written(make_town, tmp_path):
    town = make_town(hours=1, mind=MindParts(memory=False), run_dir=tmp_path / "run")
    town.start()
    town.whisper("Tom Reyes", PROMISE)
    town.run()
    assert any(m.text == PROMISE for m in town.memory.recent("Tom Reyes", 1000))
    answer = town.interview("Tom Reyes", "What did you promise to do?")
    assert "fix the cafe's door" not in answer

"""The narrator's rules for written scenes, addressees and refused objects, in a small model."""

from datetime import datetime

import pytest

from simulation.actions import DoActivity, Line, Say
from simulation.events import Event, EventKind
from simulation.model import Resident, TownConfig, TownModel
from simulation.narrator import SCRIPT_LINES_PER_TICK
from simulation.senses import SenseLimits
from tests.doubles.minds import ScriptedMind, StopsAt
from worlds.loader import load_world

KITCHEN = "Rose Cottage:kitchen"
STOVE = "Rose Cottage:kitchen:stove"
NEAR = {"Ana": (1, 3), "Bo": (2, 3), "Cleo": (3, 3)}  # all in the kitchen
FAR = (9, 4)  # the cafe's seating, out of earshot


@pytest.fixture(scope="module")
def world():
    return load_world("two_rooms")


def make(world, plans, seed=1):
    residents = [Resident(name, NEAR[name]) for name in plans]
    minds = {name: ScriptedMind(plan) for name, plan in plans.items()}
    model = TownModel(
        world,
        residents,
        minds,
        TownConfig(start=datetime(2026, 2, 13, 8, 0), minutes_per_tick=10, limits=SenseLimits()),
        seed=seed,
    )
    return model, minds


def events_of(model, kind):
    return [e for e in model.frame.events if e.kind == kind]


def spoken(model):
    return [(e.agents[0], e.data["to"], e.text) for e in events_of(model, EventKind.UTTERANCE)]


SCENE = (
    Line(speaker="Bo", to=("Ana",), text="Hi Ana! What's new?"),
    Line(speaker="Ana", to=("Bo",), text="A party at the park tonight at seven."),
    Line(speaker="Bo", to=("Nobody",), text="I'll bring my guitar."),  # to no participant
    Line(speaker="Ana", to=("Bo",), text="See you there!"),
)


def opening(script=SCENE):
    return Say(to=("Bo",), text="Morning, Bo!", script=script)


def test_a_written_scene_is_played_out_over_the_ticks_then_ends(world):
    model, minds = make(
        world, {"Ana": {1: opening()}, "Bo": {2: Say(to=("Ana",), text="Interrupting!")}}
    )
    assert SCRIPT_LINES_PER_TICK == 2

    model.step()  # the opening line and one more
    assert [e.kind for e in model.frame.events] == [
        EventKind.CONVERSATION_START,
        EventKind.UTTERANCE,
        EventKind.UTTERANCE,
    ]
    assert spoken(model) == [
        ("Ana", ["Bo"], "Morning, Bo!"),
        ("Bo", ["Ana"], "Hi Ana! What's new?"),
    ]
    assert model.frame.agent("Bo").utterance == "Hi Ana! What's new?"

    model.step()  # two lines a tick; nobody else speaks in the meantime
    assert spoken(model) == [
        ("Ana", ["Bo"], "A party at the park tonight at seven."),
        ("Bo", ["Ana"], "I'll bring my guitar."),  # said to the other participants
    ]
    assert not minds["Bo"].perceptions[1].conversation.your_turn
    assert events_of(model, EventKind.CONVERSATION_END) == []

    model.step()  # the last line ends the conversation
    assert spoken(model) == [("Ana", ["Bo"], "See you there!")]
    (end,) = events_of(model, EventKind.CONVERSATION_END)
    assert end.text == "conversation ended (ended)"
    assert len(end.data["turns"]) == 5
    assert not model.conversations.open


def test_a_short_scene_ends_in_its_opening_tick(world):
    model, _ = make(world, {"Ana": {1: opening(SCENE[:1])}, "Bo": {}})
    model.step()
    assert len(spoken(model)) == 2
    assert events_of(model, EventKind.CONVERSATION_END)[0].text == "conversation ended (ended)"


def test_a_scene_ends_apart_when_a_speaker_leaves_earshot(world):
    model, _ = make(world, {"Ana": {1: opening()}, "Bo": {}})
    model.step()
    model.bodies["Bo"].cell = model.grid[FAR]  # Bo is called away
    model.step()
    assert spoken(model) == []
    (end,) = events_of(model, EventKind.CONVERSATION_END)
    assert end.text == "conversation ended (apart)"
    assert len(end.data["turns"]) == 2
    assert not model.conversations.open


def test_participants_are_told_the_whole_transcript_once(world):
    model, minds = make(world, {"Ana": {1: opening()}, "Bo": {}})
    for _ in range(4):
        model.step()
    for name in ("Ana", "Bo"):
        told = [p.finished for p in minds[name].perceptions]
        assert [len(f) for f in told] == [0, 0, 0, 1], name
        (view,) = told[3]
        assert view.participants == ("Ana", "Bo")
        assert view.turns[0] == ("Ana", "Morning, Bo!")
        assert view.turns[-1] == ("Ana", "See you there!") and len(view.turns) == 5
    model.step()
    assert minds["Ana"].perceptions[-1].finished == ()


def test_a_line_is_said_to_its_addressees_in_a_group(world):
    plans = {
        "Ana": {1: Say(to=("Bo",), text="Morning, Bo!")},
        "Bo": {},
        "Cleo": {2: Say(to=("Ana",), text="Can I join you two?")},
    }
    model, _ = make(world, plans)
    model.step()
    assert spoken(model) == [("Ana", ["Bo"], "Morning, Bo!")]
    model.step()
    assert [e.kind for e in model.frame.events][:1] == [EventKind.CONVERSATION_JOIN]
    assert spoken(model) == [("Cleo", ["Ana"], "Can I join you two?")]


def test_an_object_in_use_is_told_to_the_mind_that_reached_for_it_once(world):
    cook = DoActivity(description="cooking", arena=KITCHEN, object=STOVE, duration_min=30)
    model, minds = make(world, {"Ana": {1: cook}, "Bo": {1: cook}})
    model.step()
    (refused,) = events_of(model, EventKind.ACTION_REFUSED)
    (loser,) = refused.agents
    assert model.bodies[loser].state.refused_object == STOVE
    model.step()
    told = minds[loser].perceptions[1]
    assert told.refused_object == STOVE and "in use" in told.outcome
    assert model.bodies[loser].state.activity.description == "cooking"  # without the stove
    model.step()
    assert minds[loser].perceptions[2].refused_object is None


def test_untold_conversations_and_pending_events_survive_a_checkpoint(world):
    model, _ = make(world, {"Ana": {1: opening(SCENE[:1])}, "Bo": {}})
    model.step()  # the scene ends; its participants are told next tick
    whisper = Event(
        kind=EventKind.WHISPER, tick=1, time=model.now, agents=("Ana",), text="a party!"
    )
    model.record(whisper)  # between ticks, as the CLI's whisper does
    state = model.get_state()

    resumed, minds = make(world, {"Ana": {}, "Bo": {}}, seed=7)
    resumed.set_state(state)
    resumed.step()
    (view,) = minds["Bo"].perceptions[0].finished
    assert view.turns == (("Ana", "Morning, Bo!"), ("Bo", "Hi Ana! What's new?"))
    assert whisper in resumed.frame.events


def test_a_stopped_tick_tells_nobody_the_transcripts_it_did_not_finish(world):
    model, minds = make(world, {"Ana": {1: opening(SCENE[:1])}, "Bo": {}})
    model.minds["Ana"] = StopsAt(minds["Ana"].plan, tick=2)
    model.step()  # the scene ends at tick 1
    model.step()  # tick 2 is abandoned: the run stops after tick 1
    assert not model.running and model.clock.tick == 1
    state = model.get_state()  # the checkpoint of the last complete tick

    resumed, minds = make(world, {"Ana": {}, "Bo": {}})
    resumed.set_state(state)
    resumed.step()
    for name in ("Ana", "Bo"):
        (view,) = minds[name].perceptions[0].finished
        assert len(view.turns) == 2, name

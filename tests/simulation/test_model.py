import asyncio
from datetime import datetime
from itertools import pairwise

import pytest

from simulation.actions import DoActivity, Say, Sleep
from simulation.events import EventKind
from simulation.model import Resident, TownConfig, TownModel
from simulation.senses import SenseLimits
from tests.doubles.minds import ScriptedMind, StopsAt
from worlds.loader import load_world

COUNTER = "Corner Cafe:counter"
SEATING = "Corner Cafe:seating"
KITCHEN = "Rose Cottage:kitchen"
STOVE = "Rose Cottage:kitchen:stove"


@pytest.fixture(scope="module")
def world():
    return load_world("two_rooms")


def make(world, plans, start="2026-02-13 08:00", tiles=None, limits=None, seed=1):
    tiles = tiles or {}
    names = list(plans)
    default_tiles = [(1, 3), (2, 3), (3, 3), (2, 5)]
    residents = [
        Resident(
            n, tiles.get(n, default_tiles[i]), workplace="Corner Cafe" if n == "Cleo" else None
        )
        for i, n in enumerate(names)
    ]
    minds = {n: ScriptedMind(plans[n]) for n in names}
    model = TownModel(
        world,
        residents,
        minds,
        TownConfig(
            start=datetime.fromisoformat(start), minutes_per_tick=10, limits=limits or SenseLimits()
        ),
        seed=seed,
    )
    return model, minds


def events_of(model, kind):
    return [e for e in model.frame.events if e.kind == kind]


def test_walking_to_an_arena_follows_walkable_tiles(world):
    model, _ = make(world, {"Ana": {1: DoActivity(description="getting coffee", arena=COUNTER)}})
    seen = []
    for _ in range(6):
        model.step()
        tile = model.bodies["Ana"].tile
        seen.append(tile)
        assert world.is_walkable(*tile)
    assert world.arena_at(*seen[-1]).id == COUNTER
    assert model.frame.agent("Ana").action == "getting coffee"


def test_closed_sector_turns_visitors_away_but_not_staff(world):
    plans = {
        "Ana": {1: DoActivity(description="coffee", arena=COUNTER)},
        "Cleo": {1: DoActivity(description="opening up", arena=COUNTER)},
    }
    model, _ = make(world, plans, start="2026-02-13 06:00")
    model.step()
    refused = events_of(model, EventKind.ACTION_REFUSED)
    assert [e.agents for e in refused] == [("Ana",)]
    assert "closed" in refused[0].text
    assert model.bodies["Ana"].state.outcome.startswith("Corner Cafe is closed")
    assert [e.agents for e in events_of(model, EventKind.ACTION_START)] == [("Cleo",)]


def test_two_people_reaching_for_one_stove(world):
    cook = DoActivity(description="cooking", arena=KITCHEN, object=STOVE, duration_min=30)
    model, _ = make(world, {"Ana": {1: cook}, "Bo": {1: cook}})
    model.step()
    users = model.narrator.users[STOVE]
    assert len(users) == 1
    loser = ({"Ana", "Bo"} - users).pop()
    refused = events_of(model, EventKind.ACTION_REFUSED)
    assert refused[0].agents == (loser,) and "in use" in refused[0].text
    assert model.narrator.object_states[STOVE] == "cooking"
    for _ in range(5):
        model.step()
    assert model.narrator.object_states[STOVE] == "off"
    assert not model.narrator.users[STOVE]


def test_conversation_runs_turn_by_turn_and_ends(world):
    plans = {
        "Ana": {
            1: Say(to=("Bo",), text="Morning, Bo!"),
            3: Say(to=("Bo",), text="See you.", end_conversation=True),
        },
        "Bo": {2: Say(to=("Ana",), text="Hi Ana, coffee later?")},
    }
    model, minds = make(world, plans)
    model.step()
    assert [e.kind for e in model.frame.events] == [
        EventKind.CONVERSATION_START,
        EventKind.UTTERANCE,
    ]
    assert model.frame.agent("Ana").utterance == "Morning, Bo!"
    model.step()
    assert minds["Bo"].perceptions[1].conversation.turns == (("Ana", "Morning, Bo!"),)
    assert minds["Bo"].perceptions[1].conversation.your_turn
    assert model.frame.agent("Bo").utterance == "Hi Ana, coffee later?"
    model.step()
    ended = events_of(model, EventKind.CONVERSATION_END)
    assert len(ended) == 1 and len(ended[0].data["turns"]) == 3
    assert not model.conversations.open


def test_one_speaker_per_conversation_per_tick(world):
    plans = {
        "Ana": {1: Say(to=("Bo",), text="Hi")},
        "Bo": {
            2: Say(to=("Ana",), text="Hey"),
        },
    }
    plans["Ana"][2] = Say(to=("Bo",), text="talking over you")
    model, _ = make(world, plans)
    model.step()
    model.step()
    assert [e.text for e in events_of(model, EventKind.UTTERANCE)] == ["Hey"]


def test_talking_to_someone_out_of_earshot_is_refused(world):
    plans = {"Ana": {1: Say(to=("Bo",), text="Hello?")}, "Bo": {}}
    model, _ = make(world, plans, tiles={"Bo": (9, 4)})
    model.step()
    assert events_of(model, EventKind.ACTION_REFUSED)[0].agents == ("Ana",)
    assert not model.conversations.open


def test_scheduled_event_reaches_exactly_the_people_in_its_place(world):
    plans = {"Ana": {}, "Bo": {}, "Cleo": {}}
    model, minds = make(world, plans, tiles={"Cleo": (6, 3)})
    model.inject(
        "The espresso machine hisses loudly.", place="Corner Cafe", at=datetime(2026, 2, 13, 8, 20)
    )
    model.step()
    assert not any(o.kind == "event" for o in minds["Cleo"].perceptions[0].observations)
    model.step()
    heard = {
        n
        for n, m in minds.items()
        if any(o.kind == "event" for o in m.perceptions[-1].observations)
    }
    assert heard == {"Cleo"}
    assert events_of(model, EventKind.USER_EVENT)[0].agents == ("Cleo",)


def test_town_wide_event_reaches_everyone_awake(world):
    model, minds = make(world, {"Ana": {}, "Bo": {}})
    model.inject("Thunder rolls over the town.")
    model.step()
    assert all(
        any("Thunder" in o.text for o in m.perceptions[0].observations) for m in minds.values()
    )


def test_perception_is_limited_by_vision_arena_and_bandwidth(world):
    plans = {"Ana": {}, "Bo": {}, "Cleo": {}, "Dev": {}}
    tiles = {"Ana": (1, 3), "Bo": (2, 3), "Cleo": (3, 4), "Dev": (1, 1)}  # Dev is in the bedroom
    model, minds = make(
        world, plans, tiles=tiles, limits=SenseLimits(vision_radius=4, attention_bandwidth=1)
    )
    model.step()
    seen = [o.subject for o in minds["Ana"].perceptions[0].observations if o.kind == "agent"]
    assert seen == ["Bo"]  # nearest only (bandwidth 1); Dev is in another arena
    model2, minds2 = make(world, plans, tiles=tiles, limits=SenseLimits(vision_radius=1))
    model2.step()
    seen2 = {o.subject for o in minds2["Ana"].perceptions[0].observations if o.kind == "agent"}
    assert seen2 == {"Bo"}  # Cleo is two tiles away


def test_attention_takes_the_nearest_people_and_changed_objects_and_every_event(world):
    plans = {"Ana": {}, "Bo": {}, "Cleo": {}}
    tiles = {"Ana": (3, 3), "Bo": (3, 5), "Cleo": (1, 3)}  # Bo 2 tiles away, Cleo 2, stove 2
    model, minds = make(world, plans, tiles=tiles, limits=SenseLimits(attention_bandwidth=2))
    model.narrator.object_states[STOVE] = "cooking"
    model.inject("The smoke alarm beeps.", place="Rose Cottage")
    model.step()
    observations = minds["Ana"].perceptions[0].observations
    assert [o.kind for o in observations] == ["event", "agent", "agent"]
    model, minds = make(
        world, plans, tiles={**tiles, "Ana": (1, 5)}, limits=SenseLimits(attention_bandwidth=2)
    )
    model.narrator.object_states[STOVE] = "cooking"
    model.step()
    # From (1, 5): the stove at 1 tile, Bo and Cleo at 2; two are taken in, nearest first.
    kept = [(o.kind, o.subject) for o in minds["Ana"].perceptions[0].observations]
    assert kept == [("object", STOVE), ("agent", "Bo")]


def test_sleepers_are_not_asked_to_decide(world):
    plans = {
        "Ana": {
            1: Sleep(
                arena="Rose Cottage:bedroom", object="Rose Cottage:bedroom:bunk bed", until="08:40"
            )
        }
    }
    model, minds = make(world, plans, tiles={"Ana": (1, 1)})
    for _ in range(3):
        model.step()
    assert model.bodies["Ana"].state.asleep
    assert minds["Ana"].decisions == 1  # only the tick it went to bed
    model.step()
    assert model.now.strftime("%H:%M") == "08:40"
    assert not model.bodies["Ana"].state.asleep
    assert [e.agents for e in events_of(model, EventKind.WAKE)] == [("Ana",)]


def test_checkpoint_restore_continues_exactly_like_an_uninterrupted_run(world):
    def plans():
        return {
            "Ana": {
                1: DoActivity(description="coffee", arena=COUNTER, duration_min=20),
                5: Say(to=("Bo",), text="Hi Bo"),
            },
            "Bo": {2: DoActivity(description="reading", arena=SEATING, duration_min=60)},
        }

    straight, _ = make(world, plans(), seed=5)
    straight.queue.ambient_per_hour = 6.0  # exercise the seeded RNG
    frames = []
    for _ in range(8):
        straight.step()
        frames.append(straight.frame)

    first, _ = make(world, plans(), seed=5)
    first.queue.ambient_per_hour = 6.0
    for _ in range(4):
        first.step()
    state = first.get_state()
    resumed, _ = make(world, plans(), seed=99)
    resumed.queue.ambient_per_hour = 6.0
    resumed.set_state(state)
    assert resumed.frame == first.frame
    state["bodies"]["Ana"]["path"].append([0, 0])  # the restored run shares nothing with state
    assert [0, 0] not in [list(t) for t in resumed.bodies["Ana"].state.path]
    for expected in frames[4:]:
        resumed.step()
        assert resumed.frame == expected


class Slow(ScriptedMind):
    """A mind whose decision takes long; notes whether it was cancelled."""

    cancelled = False

    async def decide(self, perception):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return await super().decide(perception)


def test_a_stopped_tick_leaves_the_model_as_it_was_and_cancels_the_other_minds(world):
    plans = {
        "Ana": {1: DoActivity(description="getting coffee", arena=COUNTER)},
        "Bo": {1: DoActivity(description="cooking", arena=KITCHEN)},
    }
    model, _ = make(world, plans)
    model.step()
    model.inject("The bell rings.", place="Corner Cafe")
    model.minds["Ana"] = StopsAt(plans["Ana"], tick=2)
    slow = model.minds["Bo"] = Slow(plans["Bo"])
    before = model.get_state()
    model.step()
    assert not model.running and model.stop_reason == "budget spent"
    assert model.abandoned_tick == 2 and model.clock.tick == 1 and model.steps == 1
    assert slow.cancelled  # no mind keeps running after the stop
    after = model.get_state()
    # Released events, random draws, walking and the frame are all as at the end of tick 1.
    assert after == before


def test_a_walkers_frame_holds_the_tiles_it_stepped_on(world):
    model, _ = make(world, {"Ana": {1: DoActivity(description="getting coffee", arena=COUNTER)}})
    start = model.bodies["Ana"].tile
    model.step()
    ana = model.frame.agent("Ana")
    assert ana.walked and ana.walked[-1] == (ana.x, ana.y)
    path = [start, *ana.walked]
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in pairwise(path))
    assert all(world.is_walkable(*t) for t in ana.walked)

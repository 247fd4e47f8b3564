import json
from datetime import time

import pytest

from agents.cognition.places import KnownArena
from agents.cognition.step_library import (
    DEFAULT_THRESHOLD,
    StepLibrary,
    StepTemplate,
    duration_bucket,
    place_kind,
    span_minutes,
)
from tests.doubles.embedder import HashingEmbedder

# HashingEmbedder cosines: "working at the counter" vs "working at the counter now" 0.894, vs
# "having lunch" 0.0; "counter at the working" is the same bag of words (1.0).
COUNTER = ["coffee machine", "cash register"]
STEPS = [
    StepTemplate("pulling espresso shots", "☕", "coffee machine", 30),
    StepTemplate("taking orders", "🧾", "Cash Register", 45),
    StepTemplate("wiping the counter", "🧽", "none", 15),
]


def library(threshold: float = 0.85) -> tuple[StepLibrary, HashingEmbedder]:
    embedder = HashingEmbedder()
    return StepLibrary(embedder, threshold=threshold), embedder


def stocked(steps=STEPS, minutes: int = 90) -> tuple[StepLibrary, HashingEmbedder]:
    lib, embedder = library()
    lib.store("working at the counter", "counter", minutes, steps)
    lib.publish()
    return lib, embedder


def test_a_similar_activity_in_the_same_place_kind_and_bucket_reuses_the_steps():
    lib, _ = stocked()
    found = lib.lookup("Working at the counter now", "Counter", 90, COUNTER)
    assert found == [
        StepTemplate("pulling espresso shots", "☕", "coffee machine", 30),
        StepTemplate("taking orders", "🧾", "cash register", 45),  # the target arena's spelling
        StepTemplate("wiping the counter", "🧽", "none", 15),
    ]
    assert lib.stats() == {"decompositions": 1, "hits": 1, "misses": 0}


def test_minutes_are_scaled_to_the_new_span_within_the_bucket():
    lib, _ = stocked(minutes=120)
    found = lib.lookup("working at the counter", "counter", 70, COUNTER)  # same bucket (61-120)
    assert found is not None
    # 30·70/120 = 17.5 → 20; 45·70/120 = 26.25 → 25; 15·70/120 = 8.75 → 10
    assert [s.minutes for s in found] == [20, 25, 10]
    longer, _ = stocked(steps=[StepTemplate("serving", "", "none", 50)], minutes=250)
    assert longer.lookup("working at the counter", "counter", 600, [])[0].minutes == 60  # capped


@pytest.mark.parametrize(
    ("activity", "kind", "minutes", "things"),
    [
        ("working at the counter", "kitchen", 90, COUNTER),  # another place kind
        ("working at the counter", "counter", 45, COUNTER),  # another bucket (31-60)
        ("working at the counter", "counter", 200, COUNTER),  # another bucket (121-240)
        ("having lunch", "counter", 90, COUNTER),  # a dissimilar activity
        ("working at the counter", "counter", 90, ["coffee machine"]),  # no cash register
    ],
)
def test_misses(activity, kind, minutes, things):
    lib, _ = stocked()
    assert lib.lookup(activity, kind, minutes, things) is None
    assert lib.stats() == {"decompositions": 1, "hits": 0, "misses": 1}


def test_a_decomposition_whose_things_are_missing_gives_way_to_one_that_fits():
    lib, _ = stocked()
    plain = [StepTemplate("tidying up", "🧹", "none", 20)]
    lib.store("working at the counter", "counter", 90, plain)
    lib.publish()
    assert len(lib) == 2
    assert lib.lookup("working at the counter", "counter", 90, ["stool"]) == plain
    assert lib.lookup("working at the counter", "counter", 90, COUNTER)[0].thing == "coffee machine"


def test_the_threshold_decides_and_is_a_constructor_argument():
    assert DEFAULT_THRESHOLD == 0.85
    strict, _ = library(threshold=0.9)
    strict.store("working at the counter", "counter", 90, STEPS)
    strict.publish()
    assert strict.lookup("working at the counter now", "counter", 90, COUNTER) is None  # 0.894
    with pytest.raises(ValueError):
        StepLibrary(HashingEmbedder(), threshold=0.0)


def test_stores_are_visible_only_after_publish():
    lib, _ = library()
    lib.store("working at the counter", "counter", 90, STEPS)
    assert lib.lookup("working at the counter", "counter", 90, COUNTER) is None
    assert lib.publish() == 1
    assert lib.lookup("working at the counter", "counter", 90, COUNTER) is not None


def test_interchangeable_decompositions_are_kept_once():
    lib, _ = stocked()
    lib.store(" Working at the  counter", "counter", 75, STEPS[::-1])  # same text, kind, bucket
    lib.store("working at the counter", "counter", 75, STEPS[:2])  # and things used
    assert lib.publish() == 0 and len(lib) == 1
    lib.store("working at the counter", "counter", 75, STEPS[:1])  # other things: a variant
    lib.store("working at the counter", "counter", 75, STEPS[:1])
    assert lib.publish() == 1 and len(lib) == 2


def test_a_lookup_costs_at_most_one_embedder_call_and_none_when_nothing_can_match():
    lib, embedder = stocked()
    assert lib.lookup("having lunch", "kitchen", 90, []) is None  # no candidate
    assert lib.lookup("working at the counter", "counter", 90, COUNTER)  # same text
    assert embedder.calls == []
    lib.lookup("working at the counter now", "counter", 90, COUNTER)
    assert embedder.calls == [["working at the counter now", "working at the counter"]]
    lib.lookup("working at the counter now", "counter", 90, COUNTER)  # vectors are kept
    assert len(embedder.calls) == 1
    lib.store("working at the counter now", "counter", 30, STEPS[:1])  # its vector is known
    lib.publish()
    lib.lookup("working at the counter now!", "counter", 30, COUNTER)
    assert embedder.calls[1:] == [["working at the counter now!"]]


def test_ties_go_to_the_earliest_stored():
    lib, _ = library()
    lib.store("working hard at the counter", "counter", 90, STEPS[:1])
    lib.publish()
    lib.store("busy working at the counter", "counter", 90, STEPS[1:2])
    lib.publish()
    # both 0.894 from "working at the counter"; the second sorts first but came later
    assert lib.lookup("working at the counter", "counter", 90, COUNTER)[0].description == (
        "pulling espresso shots"
    )
    # a different text with the very same vector does not beat the same text
    lib.store("counter at the working", "counter", 90, STEPS[2:])
    lib.publish()
    assert lib.lookup("counter at the working", "counter", 90, COUNTER) == STEPS[2:]


def test_the_same_calls_give_the_same_results_whatever_order_a_tick_stores_in():
    calls = [
        ("working hard at the counter", "counter", 90, STEPS[:1]),
        ("busy working at the counter", "counter", 90, STEPS[1:2]),
        ("having lunch", "kitchen", 40, [StepTemplate("eating soup", "🍲", "table", 30)]),
    ]
    states, found = [], []
    for order in (calls, calls[::-1]):
        lib, _ = library()
        for call in order:
            lib.store(*call)
        lib.publish()
        states.append(lib.get_state())
        found.append(
            [
                lib.lookup("working at the counter", "counter", 90, COUNTER),
                lib.lookup("having lunch", "kitchen", 50, ["Table"]),
            ]
        )
    assert states[0] == states[1] and found[0] == found[1]
    assert found[0][0][0].description == "taking orders"  # "busy ..." sorts first in a tick
    assert found[0][1] == [StepTemplate("eating soup", "🍲", "Table", 40)]


def test_state_round_trips_through_json_and_re_embeds_lazily():
    lib, _ = stocked()
    lib.lookup("working at the counter now", "counter", 90, COUNTER)
    lib.store("having lunch", "kitchen", 40, [StepTemplate("eating soup", "🍲", "table", 30)])
    state = json.loads(json.dumps(lib.get_state()))
    assert state["staged"][0]["activity"] == "having lunch"
    assert "vector" not in json.dumps(state)

    restored, embedder = library()
    restored.set_state(state)
    assert len(restored) == 1 and restored.stats() == lib.stats()
    assert restored.get_state() == state
    assert embedder.calls == []
    expected = lib.lookup("working at the counter now", "counter", 90, COUNTER)
    assert restored.lookup("working at the counter now", "counter", 90, COUNTER) == expected
    assert embedder.calls == [["working at the counter now", "working at the counter"]]
    restored.publish()
    assert restored.lookup("having lunch", "kitchen", 40, ["table"])[0].description == "eating soup"


def test_store_rejects_what_is_not_a_decomposition():
    lib, _ = library()
    step = StepTemplate("pouring", "", "none", 10)
    for args in [
        ("", "counter", 30, [step]),
        ("pouring", " ", 30, [step]),
        ("pouring", "counter", 0, [step]),
        ("pouring", "counter", 30, []),
        ("pouring", "counter", 30, [step] * 5),
        ("pouring", "counter", 30, [StepTemplate("pouring", "", "none", 90)]),
        ("pouring", "counter", 30, [StepTemplate("pouring", "", "", 10)]),
    ]:
        with pytest.raises(ValueError):
            lib.store(*args)


def test_steps_of_a_reply_are_accepted_as_they_are():
    class ReplyStep:  # a decompose reply's step: the same four fields
        description, emoji, thing, minutes = "pulling espresso shots", "☕", "coffee machine", 30

    lib, _ = library()
    lib.store("working at the counter", "counter", 90, [ReplyStep()])
    lib.publish()
    assert lib.lookup("working at the counter", "counter", 90, COUNTER) == STEPS[:1]


def test_place_kind_bucket_and_span_helpers():
    assert place_kind(KnownArena("Copper Kettle Cafe:counter", "x")) == "counter"
    assert place_kind(KnownArena("Maple Court:flat 2", "x")) == "flat"
    assert place_kind(KnownArena("Elm House:Kitchen", "x")) == "kitchen"
    assert place_kind(KnownArena("Block:7", "x")) == "block:7"
    assert [duration_bucket(m) for m in (5, 30, 31, 60, 120, 240, 241, 900)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        4,
        4,
    ]
    assert span_minutes(time(8, 30), time(12, 0)) == 210
    assert span_minutes(time(22, 0), time(1, 0)) == 180
    assert span_minutes(time(12, 0), time(12, 0)) == 5


@pytest.mark.slow
def test_the_default_threshold_on_the_packaged_minilm():
    from agents.memory.embedder import SentenceTransformerEmbedder

    lib = StepLibrary(SentenceTransformerEmbedder())
    lib.store("working at the counter", "counter", 90, STEPS)
    lib.store("having breakfast", "kitchen", 30, [StepTemplate("eating toast", "🍞", "none", 20)])
    lib.publish()
    assert lib.lookup("working the counter", "counter", 90, COUNTER)  # 0.88
    assert lib.lookup("eating breakfast", "kitchen", 30, [])  # 0.89
    assert lib.lookup("serving customers at the counter", "counter", 90, COUNTER) is None  # 0.67
    assert lib.lookup("having lunch", "kitchen", 30, []) is None  # 0.80 with breakfast
    assert lib.stats() == {"decompositions": 2, "hits": 2, "misses": 2}


def test_an_abandoned_tick_leaves_the_library_as_it_was():
    lib, _ = stocked()
    mark = lib.tick_mark()
    assert lib.lookup("working at the counter", "counter", 90, COUNTER) is not None  # a hit
    assert lib.lookup("having lunch", "counter", 90, COUNTER) is None  # a miss
    lib.store("having lunch", "counter", 90, STEPS)
    lib.undo_tick(mark)
    assert (lib.hits, lib.misses) == mark
    assert lib.publish() == 0  # nothing staged in the abandoned tick is kept

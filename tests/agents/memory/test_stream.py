from datetime import timedelta

import numpy as np
import pytest

from agents.memory.factory import open_memory
from agents.memory.index import ChromaSettings, VectorIndexError
from agents.memory.records import MemoryKind
from agents.memory.stream import PendingMemoriesError
from tests.agents.memory.conftest import T0
from tests.doubles.embedder import HashingEmbedder


@pytest.fixture
def embedder():
    return HashingEmbedder()


@pytest.fixture
def memory(tmp_path, embedder):
    # A block of one: every flushed memory goes to the index at once.
    stream = open_memory(tmp_path / "run", embedder, index_block=1)
    yield stream
    stream.close()


def test_add_buffers_and_flush_embeds_every_agent_in_one_call(memory, embedder):
    ada = memory.add("Ada", MemoryKind.OBSERVATION, "Ada sees the bakery", T0, 2)
    bob = memory.add("Bob", "plan", "Bob plans to open the shop", T0, 5, evidence=[ada])
    assert (ada, bob) == ("Ada-1", "Bob-1")
    assert memory.pending == 2 and memory.count() == 0 and embedder.calls == []

    records = memory.flush()

    assert embedder.calls == [["Ada sees the bakery", "Bob plans to open the shop"]]
    assert [r.id for r in records] == [ada, bob]
    assert records[1].evidence == (ada,) and records[1].last_accessed == T0
    assert memory.pending == 0 and memory.count() == 2
    assert memory.index.count("Ada") == 1 and memory.index.count("Bob") == 1
    assert memory.flush() == [] and len(embedder.calls) == 1


def test_ids_and_store_order_do_not_depend_on_how_agents_interleave(memory, tmp_path):
    memory.add("Bob", "plan", "Bob plans", T0, 5)
    memory.add("Ada", "observation", "Ada sees", T0, 2)
    memory.add("Bob", "observation", "Bob sees", T0, 2)
    first = [(r.id, r.seq) for r in memory.flush()]
    # The same memories added in another interleaving (concurrent calls returning in another
    # order) into an empty store get the same ids and the same store order.
    memory.truncate_after(0)
    memory.add("Ada", "observation", "Ada sees", T0, 2)
    memory.add("Bob", "plan", "Bob plans", T0, 5)
    memory.add("Bob", "observation", "Bob sees", T0, 2)
    again = [(r.id, r.seq) for r in memory.flush()]
    assert [i for i, _ in first] == ["Ada-1", "Bob-1", "Bob-2"] == [i for i, _ in again]
    assert [s for _, s in again] == sorted(s for _, s in again)
    assert memory.add("Ada", "plan", "Ada plans", T0, 3) == "Ada-2"


def test_discarded_memories_free_their_ids(memory):
    memory.add("Ada", "observation", "kept", T0, 2)
    memory.flush()
    assert memory.add("Ada", "observation", "dropped", T0, 2) == "Ada-2"
    assert memory.discard_pending() == 1
    assert memory.add("Ada", "observation", "redone", T0, 2) == "Ada-2"


def test_add_rejects_bad_importance_and_empty_text(memory):
    with pytest.raises(ValueError):
        memory.add("Ada", "observation", "x", T0, 11)
    with pytest.raises(ValueError):
        memory.add("Ada", "observation", "x", T0, True)
    with pytest.raises(ValueError):
        memory.add("Ada", "observation", "   ", T0, 3)
    with pytest.raises(ValueError):
        memory.add("Ada", "dream", "x", T0, 3)


def test_failed_embedding_keeps_the_buffer(memory, embedder, monkeypatch):
    memory.add("Ada", "observation", "first", T0, 2)
    monkeypatch.setattr(embedder, "embed", lambda texts: np.zeros((len(texts), 64)))
    with pytest.raises(ValueError, match="zero vector"):
        memory.flush()
    assert memory.pending == 1 and memory.count() == 0
    monkeypatch.undo()
    assert [r.text for r in memory.flush()] == ["first"]


def test_retrieve_ranks_relevant_memory_first_and_touches_results(memory, embedder):
    memory.add("Ada", "observation", "the bakery smells of fresh bread", T0, 3)
    memory.add("Ada", "observation", "Bob is organising a party on Friday", T0, 3)
    memory.add("Ada", "observation", "the river is cold this morning", T0, 3)
    memory.add("Bob", "observation", "Bob party Friday party", T0, 9)
    memory.flush()
    now = T0 + timedelta(hours=6)

    ranked = memory.retrieve("Ada", "party on Friday", now, k=2)

    assert len(embedder.calls) == 2 and embedder.calls[-1] == ["party on Friday"]
    assert ranked[0].record.text == "Bob is organising a party on Friday"
    assert all(m.record.agent == "Ada" for m in ranked) and len(ranked) == 2
    touched = memory.get([m.record.id for m in ranked])
    assert all(r.last_accessed == now for r in touched)
    untouched = {r.id for r in memory.store.by_agent("Ada")} - {m.record.id for m in ranked}
    assert all(r.last_accessed == T0 for r in memory.get(sorted(untouched)))


def test_retrieval_prefers_the_newest_when_all_else_ties(memory):
    for hour in (0, 5, 10):
        memory.add("Ada", "observation", "the same thing again", T0 + timedelta(hours=hour), 4)
    memory.flush()
    ranked = memory.retrieve("Ada", "the same thing", T0 + timedelta(hours=12), k=3)
    assert [m.record.created.hour for m in ranked] == [18, 13, 8]
    assert ranked[0].recency == 1.0


def test_several_queries_are_embedded_in_one_call(memory, embedder):
    memory.add("Ada", "observation", "apples in the orchard", T0, 3)
    memory.add("Ada", "observation", "the choir sings hymns", T0, 3)
    memory.add("Ada", "observation", "taxes are due in April", T0, 3)
    memory.flush()
    now = T0 + timedelta(hours=1)
    combined = memory.retrieve("Ada", ["orchard apples", "choir hymns"], now, k=2)
    assert {m.record.text for m in combined} == {"apples in the orchard", "the choir sings hymns"}
    each = memory.retrieve_each("Ada", ["orchard apples", "choir hymns"], now, k=1)
    assert [[m.record.text for m in r] for r in each] == [
        ["apples in the orchard"],
        ["the choir sings hymns"],
    ]
    # One embed call for both queries; the second retrieval reuses their embeddings.
    assert embedder.calls[1:] == [["orchard apples", "choir hymns"]]


def test_repeated_queries_are_embedded_once_and_rank_the_same(memory, embedder):
    memory.add("Ada", "observation", "apples in the orchard", T0, 3)
    memory.add("Ada", "observation", "the choir sings hymns", T0, 3)
    memory.flush()
    memory.read_only = True  # no access-time updates between the two retrievals
    first = memory.retrieve("Ada", "orchard apples", T0 + timedelta(hours=1), k=2)
    again = memory.retrieve("Ada", ["orchard apples", "fresh bread"], T0 + timedelta(hours=1), k=2)
    assert embedder.calls[1:] == [["orchard apples"], ["fresh bread"]]
    assert first[0].record.id == again[0].record.id


def test_retrieve_for_unknown_agent_or_no_query_is_empty(memory):
    assert memory.retrieve("Nobody", "anything", T0) == []
    assert memory.retrieve("Nobody", [], T0) == []
    assert memory.retrieve_each("Nobody", ["a", "b"], T0) == [[], []]


def test_checkpoint_and_truncate_roll_back_store_and_index(memory):
    memory.add("Ada", "observation", "before", T0, 3)
    memory.flush()
    memory.retrieve("Ada", "before", T0 + timedelta(hours=1))
    checkpoint = memory.position()
    memory.retrieve("Ada", "before", T0 + timedelta(hours=5))
    late = memory.add("Ada", "observation", "after", T0 + timedelta(hours=2), 3)
    bob = memory.add("Bob", "observation", "only after", T0, 3)
    with pytest.raises(PendingMemoriesError):
        memory.position()
    with pytest.raises(PendingMemoriesError):
        memory.truncate_after(checkpoint)
    memory.flush()

    assert memory.truncate_after(checkpoint) == 2

    assert memory.get([late, bob]) == []
    assert memory.index.ids("Ada") == {"Ada-1"} and memory.index.agents() == ["Ada"]
    assert memory.recent("Ada", 5)[0].last_accessed == T0 + timedelta(hours=1)
    # Replaying the same calls gives the same ids.
    memory.retrieve("Ada", "before", T0 + timedelta(hours=5))
    assert memory.add("Ada", "observation", "after", T0 + timedelta(hours=2), 3) == late
    memory.flush()


def test_reopen_keeps_memories_and_detects_a_stale_index(tmp_path, embedder):
    run = tmp_path / "run"
    memory = open_memory(run, embedder, index_block=1)
    memory.add("Ada", "observation", "kept", T0, 3)
    memory.flush()
    memory.index.upsert("Ada", ["Ada-77"], np.ones((1, 64), dtype=np.float32))
    memory.close()

    again = open_memory(run, embedder, index_block=1)
    assert again.count() == 1 and again.index.ids("Ada") == {"Ada-1"}
    assert again.add("Ada", "observation", "next", T0, 3) == "Ada-2"
    again.close()


def test_index_failure_during_flush_is_repaired_from_the_store(memory, monkeypatch):
    memory.add("Ada", "observation", "first", T0, 3)
    memory.flush()
    original = memory.index.upsert
    calls = []

    def fail_once(agent, ids, embeddings):
        calls.append(list(ids))
        if len(calls) == 1:
            raise VectorIndexError("simulated broken collection")
        original(agent, ids, embeddings)

    monkeypatch.setattr(memory.index, "upsert", fail_once)
    memory.add("Ada", "observation", "second", T0, 3)
    assert [r.text for r in memory.flush()] == ["second"]
    assert memory.index.ids("Ada") == {"Ada-1", "Ada-2"}


def test_index_takes_each_agents_memories_a_block_at_a_time(tmp_path, embedder):
    memory = open_memory(tmp_path / "run", embedder, index_block=3, candidate_k=1)
    for i in range(2):
        memory.add("Ada", "observation", f"early {i}", T0, 3)
    memory.add("Bob", "observation", "Bob's", T0, 3)
    memory.flush()
    assert memory.index.count("Ada") == 0  # 2 of a block of 3: not indexed yet
    checkpoint = memory.position()
    for i in range(2):
        memory.add("Ada", "observation", f"late {i}", T0 + timedelta(hours=1), 3)
    memory.flush()
    assert memory.index.ids("Ada") == {"Ada-1", "Ada-2", "Ada-3"}
    # The newest memory is not in the index, yet it is found first.
    found = memory.retrieve("Ada", "late 1", T0 + timedelta(hours=2), k=4)
    assert found[0].record.text == "late 1"

    assert memory.truncate_after(checkpoint) == 2
    assert memory.index.count("Ada") == 0 and memory.count("Ada") == 2
    memory.close()
    again = open_memory(tmp_path / "run", embedder, index_block=3)
    assert again.index.count("Ada") == 0 and again.count("Ada") == 2
    again.close()


def _replayable_day(memory, hours):
    """Adds memories and retrieves over ``hours``; returns every ranking's ids."""
    rankings = []
    for hour in hours:
        now = T0 + timedelta(hours=hour)
        for i in range(3):
            memory.add(
                "Ada",
                "observation",
                f"hour {hour} thing {i} colour {hour % 4}",
                now,
                1 + (hour + i) % 10,
            )
        memory.flush()
        found = memory.retrieve("Ada", f"thing {hour % 3} colour {hour % 4}", now, k=6)
        rankings.append([m.record.id for m in found])
    return rankings


@pytest.mark.parametrize(
    ("block", "candidate_k", "ephemeral"),
    [(1, 4, False), (5, 4, False), (5, 10, False), (5, 4, True)],
)
def test_resumed_memory_ranks_exactly_like_an_uninterrupted_one(
    tmp_path, embedder, block, candidate_k, ephemeral
):
    # A small candidate list and block so that the vector index takes part in every ranking;
    # the resumed index has deleted and re-added vectors (or is rebuilt when ephemeral), and
    # the bag-of-words embedder makes many equal similarities.
    chroma = ChromaSettings(ephemeral=ephemeral)

    def open_run(name):
        return open_memory(
            tmp_path / name, embedder, chroma, candidate_k=candidate_k, index_block=block
        )

    straight = open_run("straight")
    _replayable_day(straight, range(0, 7))
    whole = _replayable_day(straight, range(7, 20))
    straight.close()

    resumed = open_run("resumed")
    _replayable_day(resumed, range(0, 7))
    checkpoint = resumed.position()  # 21 memories: mid-block
    _replayable_day(resumed, range(7, 12))
    resumed.close()
    resumed = open_run("resumed")
    resumed.truncate_after(checkpoint)
    assert _replayable_day(resumed, range(7, 20)) == whole
    resumed.close()

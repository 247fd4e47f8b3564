from datetime import timedelta

import numpy as np
import pytest

from agents.memory.index import ChromaSettings, VectorIndexError, open_index
from agents.memory.retrieval import Retriever
from agents.memory.scoring import score_records
from tests.agents.memory.conftest import T0, make_records, unit


@pytest.fixture
def index(tmp_path):
    vector_index = open_index(ChromaSettings(), tmp_path, "q")
    yield vector_index
    vector_index.close()


def _fill(store, index, specs, agent="Ada"):
    records = make_records(store, agent, specs)
    store.add_many(records)
    index.upsert(agent, [r.id for r in records], np.stack([r.embedding for r in records]))
    return records


def test_candidates_include_important_and_recent_memories_beyond_the_nearest(store, index):
    query = unit(1.0)
    specs = [(f"near {i}", 0, 1, unit(1.0, 0.01 * i)) for i in range(20)]
    specs.append(("far but vital", 0, 10, unit(0.0, 1.0)))
    specs.append(("far but fresh", 48, 1, unit(0.0, 0.0, 1.0)))
    _fill(store, index, specs)
    retriever = Retriever(store, index, candidate_k=3, index_block=1)
    ranked = retriever.rank("Ada", query, T0 + timedelta(hours=48), k=30)[0]
    texts = [m.record.text for m in ranked]
    assert "far but vital" in texts and "far but fresh" in texts
    # 3 nearest + 3 most recently accessed + 3 most important (ties: newer first), deduplicated
    assert sorted(texts) == sorted(
        ["near 0", "near 1", "near 2", "far but vital", "far but fresh", "near 19"]
    )
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)


def test_small_memories_rank_exactly_like_the_pure_scorer(store, index):
    rng = np.random.default_rng(5)
    specs = [
        (f"m{i}", float(rng.uniform(0, 72)), int(rng.integers(1, 11)), rng.normal(size=8))
        for i in range(40)
    ]
    records = _fill(store, index, specs)
    query = rng.normal(size=8).astype(np.float32)
    now = T0 + timedelta(hours=80)
    expected = score_records(records, query, now, k=10)
    got = Retriever(store, index, candidate_k=50).rank("Ada", query, now, k=10)[0]
    assert [m.record.id for m in got] == [m.record.id for m in expected]
    assert [m.score for m in got] == pytest.approx([m.score for m in expected])


def test_failed_vector_query_rebuilds_the_index_then_answers(store, index, monkeypatch):
    records = _fill(store, index, [(f"m{i}", 0, 3, unit(1.0, 0.1 * i)) for i in range(5)])
    original = index.query
    failures = []

    def fail_once(agent, vectors, k):
        if not failures:
            failures.append(agent)
            raise VectorIndexError("simulated")
        return original(agent, vectors, k)

    monkeypatch.setattr(index, "query", fail_once)
    ranked = Retriever(store, index, candidate_k=2, index_block=1).rank("Ada", unit(1.0), T0, k=1)[
        0
    ]
    assert failures == ["Ada"]
    assert ranked[0].record.id == records[0].id


def test_unusable_index_falls_back_to_an_exact_scan(store, index, monkeypatch):
    specs = [(f"m{i}", 0, 3, unit(0.0, 1.0, 0.1 * i)) for i in range(30)]
    specs[17] = ("the one", 0, 3, unit(1.0))
    _fill(store, index, specs)

    def broken(*args, **kwargs):
        raise VectorIndexError("simulated")

    monkeypatch.setattr(index, "query", broken)
    ranked = Retriever(store, index, candidate_k=2, index_block=1).rank("Ada", unit(1.0), T0, k=1)[
        0
    ]
    assert ranked[0].record.text == "the one"


def test_memories_not_yet_indexed_are_always_candidates(store, index):
    # Block 4: of 11 memories the index holds the oldest 8; the 3 newest are candidates of
    # every query although nothing else would pick them (never accessed since, unimportant, far).
    specs = [(f"near {i}", 10, 1, unit(1.0, 0.01 * i)) for i in range(8)]
    specs += [(f"late {i}", 0, 1, unit(0.0, 1.0, 0.1 * i)) for i in range(3)]
    records = make_records(store, "Ada", specs)
    store.add_many(records)
    index.upsert("Ada", [r.id for r in records[:8]], np.stack([r.embedding for r in records[:8]]))
    queried = []
    original = index.query
    index.query = lambda agent, vectors, k: queried.append(agent) or original(agent, vectors, k)

    ranked = Retriever(store, index, candidate_k=2, index_block=4).rank("Ada", unit(1.0), T0, 30)

    texts = {m.record.text for m in ranked[0]}
    assert queried == ["Ada"]
    assert {"late 0", "late 1", "late 2"} <= texts
    assert {"near 0", "near 1"} <= texts


def test_no_vector_search_when_every_memory_is_a_candidate_anyway(store, index, monkeypatch):
    _fill(store, index, [(f"m{i}", i, 3, unit(1.0, 0.1 * i)) for i in range(5)])
    monkeypatch.setattr(index, "query", lambda *a: pytest.fail("the index was queried"))
    ranked = Retriever(store, index, candidate_k=5, index_block=1).rank("Ada", unit(1.0), T0, 30)
    assert len(ranked[0]) == 5


def test_equal_similarities_go_to_the_newest_whatever_chroma_returns(store, index):
    # 30 identical memories: Chroma returns an arbitrary 6 of them; the nearest are the 3 newest.
    specs = [(f"same {i}", 0, 1, unit(1.0)) for i in range(30)]
    specs += [(f"other {i}", 10, 10, unit(0.0, 1.0, 0.1 * i)) for i in range(5)]
    _fill(store, index, specs)

    ranked = Retriever(store, index, candidate_k=3, index_block=1).rank("Ada", unit(1.0), T0, 30)

    same = sorted(m.record.text for m in ranked[0] if m.record.text.startswith("same"))
    assert same == ["same 27", "same 28", "same 29"]

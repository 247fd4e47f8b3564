from datetime import timedelta

import numpy as np
import pytest

from agents.memory.records import MemoryKind, MemoryRecord, sim_micros
from agents.memory.scoring import (
    RetrievalWeights,
    combine,
    cosine,
    hours_since,
    min_max,
    recency,
    score_records,
    top_k,
)
from tests.agents.memory.conftest import T0, unit


def record(seq, hours_created, importance, vector, hours_accessed=None):
    accessed = hours_created if hours_accessed is None else hours_accessed
    return MemoryRecord(
        id=f"a-{seq}",
        seq=seq,
        agent="a",
        kind=MemoryKind.OBSERVATION,
        text=f"memory {seq}",
        created=T0 + timedelta(hours=hours_created),
        last_accessed=T0 + timedelta(hours=accessed),
        importance=importance,
        embedding=vector,
    )


def test_recency_is_decay_to_the_power_of_hours():
    assert recency(np.array([0.0]))[0] == 1.0
    assert recency(np.array([10.0]))[0] == pytest.approx(0.995**10)
    assert recency(np.array([2.0]), decay=0.5)[0] == pytest.approx(0.25)
    with pytest.raises(ValueError):
        recency(np.array([1.0]), decay=0.0)


def test_hours_since_uses_simulated_time_and_clips_future_accesses():
    now = T0 + timedelta(hours=5, minutes=30)
    accessed = np.array([sim_micros(T0), sim_micros(now), sim_micros(now + timedelta(hours=1))])
    assert hours_since(accessed, now).tolist() == [5.5, 0.0, 0.0]


def test_newest_memory_ranks_first_on_recency():
    # Records listed oldest first, as a memory stream holds them: the released Generative
    # Agents code gave the first (oldest) the highest recency. The newest must win here.
    same = unit(1.0)
    records = [record(1, 0, 5, same), record(2, 50, 5, same), record(3, 99, 5, same)]
    ranked = score_records(records, same, T0 + timedelta(hours=100), k=3)
    assert [m.record.seq for m in ranked] == [3, 2, 1]
    assert ranked[0].recency == 1.0 and ranked[-1].recency == 0.0


def test_recently_accessed_old_memory_beats_newer_unaccessed_one():
    same = unit(1.0)
    old_but_retrieved = record(1, 0, 5, same, hours_accessed=99)
    newer = record(2, 50, 5, same)
    ranked = score_records([newer, old_but_retrieved], same, T0 + timedelta(hours=100), k=2)
    assert [m.record.seq for m in ranked] == [1, 2]


def test_importance_and_relevance_rank_when_other_components_tie():
    v = unit(1.0)
    by_importance = score_records([record(1, 0, 2, v), record(2, 0, 9, v)], v, T0, k=2)
    assert [m.record.seq for m in by_importance] == [2, 1]
    close, far = unit(1.0, 0.1), unit(0.1, 1.0)
    by_relevance = score_records([record(1, 0, 5, far), record(2, 0, 5, close)], v, T0, k=2)
    assert [m.record.seq for m in by_relevance] == [2, 1]
    assert by_relevance[0].similarity == pytest.approx(float(close @ v), abs=1e-6)


def test_cosine_normalises_inputs_and_shapes():
    sims = cosine(np.array([[2.0, 0.0]]), np.array([[3.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]))
    assert sims.shape == (1, 3)
    assert sims[0].tolist() == pytest.approx([1.0, 0.0, -1.0])
    assert cosine(np.ones(2), np.zeros((0, 2))).shape == (1, 0)


def test_min_max_normalises_and_maps_constant_values_to_half():
    assert min_max(np.array([2.0, 4.0, 6.0])).tolist() == [0.0, 0.5, 1.0]
    assert min_max(np.array([3.0, 3.0])).tolist() == [0.5, 0.5]
    assert min_max(np.array([7.0])).tolist() == [0.5]
    assert min_max(np.array([])).size == 0


def test_combined_scores_match_hand_computed_values():
    # A: accessed now, importance 2, similarity 0.1
    # B: 10 h ago, importance 8, similarity 0.5
    # C: 20 h ago, importance 5, similarity 0.9
    hours = np.array([0.0, 10.0, 20.0])
    importance = np.array([2, 8, 5])
    similarity = np.array([0.1, 0.5, 0.9])
    parts = combine(hours, importance, similarity)
    rec_b = (0.995**10 - 0.995**20) / (1 - 0.995**20)
    assert parts.recency.tolist() == pytest.approx([1.0, rec_b, 0.0])
    assert parts.importance.tolist() == pytest.approx([0.0, 1.0, 0.5])
    assert parts.relevance.tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert parts.score.tolist() == pytest.approx([1.0, rec_b + 1.5, 1.5])
    assert top_k(parts.score, np.array([1, 2, 3]), 3).tolist() == [1, 2, 0]  # B, C, A

    heavy_recency = combine(hours, importance, similarity, RetrievalWeights(recency=3.0))
    assert heavy_recency.score.tolist() == pytest.approx([3.0, 3 * rec_b + 1.5, 1.5])
    assert top_k(heavy_recency.score, np.array([1, 2, 3]), 3).tolist() == [0, 1, 2]


def test_top_k_breaks_ties_towards_newer_memories_and_truncates():
    scores = np.array([1.0, 2.0, 2.0, 0.5])
    assert top_k(scores, np.array([10, 11, 12, 13]), 2).tolist() == [2, 1]
    assert top_k(scores, np.array([10, 11, 12, 13]), 0).size == 0


def test_multiple_queries_use_the_best_similarity_per_memory():
    a, b = unit(1.0), unit(0.0, 1.0)
    records = [record(1, 0, 5, a), record(2, 0, 5, b), record(3, 0, 5, unit(1.0, 1.0))]
    ranked = score_records(records, np.stack([a, b]), T0, k=3)
    assert {m.record.seq for m in ranked[:2]} == {1, 2}
    assert ranked[2].record.seq == 3


def test_weights_reject_negative_values():
    with pytest.raises(ValueError):
        RetrievalWeights(relevance=-1.0)

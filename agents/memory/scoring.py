"""Retrieval scoring of Generative Agents (Park et al. 2023), as pure functions.

score = w_rec · recency + w_imp · importance + w_rel · relevance, where each component is
min–max normalised over the candidate memories:

* recency = ``decay ** hours``, with ``hours`` the simulated hours since the memory was last
  accessed (formed or retrieved), so the most recently accessed memory has the highest
  recency. (The released Generative Agents code assigned the decay by list position and ranked
  the *oldest* memory as most recent; this module does not.)
* importance = the memory's poignancy, 1–10.
* relevance = cosine similarity between the memory's embedding and the query embedding (with
  several queries, the best-matching one).

When a component is equal for all candidates its normalised value is 0.5 for every candidate
(as in the released code), so it shifts every score equally and never changes the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from agents.memory.records import MemoryRecord, ScoredMemory, sim_micros

DEFAULT_DECAY = 0.995
_MICROS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True, slots=True)
class RetrievalWeights:
    """Weights of the three retrieval components (the paper uses 1/1/1)."""

    recency: float = 1.0
    importance: float = 1.0
    relevance: float = 1.0

    def __post_init__(self) -> None:
        for name in ("recency", "importance", "relevance"):
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"retrieval weight {name} must be finite and >= 0, got {value}")


DEFAULT_WEIGHTS = RetrievalWeights()


def hours_since(accessed_micros: np.ndarray, now: datetime) -> np.ndarray:
    """Simulated hours from each access time to ``now`` (never negative).

    Args:
        accessed_micros: Access times as ``sim_micros`` integers.
        now: The current simulated time.

    Returns:
        Float64 hours, clipped at 0 for access times after ``now``.
    """
    delta = sim_micros(now) - np.asarray(accessed_micros, dtype=np.int64)
    return np.maximum(delta, 0).astype(np.float64) / _MICROS_PER_HOUR


def recency(hours: np.ndarray, decay: float = DEFAULT_DECAY) -> np.ndarray:
    """Exponential recency ``decay ** hours``: 1 for a memory accessed just now.

    Args:
        hours: Simulated hours since last access (>= 0).
        decay: Per-hour decay factor in (0, 1].

    Returns:
        Recency values in (0, 1].
    """
    if not 0.0 < decay <= 1.0:
        raise ValueError(f"decay must be in (0, 1], got {decay}")
    return np.power(decay, np.asarray(hours, dtype=np.float64))


def cosine(query_vectors: np.ndarray, memory_vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of every memory to every query.

    Args:
        query_vectors: Shape ``(q, d)`` (or ``(d,)`` for one query).
        memory_vectors: Shape ``(n, d)``.

    Returns:
        Shape ``(q, n)`` similarities in [-1, 1]. A pair's value does not depend on which other
        vectors are scored with it (float32 products may round a pair differently in matrices
        of other shapes; float64 rounded to 1e-9 does not), so equal similarities stay equal.
    """
    queries = np.atleast_2d(np.asarray(query_vectors, dtype=np.float64))
    memories = np.atleast_2d(np.asarray(memory_vectors, dtype=np.float64))
    if memories.shape[0] == 0:
        return np.zeros((queries.shape[0], 0), dtype=np.float64)
    q_norm = np.linalg.norm(queries, axis=1, keepdims=True)
    m_norm = np.linalg.norm(memories, axis=1, keepdims=True)
    sims = (queries / np.maximum(q_norm, 1e-12)) @ (memories / np.maximum(m_norm, 1e-12)).T
    return np.clip(np.round(sims, 9), -1.0, 1.0)


def min_max(values: np.ndarray) -> np.ndarray:
    """Min–max normalise to [0, 1]; all-equal (or single) values map to 0.5.

    Args:
        values: Any 1-d array.

    Returns:
        Float64 array of the same length.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return array
    low, high = float(array.min()), float(array.max())
    if high - low <= 1e-12 * max(1.0, abs(high)):
        return np.full_like(array, 0.5)
    return (array - low) / (high - low)


@dataclass(frozen=True, slots=True)
class Components:
    """Normalised components and combined scores of a candidate set (index-aligned)."""

    score: np.ndarray
    recency: np.ndarray
    importance: np.ndarray
    relevance: np.ndarray
    similarity: np.ndarray


def combine(
    hours: np.ndarray,
    importance: np.ndarray,
    similarity: np.ndarray,
    weights: RetrievalWeights = DEFAULT_WEIGHTS,
    decay: float = DEFAULT_DECAY,
) -> Components:
    """Score candidates from their raw components.

    Args:
        hours: Simulated hours since each candidate's last access.
        importance: Importance 1–10 of each candidate.
        similarity: Cosine similarity of each candidate to the query.
        weights: Component weights.
        decay: Per-hour recency decay.

    Returns:
        The normalised components and the weighted score of each candidate.
    """
    rec = min_max(recency(hours, decay))
    imp = min_max(np.asarray(importance, dtype=np.float64))
    sim = np.asarray(similarity, dtype=np.float64)
    rel = min_max(sim)
    score = weights.recency * rec + weights.importance * imp + weights.relevance * rel
    return Components(score=score, recency=rec, importance=imp, relevance=rel, similarity=sim)


def top_k(scores: np.ndarray, seqs: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores, best first; ties go to the newer memory (higher seq).

    Args:
        scores: Score of each candidate.
        seqs: Sequence number of each candidate (unique).
        k: How many to return.

    Returns:
        Integer indices into ``scores``.
    """
    if k <= 0 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((-np.asarray(seqs, dtype=np.int64), -np.asarray(scores, dtype=np.float64)))
    return order[:k]


def score_records(
    records: Sequence[MemoryRecord],
    query_vectors: np.ndarray,
    now: datetime,
    k: int,
    weights: RetrievalWeights = DEFAULT_WEIGHTS,
    decay: float = DEFAULT_DECAY,
) -> list[ScoredMemory]:
    """Rank records against one or more query vectors (best match per memory).

    Args:
        records: The candidate memories.
        query_vectors: Shape ``(q, d)`` or ``(d,)``.
        now: Current simulated time.
        k: How many to return.
        weights: Component weights.
        decay: Per-hour recency decay.

    Returns:
        Up to ``k`` scored memories, best first.
    """
    if not records:
        return []
    accessed = np.array([sim_micros(r.last_accessed) for r in records], dtype=np.int64)
    importance = np.array([r.importance for r in records], dtype=np.float64)
    vectors = np.stack([r.embedding for r in records])
    similarity = cosine(query_vectors, vectors).max(axis=0)
    parts = combine(hours_since(accessed, now), importance, similarity, weights, decay)
    seqs = np.array([r.seq for r in records], dtype=np.int64)
    return [scored(records[i], parts, i) for i in top_k(parts.score, seqs, k)]


def scored(record: MemoryRecord, parts: Components, i: int) -> ScoredMemory:
    """Wrap candidate ``i`` of a scored set as a ``ScoredMemory``."""
    return ScoredMemory(
        record=record,
        score=float(parts.score[i]),
        recency=float(parts.recency[i]),
        importance=float(parts.importance[i]),
        relevance=float(parts.relevance[i]),
        similarity=float(parts.similarity[i]),
    )

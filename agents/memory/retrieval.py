"""Retrieval of an agent's memories: a bounded candidate set, scored exactly.

Candidates are the union of the vector index's ``candidate_k`` nearest memories to each
query, the ``candidate_k`` most recently accessed memories and the ``candidate_k`` most
important ones (both from indexed SQLite columns). Every candidate is then scored from the
store's own columns and embeddings (exact cosine, not Chroma's approximate distances), with
components min–max normalised over the candidate set. With at most ``candidate_k`` memories
the candidate set is the agent's whole memory, as in the paper; beyond that a memory outside
all three top lists would need to be near-best on every component at once to be missed.
"""

from __future__ import annotations

import logging
from datetime import datetime

import numpy as np

from agents.memory.index import VectorIndex, VectorIndexError
from agents.memory.reconcile import rebuild
from agents.memory.records import ScoredMemory
from agents.memory.rows import CandidateRows, from_row
from agents.memory.scoring import (
    DEFAULT_DECAY,
    DEFAULT_WEIGHTS,
    RetrievalWeights,
    combine,
    cosine,
    hours_since,
    scored,
    top_k,
)
from agents.memory.store import MemoryStore

logger = logging.getLogger(__name__)


class Retriever:
    """Ranks an agent's memories against query vectors.

    Args:
        store: The memory store (the record).
        index: The vector index.
        weights: Component weights.
        decay: Per-hour recency decay.
        candidate_k: Size of each of the three candidate lists.
    """

    def __init__(
        self,
        store: MemoryStore,
        index: VectorIndex,
        weights: RetrievalWeights = DEFAULT_WEIGHTS,
        decay: float = DEFAULT_DECAY,
        candidate_k: int = 100,
    ):
        if candidate_k < 1:
            raise ValueError(f"candidate_k must be at least 1, got {candidate_k}")
        self._store = store
        self._index = index
        self.weights = weights
        self.decay = decay
        self.candidate_k = candidate_k

    def rank(
        self, agent: str, query_vectors: np.ndarray, now: datetime, k: int, *, each: bool = False
    ) -> list[list[ScoredMemory]]:
        """Rank the agent's memories against query vectors.

        Args:
            agent: Whose memories.
            query_vectors: Shape ``(q, d)`` (or ``(d,)``).
            now: Current simulated time (for recency).
            k: How many memories per ranking.
            each: One ranking per query if true; else one ranking where a memory's relevance
                is its best similarity over the queries.

        Returns:
            A list of rankings (one, or one per query), each best first.
        """
        queries = np.atleast_2d(np.asarray(query_vectors, dtype=np.float32))
        if self._store.count(agent) == 0 or k <= 0:
            return [[] for _ in queries] if each else [[]]
        candidates = self._store.candidates(agent, self.candidate_k, self._nearest(agent, queries))
        hours = hours_since(candidates.accessed_us, now)
        similarities = cosine(queries, candidates.embeddings)
        rows = similarities if each else similarities.max(axis=0, keepdims=True)
        return [self._ranking(candidates, hours, sims, k) for sims in rows]

    def _ranking(
        self, candidates: CandidateRows, hours: np.ndarray, sims: np.ndarray, k: int
    ) -> list[ScoredMemory]:
        parts = combine(hours, candidates.importance, sims, self.weights, self.decay)
        best = top_k(parts.score, candidates.seqs, k)
        return [scored(from_row(candidates.rows[i]), parts, int(i)) for i in best]

    def _nearest(self, agent: str, queries: np.ndarray) -> list[str]:
        try:
            hits = self._index.query(agent, queries, self.candidate_k)
        except VectorIndexError as error:
            logger.warning("vector query for %r failed (%s); rebuilding its index", agent, error)
            try:
                rebuild(self._store, self._index, agent)
                hits = self._index.query(agent, queries, self.candidate_k)
            except VectorIndexError as again:
                logger.error("vector index of %r unusable (%s); exact scan instead", agent, again)
                return self._exact_nearest(agent, queries)
        return sorted({memory_id for ids in hits for memory_id in ids})

    def _exact_nearest(self, agent: str, queries: np.ndarray) -> list[str]:
        found: set[str] = set()
        ids: list[str] = []
        vectors: list[np.ndarray] = []
        for batch in self._store.iter_agent(agent):
            ids += [r.id for r in batch]
            vectors += [r.embedding for r in batch]
        sims = cosine(queries, np.stack(vectors))
        for row in sims:
            found.update(ids[i] for i in np.argsort(-row)[: self.candidate_k])
        return sorted(found)

"""Retrieval of an agent's memories: a bounded candidate set, scored exactly.

Candidates are the union of the vector index's ``candidate_k`` nearest memories to each
query, the memories not yet in the index (fewer than a block, see ``indexing``), the
``candidate_k`` most recently accessed memories and the ``candidate_k`` most important ones
(both from indexed SQLite columns). Every candidate is then scored from the
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
from agents.memory.indexing import DEFAULT_INDEX_BLOCK, indexed_count
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

_TIE = 1e-5
"""Similarities closer than this count as equal when checking a fetch for cut-off ties."""


class Retriever:
    """Ranks an agent's memories against query vectors.

    Args:
        store: The memory store (the record).
        index: The vector index.
        weights: Component weights.
        decay: Per-hour recency decay.
        candidate_k: Size of each of the three candidate lists.
        index_block: Memories of an agent the vector index takes at a time.
    """

    def __init__(
        self,
        store: MemoryStore,
        index: VectorIndex,
        weights: RetrievalWeights = DEFAULT_WEIGHTS,
        decay: float = DEFAULT_DECAY,
        candidate_k: int = 100,
        index_block: int = DEFAULT_INDEX_BLOCK,
    ):
        if candidate_k < 1:
            raise ValueError(f"candidate_k must be at least 1, got {candidate_k}")
        if index_block < 1:
            raise ValueError(f"index_block must be at least 1, got {index_block}")
        self.index_block = index_block
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
        count = self._store.count(agent)
        if count == 0 or k <= 0:
            return [[] for _ in queries] if each else [[]]
        # With at most candidate_k memories the recency list alone holds them all: a vector
        # search could add nothing.
        if count <= self.candidate_k:
            candidates = self._store.candidates(agent, self.candidate_k)
        else:
            indexed = indexed_count(count, self.index_block)
            nearest = self._nearest(agent, queries, indexed) if indexed else []
            candidates = self._store.candidates(agent, self.candidate_k, nearest, count - indexed)
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

    def _nearest(self, agent: str, queries: np.ndarray, indexed: int) -> list[str]:
        """Ids of the exact ``candidate_k`` nearest indexed memories to each query.

        Chroma's answer depends on its history (a resumed run deletes and re-adds vectors) and
        orders equal distances arbitrarily, so it only proposes: twice as many neighbours are
        fetched, re-scored exactly from the store, and the best taken with ties to the newer
        memory. If equal similarities reach the end of what was fetched (many identical
        memories), the indexed memories are scanned exactly instead.
        """
        fetch = min(indexed, 2 * self.candidate_k)
        try:
            hits = self._index.query(agent, queries, fetch)
        except VectorIndexError as error:
            logger.warning("vector query for %r failed (%s); rebuilding its index", agent, error)
            try:
                rebuild(self._store, self._index, agent, self.index_block)
                hits = self._index.query(agent, queries, fetch)
            except VectorIndexError as again:
                logger.error("vector index of %r unusable (%s); exact scan instead", agent, again)
                return self._exact_nearest(agent, queries, indexed)
        ids, seqs, vectors = self._store.vectors(agent, sorted({i for row in hits for i in row}))
        column = {memory_id: i for i, memory_id in enumerate(ids)}
        sims = cosine(queries, vectors)
        found: set[str] = set()
        for q, row in enumerate(hits):
            columns = np.array([column[i] for i in row if i in column], dtype=np.int64)
            best = top_k(sims[q, columns], seqs[columns], self.candidate_k)
            cut_off = fetch < indexed and len(best) == self.candidate_k
            if cut_off and sims[q, columns[best[-1]]] <= sims[q, columns].min() + _TIE:
                return self._exact_nearest(agent, queries, indexed)
            found.update(ids[columns[i]] for i in best)
        return sorted(found)

    def _exact_nearest(self, agent: str, queries: np.ndarray, indexed: int) -> list[str]:
        """What ``_nearest`` finds, by a scan of the agent's oldest ``indexed`` memories."""
        ids, seqs, vectors = self._store.vectors(agent, self._store.ordered_ids(agent, 0, indexed))
        sims = cosine(queries, vectors)
        found: set[str] = set()
        for row in sims:
            found.update(ids[i] for i in top_k(row, seqs, self.candidate_k))
        return sorted(found)

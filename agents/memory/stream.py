"""The memory stream: the one object minds use to remember and recall."""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from agents.memory.embedder import Embedder
from agents.memory.index import VectorIndex, VectorIndexError
from agents.memory.indexing import DEFAULT_INDEX_BLOCK, indexed_count
from agents.memory.reconcile import rebuild
from agents.memory.records import (
    MAX_IMPORTANCE,
    MIN_IMPORTANCE,
    MemoryKind,
    MemoryRecord,
    ScoredMemory,
)
from agents.memory.retrieval import Retriever
from agents.memory.scoring import DEFAULT_DECAY, DEFAULT_WEIGHTS, RetrievalWeights
from agents.memory.store import MemoryStore

logger = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 4096
"""Recent retrieval queries whose embeddings are kept."""


class ReadOnlyMemoryError(RuntimeError):
    """A memory was added to a stream opened read-only (e.g. for an interview)."""


class PendingMemoriesError(RuntimeError):
    """An operation needs every added memory flushed first."""


@dataclass(frozen=True, slots=True)
class _Pending:
    id: str
    number: int
    agent: str
    kind: MemoryKind
    text: str
    created: datetime
    importance: int
    evidence: tuple[str, ...]


class MemoryStream:
    """Memories of every agent of a run: buffered adds, batched embedding, scored retrieval.

    ``add`` only buffers (and assigns the id ``f"{agent}-{n}"``, the agent's n-th memory, at
    once, so it can be cited as evidence); ``flush`` embeds everything buffered in one call,
    commits it to the store in one transaction and then hands every agent's newly completed
    blocks to the vector index (see ``indexing``). Reads and retrieval see flushed memories
    only. One thread drives a stream.

    Args:
        store: The memory store (the record).
        index: The vector index.
        embedder: Embeds memory texts and queries.
        weights: Retrieval component weights.
        decay: Per-hour recency decay.
        candidate_k: Size of each retrieval candidate list (see ``Retriever``).
        index_block: Memories of an agent the vector index takes at a time.
    """

    def __init__(
        self,
        store: MemoryStore,
        index: VectorIndex,
        embedder: Embedder,
        weights: RetrievalWeights = DEFAULT_WEIGHTS,
        decay: float = DEFAULT_DECAY,
        candidate_k: int = 100,
        index_block: int = DEFAULT_INDEX_BLOCK,
    ):
        self._block = index_block
        self._store = store
        self._index = index
        # Vector-index writes run on one worker thread, overlapping the next tick's start; any
        # use of the index waits for them first, so results never depend on timing.
        self._indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="memory-index")
        self._indexing: Future[None] | None = None
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.read_only = False
        """When True, retrieval leaves last-access times alone and nothing can be added."""
        self._embedder = embedder
        self._retriever = Retriever(store, index, weights, decay, candidate_k, index_block)
        self._pending: list[_Pending] = []
        self._last_number: dict[str, int] = {}  # per agent, the number of its newest memory id

    @property
    def store(self) -> MemoryStore:
        """The memory store."""
        return self._store

    @property
    def index(self) -> VectorIndex:
        """The vector index (once the last flush's vectors are in it)."""
        self._wait_for_index()
        return self._index

    @property
    def pending(self) -> int:
        """Number of memories added but not yet flushed."""
        return len(self._pending)

    def add(
        self,
        agent: str,
        kind: MemoryKind,
        text: str,
        created: datetime,
        importance: int,
        evidence: Sequence[str] = (),
    ) -> str:
        """Buffer a new memory (its last access is its creation).

        Args:
            agent: Who remembers.
            kind: What produced the memory.
            text: The memory in natural language.
            created: Simulated time of the memory.
            importance: Poignancy, an integer from 1 to 10.
            evidence: Ids of memories it was derived from.

        Returns:
            The memory's id.
        """
        if self.read_only:
            raise ReadOnlyMemoryError("this memory stream is open read-only")
        if not agent:
            raise ValueError("a memory needs an agent name")
        if not text or not text.strip():
            raise ValueError(f"memory of {agent!r} has empty text")
        if isinstance(importance, bool) or not MIN_IMPORTANCE <= int(importance) <= MAX_IMPORTANCE:
            raise ValueError(f"importance must be an integer from 1 to 10, got {importance!r}")
        number = self._next_number(agent)
        memory_id = f"{agent}-{number}"
        self._pending.append(
            _Pending(
                memory_id,
                number,
                agent,
                MemoryKind(kind),
                text,
                created,
                int(importance),
                tuple(evidence),
            )
        )
        return memory_id

    def _next_number(self, agent: str) -> int:
        """The next memory number of ``agent``: ids depend on each agent's own order only.

        An agent's ids never depend on when other agents' concurrent calls return, so a rerun
        from the response cache gives the same ids. The first number follows the highest
        already in the store (runs written before per-agent numbering used the global one).
        """
        if agent not in self._last_number:
            numbers = [int(i.rpartition("-")[2]) for i in self._store.ids(agent)]
            self._last_number[agent] = max(numbers, default=0)
        self._last_number[agent] += 1
        return self._last_number[agent]

    def flush(self) -> list[MemoryRecord]:
        """Embed all buffered memories in one call, commit them, then index completed blocks.

        Sequence numbers are given here, by agent and then in each agent's order, so the
        store's order does not depend on which agent's reply came back first either.

        Returns:
            The committed records, by agent name and in each agent's order. If embedding or
            the commit fails the buffer is kept and the error raised; an index failure is
            repaired from the store (the memories are committed either way).
        """
        if not self._pending:
            return []
        pending = sorted(self._pending, key=lambda p: (p.agent, p.number))
        first_seq = self._store.reserve(len(pending))
        vectors = np.asarray(self._embedder.embed([p.text for p in pending]), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(pending):
            raise ValueError(f"embedder returned shape {vectors.shape} for {len(pending)} texts")
        records = [
            MemoryRecord(
                id=p.id,
                seq=first_seq + i,
                agent=p.agent,
                kind=p.kind,
                text=p.text,
                created=p.created,
                last_accessed=p.created,
                importance=p.importance,
                embedding=vectors[i],
                evidence=p.evidence,
            )
            for i, p in enumerate(pending)
        ]
        self._store.add_many(records)
        self._pending = []
        added = Counter(record.agent for record in records)
        blocks = {a: b for a, n in added.items() if (b := self._completed_block(a, n))}
        if blocks:
            self._wait_for_index()
            self._indexing = self._indexer.submit(self._index_groups, blocks)
        return records

    def _completed_block(self, agent: str, new: int) -> list[MemoryRecord]:
        """The agent's memories that the flush of ``new`` of them made due for the index."""
        count = self._store.count(agent)
        start = indexed_count(count - new, self._block)
        stop = indexed_count(count, self._block)
        if stop == start:
            return []
        newest_first = self._store.recent(agent, count - start)
        return newest_first[::-1][: stop - start]

    def _index_groups(self, groups: dict[str, list[MemoryRecord]]) -> None:
        for agent, group in groups.items():
            self._index_new(agent, group)

    def _embed_queries(self, queries: list[str]) -> np.ndarray:
        """Embeds retrieval queries, reusing recent ones (minds ask the same questions often).

        An embedding is a pure function of its text, so reuse changes no result; only the
        texts not seen recently reach the embedder, in one batch.
        """
        missing = list(dict.fromkeys(q for q in queries if q not in self._query_vectors))
        if missing:
            fresh = np.asarray(self._embedder.embed(missing), dtype=np.float32)
            for text, vector in zip(missing, fresh, strict=True):
                self._query_vectors[text] = vector
        for text in queries:
            self._query_vectors.move_to_end(text)
        vectors = np.stack([self._query_vectors[q] for q in queries])
        while len(self._query_vectors) > QUERY_CACHE_SIZE:
            self._query_vectors.popitem(last=False)
        return vectors

    def _wait_for_index(self) -> None:
        """Blocks until the last flush's vectors are in the index (re-raising its error)."""
        if self._indexing is not None:
            indexing, self._indexing = self._indexing, None
            indexing.result()

    def retrieve(
        self, agent: str, query: str | Sequence[str], now: datetime, k: int = 30
    ) -> list[ScoredMemory]:
        """The ``k`` best memories for a query (or several: best similarity counts).

        All queries are embedded in one call; the returned memories' last access becomes
        ``now``.

        Args:
            agent: Whose memories.
            query: One query or several.
            now: Current simulated time.
            k: How many memories.

        Returns:
            Scored memories, best first.
        """
        queries = [query] if isinstance(query, str) else list(query)
        if not queries:
            return []
        vectors = self._embed_queries(queries)
        self._wait_for_index()
        ranking = self._retriever.rank(agent, vectors, now, k)[0]
        if not self.read_only:
            self._store.touch([m.record.id for m in ranking], now)
        return ranking

    def retrieve_each(
        self, agent: str, queries: Sequence[str], now: datetime, k: int = 30
    ) -> list[list[ScoredMemory]]:
        """One ranking per query (e.g. per reflection focal point), one embedding call.

        Args:
            agent: Whose memories.
            queries: The queries.
            now: Current simulated time.
            k: How many memories per query.

        Returns:
            A ranking per query, best first; every returned memory is touched at ``now``.
        """
        if not queries:
            return []
        vectors = self._embed_queries(list(queries))
        self._wait_for_index()
        rankings = self._retriever.rank(agent, vectors, now, k, each=True)
        self._store.touch({m.record.id for r in rankings for m in r}, now)
        return rankings

    def recent(self, agent: str, n: int) -> list[MemoryRecord]:
        """The ``n`` most recently formed memories of an agent, newest first."""
        return self._store.recent(agent, n)

    def get(self, ids: Sequence[str]) -> list[MemoryRecord]:
        """Memories by id, in the order asked (unknown or unflushed ids are skipped)."""
        return self._store.get(ids)

    def count(self, agent: str | None = None) -> int:
        """Number of flushed memories of an agent, or of all agents."""
        return self._store.count(agent)

    def position(self) -> int:
        """The store position for a checkpoint (every added memory must be flushed)."""
        if self._pending:
            raise PendingMemoriesError(
                f"{len(self._pending)} memories not flushed; flush() before a checkpoint"
            )
        return self._store.position()

    def truncate_after(self, position: int) -> int:
        """Roll the store and the index back to a checkpoint's position.

        Vectors are deleted from the index before the store forgets them, so a crash in between
        leaves nothing that ``reconcile`` cannot repair.

        Args:
            position: A value of ``position()`` recorded earlier.

        Returns:
            Number of memories removed.
        """
        self._wait_for_index()
        if self._pending:
            raise PendingMemoriesError("flush() or discard pending memories before a rollback")
        removed = self._store.written_after(position)
        by_agent = Counter(agent for agent, _ in removed)
        for agent, gone in by_agent.items():
            # The index keeps whole blocks of what survives; everything after them goes.
            keep = indexed_count(self._store.count(agent) - gone, self._block)
            try:
                self._index.delete(agent, self._store.ordered_ids(agent, keep))
            except VectorIndexError as error:
                logger.warning("could not delete rolled-back vectors of %r: %s", agent, error)
        self._store.truncate_after(position)
        self._last_number.clear()
        for agent in by_agent:
            if self._store.count(agent) == 0:
                self._index.drop(agent)
        return len(removed)

    def discard_pending(self) -> int:
        """Drop buffered, unflushed memories; returns how many were dropped.

        Their ids are free again: the next memories of those agents take the same numbers.
        """
        dropped = len(self._pending)
        self._pending = []
        self._last_number.clear()
        return dropped

    def close(self) -> None:
        """Close the index and the store (pending memories are dropped, with a warning).

        A failed index write still pending is logged, not raised: the store is closed either
        way, and the next open repairs the index from it.
        """
        try:
            self._wait_for_index()
        except Exception as error:
            logger.error("the last vector-index write failed (repaired at next open): %s", error)
        self._indexer.shutdown(wait=True)
        if self._pending:
            logger.warning("closing with %d unflushed memories", len(self._pending))
            self._pending = []
        self._index.close()
        self._store.close()

    def _index_new(self, agent: str, records: list[MemoryRecord]) -> None:
        try:
            self._index.upsert(
                agent, [r.id for r in records], np.stack([r.embedding for r in records])
            )
        except VectorIndexError as error:
            logger.warning("indexing new memories of %r failed (%s); rebuilding", agent, error)
            try:
                rebuild(self._store, self._index, agent, self._block)
            except VectorIndexError as again:
                logger.error("vector index of %r left for repair at next open: %s", agent, again)

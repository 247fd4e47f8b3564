"""Retrieval latency over 10,000 memories of one agent (no embedding model needed).

Random unit 384-d vectors stand in for embeddings; creation times span 30 simulated days,
a third of the memories were retrieved again later, importance is skewed to mundane (1–3)
as in a real run. Prints p50/p95 of:

* rank: candidate gathering (Chroma top-K + SQLite recent/important) and exact scoring, top-30;
* rank+touch: the same plus the access-time update that ``MemoryStream.retrieve`` does;
* chroma: a bare Chroma query for the 30 nearest, for comparison.

Usage: python benchmarks/bench_retrieval.py [--memories 10000] [--queries 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.memory.index import ChromaSettings, open_index
from agents.memory.records import MemoryKind, MemoryRecord
from agents.memory.retrieval import Retriever
from agents.memory.store import MemoryStore
from benchmarks.report import report

AGENT = "Isabella Rodriguez"
DIM = 384


def _records(store: MemoryStore, n: int, rng: np.random.Generator) -> list[MemoryRecord]:
    start = datetime(2023, 2, 13, 6, 0)
    minutes = np.sort(rng.integers(0, 30 * 24 * 60, size=n))
    vectors = rng.normal(size=(n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    importance = rng.choice(np.arange(1, 11), size=n, p=_importance_weights())
    first = store.reserve(n)
    records = []
    for i in range(n):
        created = start + timedelta(minutes=int(minutes[i]))
        accessed = created
        if rng.random() < 1 / 3:
            accessed = created + timedelta(minutes=int(rng.integers(0, 3 * 24 * 60)))
        records.append(
            MemoryRecord(
                id=f"{AGENT}-{first + i}",
                seq=first + i,
                agent=AGENT,
                kind=MemoryKind.OBSERVATION,
                text=f"memory number {i}",
                created=created,
                last_accessed=accessed,
                importance=int(importance[i]),
                embedding=vectors[i],
            )
        )
    return records


def _importance_weights() -> np.ndarray:
    weights = np.array([30, 25, 15, 10, 7, 5, 3, 2, 2, 1], dtype=np.float64)
    return weights / weights.sum()


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in samples)
    return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))]


def _percentiles(samples: list[float]) -> str:
    p50, p95 = _p50_p95(samples)
    return f"p50 {p50:6.2f} ms   p95 {p95:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--k", type=int, default=30)
    parser.add_argument("--candidate-k", type=int, default=100)
    args = parser.parse_args()
    rng = np.random.default_rng(7)

    with tempfile.TemporaryDirectory() as tmp:
        store = MemoryStore(Path(tmp) / "memory.sqlite3")
        index = open_index(ChromaSettings(), Path(tmp), "bench")
        records = _records(store, args.memories, rng)
        t0 = time.perf_counter()
        store.add_many(records)
        t1 = time.perf_counter()
        index.upsert(AGENT, [r.id for r in records], np.stack([r.embedding for r in records]))
        t2 = time.perf_counter()
        print(f"{args.memories} memories: SQLite add {t1 - t0:.2f} s, Chroma add {t2 - t1:.2f} s")

        retriever = Retriever(store, index, candidate_k=args.candidate_k)
        now = datetime(2023, 3, 15, 12, 0)
        queries = rng.normal(size=(args.queries, DIM)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        for q in queries[:20]:  # warm up
            retriever.rank(AGENT, q, now, args.k)

        rank, rank_touch, chroma = [], [], []
        for q in queries:
            t = time.perf_counter()
            retriever.rank(AGENT, q, now, args.k)
            rank.append(time.perf_counter() - t)
        for i, q in enumerate(queries):
            when = now + timedelta(minutes=10 * i)
            t = time.perf_counter()
            ranking = retriever.rank(AGENT, q, when, args.k)[0]
            store.touch([m.record.id for m in ranking], when)
            rank_touch.append(time.perf_counter() - t)
        for q in queries:
            t = time.perf_counter()
            index.query(AGENT, q, args.k)
            chroma.append(time.perf_counter() - t)

        print(f"top-{args.k} of {args.memories} (candidate_k={args.candidate_k}):")
        print(f"  rank        {_percentiles(rank)}")
        print(f"  rank+touch  {_percentiles(rank_touch)}")
        print(f"  chroma-only {_percentiles(chroma)}")
        p50, p95 = _p50_p95(rank)
        report(
            f"retrieval top-{args.k} of {args.memories:,} memories, p50 / p95",
            f"{p50:.1f} / {p95:.1f} ms",
            "p50 ≤ 10 ms",
            p50 <= 10,
        )
        index.close()
        store.close()


if __name__ == "__main__":
    main()

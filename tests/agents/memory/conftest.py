"""Shared helpers for memory tests."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import pytest

from agents.memory.records import MemoryKind, MemoryRecord
from agents.memory.store import MemoryStore

os.environ.setdefault("HF_HUB_OFFLINE", "1")

T0 = datetime(2023, 2, 13, 8, 0)


def unit(*values: float, dim: int = 8) -> np.ndarray:
    vector = np.zeros(dim, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def make_records(
    store: MemoryStore,
    agent: str,
    specs: Sequence[tuple[str, float, int, np.ndarray]],
    kind: MemoryKind = MemoryKind.OBSERVATION,
) -> list[MemoryRecord]:
    """Records from (text, hours after T0, importance, embedding), with reserved seqs."""
    first = store.reserve(len(specs))
    return [
        MemoryRecord(
            id=f"{agent}-{first + i}",
            seq=first + i,
            agent=agent,
            kind=kind,
            text=text,
            created=T0 + timedelta(hours=hours),
            last_accessed=T0 + timedelta(hours=hours),
            importance=importance,
            embedding=vector,
        )
        for i, (text, hours, importance, vector) in enumerate(specs)
    ]


@pytest.fixture
def store(tmp_path):
    memory_store = MemoryStore(tmp_path / "memory.sqlite3")
    yield memory_store
    memory_store.close()

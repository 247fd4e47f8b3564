import numpy as np
import pytest

from agents.memory.index import ChromaSettings, open_index
from agents.memory.reconcile import reconcile
from agents.memory.store import MemoryStore
from tests.agents.memory.conftest import make_records


def _specs(n, seed=0, dim=16):
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    return [(f"memory {i}", i / 10, 1 + i % 10, vectors[i]) for i in range(n)]


@pytest.fixture
def index(tmp_path):
    vector_index = open_index(ChromaSettings(), tmp_path, "r")
    yield vector_index
    vector_index.close()


def test_clean_index_is_left_alone(store, index):
    records = make_records(store, "Ada", _specs(5))
    store.add_many(records)
    index.upsert("Ada", [r.id for r in records], np.stack([r.embedding for r in records]))
    report = reconcile(store, index, block=1)
    assert report.clean and report.agents == 1


def test_missing_vectors_are_added_and_rolled_back_ones_deleted(store, index):
    records = make_records(store, "Ada", _specs(20))
    store.add_many(records)
    index.upsert("Ada", [r.id for r in records[:12]], np.stack([r.embedding for r in records[:12]]))
    index.upsert("Ada", ["Ada-999"], records[0].embedding[None, :])  # not in the store
    index.upsert("Ghost", ["Ghost-1"], records[0].embedding[None, :])  # agent not in the store

    report = reconcile(store, index, block=1)

    assert (report.added, report.deleted, report.dropped, report.rebuilt) == (8, 1, ["Ghost"], [])
    assert index.ids("Ada") == store.ids("Ada")
    assert index.agents() == ["Ada"]
    assert reconcile(store, index, block=1).clean


def _break_collection(monkeypatch, index, agent):
    """Make every call on the agent's current collection raise Chroma's InternalError."""
    from chromadb.api.models.Collection import Collection
    from chromadb.errors import InternalError

    broken_id = index._collection(agent).id

    for name in ("count", "query", "add", "upsert", "get"):
        original = getattr(Collection, name)

        def failing(self, *args, _original=original, **kwargs):
            if self.id == broken_id:
                raise InternalError("Failed to apply logs to the hnsw segment writer")
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Collection, name, failing)


def test_broken_collection_is_rebuilt_from_the_store(store, index, monkeypatch):
    records = make_records(store, "Ada", _specs(50))
    store.add_many(records)
    bob = make_records(store, "Bob", _specs(3, seed=1))
    store.add_many(bob)
    for group in (records, bob):
        index.upsert(group[0].agent, [r.id for r in group], np.stack([r.embedding for r in group]))
    _break_collection(monkeypatch, index, "Ada")

    report = reconcile(store, index, block=1)

    assert report.rebuilt == ["Ada"]
    assert index.count("Ada") == 50 and index.ids("Ada") == store.ids("Ada")
    assert index.query("Ada", records[17].embedding, 1) == [[records[17].id]]
    assert index.count("Bob") == 3


def test_corrupted_hnsw_files_on_disk_are_rebuilt(tmp_path):
    # More than Chroma's sync threshold (1000) so the HNSW segment is written to disk.
    store = MemoryStore(tmp_path / "memory.sqlite3")
    records = make_records(store, "Ada", _specs(1200))
    store.add_many(records)
    index = open_index(ChromaSettings(), tmp_path, "r")
    index.upsert("Ada", [r.id for r in records], np.stack([r.embedding for r in records]))
    index.close()
    headers = list((tmp_path / "chroma").glob("*/header.bin"))
    assert headers, "expected an HNSW segment on disk"
    for header in headers:
        header.write_bytes(np.random.default_rng(3).bytes(header.stat().st_size))

    index = open_index(ChromaSettings(), tmp_path, "r")
    report = reconcile(store, index, block=1)

    assert report.rebuilt == ["Ada"]
    assert index.count("Ada") == 1200
    assert index.query("Ada", records[700].embedding, 1) == [[records[700].id]]
    index.close()
    store.close()


def test_index_holds_each_agents_oldest_memories_in_whole_blocks(store, index):
    records = make_records(store, "Ada", _specs(20))
    store.add_many(records)
    index.upsert("Ada", [r.id for r in records], np.stack([r.embedding for r in records]))

    report = reconcile(store, index, block=8)

    assert (report.added, report.deleted) == (0, 4)  # the 4 newest are past the last block
    assert index.ids("Ada") == {r.id for r in records[:16]}
    index.delete("Ada", [r.id for r in records[5:16]])
    report = reconcile(store, index, block=8)
    assert (report.added, report.deleted) == (11, 0)
    assert index.ids("Ada") == {r.id for r in records[:16]}
    assert reconcile(store, index, block=8).clean


def test_rebuild_takes_whole_blocks_only(store, index, monkeypatch):
    records = make_records(store, "Ada", _specs(13))
    store.add_many(records)
    index.upsert("Ada", [r.id for r in records], np.stack([r.embedding for r in records]))
    _break_collection(monkeypatch, index, "Ada")

    report = reconcile(store, index, block=5)

    assert report.rebuilt == ["Ada"]
    assert index.ids("Ada") == {r.id for r in records[:10]}

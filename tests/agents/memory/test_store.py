import sqlite3
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from agents.memory.records import MemoryKind, MemoryRecord
from agents.memory.store import MemoryStore
from tests.agents.memory.conftest import T0, make_records, unit


def test_round_trip_keeps_every_field(store):
    first = store.reserve(2)
    vector = np.arange(1, 9, dtype=np.float32)
    original = MemoryRecord(
        id="Ada-x",
        seq=first,
        agent="Ada",
        kind=MemoryKind.REFLECTION,
        text="Ada thinks Bob is kind — really",
        created=T0,
        last_accessed=T0 + timedelta(minutes=5),
        importance=6,
        embedding=vector,
        evidence=("Ada-1", "Ada-2"),
    )
    aware = MemoryRecord(
        id="Ada-y",
        seq=first + 1,
        agent="Ada",
        kind="whisper",
        text="aware time",
        created=datetime(2023, 2, 13, 8, tzinfo=UTC),
        last_accessed=datetime(2023, 2, 13, 8, tzinfo=UTC),
        importance=1,
        embedding=vector,
    )
    store.add_many([original, aware])
    back, back_aware = store.get(["Ada-x", "Ada-y"])
    assert back == original
    assert back_aware == aware and back_aware.created.tzinfo is not None
    assert back.embedding.dtype == np.float32
    assert np.allclose(back.embedding, vector / np.linalg.norm(vector))
    assert store.count() == 2 and store.count("Ada") == 2 and store.count("Bob") == 0
    assert store.dim == 8


def test_get_keeps_the_requested_order_and_skips_unknown_ids(store):
    records = make_records(store, "a", [("one", 0, 1, unit(1)), ("two", 1, 1, unit(0, 1))])
    store.add_many(records)
    assert [r.text for r in store.get(["a-2", "nope", "a-1"])] == ["two", "one"]
    assert store.by_agent("a") == records
    assert store.recent("a", 1) == [records[1]]
    assert store.ids("a") == {"a-1", "a-2"}
    assert store.agents() == ["a"]


def test_add_many_is_all_or_nothing(store):
    good = make_records(store, "a", [("one", 0, 1, unit(1))])
    store.add_many(good)
    clash = make_records(store, "a", [("two", 1, 1, unit(1))])
    duplicate = MemoryRecord(**{**_fields(clash[0]), "id": "a-1", "seq": clash[0].seq})
    fresh = make_records(store, "a", [("three", 2, 1, unit(1))])
    with pytest.raises(sqlite3.IntegrityError):
        store.add_many([fresh[0], duplicate])
    assert store.count() == 1
    assert store.position() == 1


def test_add_many_rejects_unreserved_sequence_numbers_and_other_dimensions(store):
    store.add_many(make_records(store, "a", [("one", 0, 1, unit(1))]))
    unreserved = MemoryRecord(**{**_fields(store.get(["a-1"])[0]), "id": "a-99", "seq": 99})
    with pytest.raises(ValueError, match="not reserved"):
        store.add_many([unreserved])
    other_dim = make_records(store, "a", [("two", 0, 1, unit(1, dim=4))])
    with pytest.raises(ValueError, match="dimensions"):
        store.add_many(other_dim)


def test_position_counts_memories_and_touches(store):
    assert store.position() == 0
    store.add_many(make_records(store, "a", [("one", 0, 1, unit(1)), ("two", 1, 1, unit(1))]))
    assert store.position() == 2
    store.touch(["a-1"], T0 + timedelta(hours=3))
    assert store.position() == 3
    store.touch([], T0)
    assert store.position() == 3


def test_touch_moves_last_access_forward_only(store):
    store.add_many(make_records(store, "a", [("one", 0, 1, unit(1)), ("two", 5, 1, unit(1))]))
    store.touch(["a-1", "a-2", "unknown"], T0 + timedelta(hours=2))
    one, two = store.get(["a-1", "a-2"])
    assert one.last_accessed == T0 + timedelta(hours=2)
    assert two.last_accessed == T0 + timedelta(hours=5)  # never moved backwards
    assert one.created == T0


def test_truncate_after_deletes_later_memories_and_undoes_later_touches(store):
    store.add_many(make_records(store, "a", [("one", 0, 1, unit(1)), ("two", 1, 1, unit(1))]))
    store.touch(["a-1"], T0 + timedelta(hours=2))
    checkpoint = store.position()
    store.touch(["a-1", "a-2"], T0 + timedelta(hours=7))
    store.touch(["a-1"], T0 + timedelta(hours=9))
    store.add_many(make_records(store, "b", [("three", 3, 4, unit(1))]))
    assert store.position() == checkpoint + 3

    removed = store.truncate_after(checkpoint)

    assert removed == [("b", f"b-{checkpoint + 3}")]
    one, two = store.get(["a-1", "a-2"])
    assert one.last_accessed == T0 + timedelta(hours=2)
    assert two.last_accessed == T0 + timedelta(hours=1)
    assert store.count() == 2 and store.agents() == ["a"]
    assert store.position() == checkpoint
    assert store.reserve() == checkpoint + 1  # the same ids come back on a replay


def test_truncate_after_rejects_a_position_ahead_of_the_store(store):
    store.add_many(make_records(store, "a", [("one", 0, 1, unit(1))]))
    with pytest.raises(ValueError, match="lost writes"):
        store.truncate_after(5)


def _touched_run(store):
    """Memories touched over 12 hours; returns the positions of six 'checkpoints'."""
    store.add_many(make_records(store, "a", [(t, 0, 1, unit(1)) for t in "pqr"]))
    positions = []
    for hour in range(1, 13):
        store.touch(["a-1", "a-2"] if hour % 3 else ["a-3"], T0 + timedelta(hours=hour))
        store.touch(["a-1"], T0 + timedelta(hours=hour, minutes=30))
        if hour % 2 == 0:
            positions.append(store.position())
    return positions


def test_a_compacted_undo_log_rolls_back_to_every_kept_position_as_the_full_one(tmp_path):
    full, compact = MemoryStore(tmp_path / "full.db"), MemoryStore(tmp_path / "compact.db")
    positions = _touched_run(full)
    assert _touched_run(compact) == positions
    kept = [positions[1], positions[3], positions[4]]
    rows = compact._db.execute("SELECT count(*) FROM touch_undo").fetchone()[0]
    dropped = compact.compact_undo(kept)
    assert 0 < dropped < rows
    for position in reversed(kept):
        full.truncate_after(position)
        compact.truncate_after(position)
        ids = ["a-1", "a-2", "a-3"]
        assert [m.last_accessed for m in compact.get(ids)] == [
            m.last_accessed for m in full.get(ids)
        ]
    with pytest.raises(ValueError, match="forgotten"):
        compact.truncate_after(positions[0])
    full.close()
    compact.close()


def test_forgotten_undo_blocks_rollback_past_it(store):
    store.add_many(make_records(store, "a", [("one", 0, 1, unit(1))]))
    store.touch(["a-1"], T0 + timedelta(hours=1))
    store.touch(["a-1"], T0 + timedelta(hours=2))
    store.compact_undo([2])
    with pytest.raises(ValueError, match="forgotten"):
        store.truncate_after(1)
    store.truncate_after(2)
    assert store.get(["a-1"])[0].last_accessed == T0 + timedelta(hours=1)


def test_position_and_sequence_survive_reopening(tmp_path):
    path = tmp_path / "memory.sqlite3"
    first = MemoryStore(path)
    first.add_many(make_records(first, "a", [("one", 0, 1, unit(1)), ("two", 1, 1, unit(1))]))
    first.touch(["a-1"], T0 + timedelta(hours=4))
    first.close()
    again = MemoryStore(path)
    assert again.position() == 3
    assert again.reserve() == 4
    assert again.dim == 8
    again.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_candidates_union_recent_important_and_extra_ids(store):
    specs = [(f"m{i}", i, 1, unit(1.0, float(i))) for i in range(10)]
    specs[2] = ("important", 2, 10, unit(1.0, 2.0))
    store.add_many(make_records(store, "a", specs))
    store.add_many(make_records(store, "b", [("other agent", 0, 10, unit(1))]))
    rows = store.candidates("a", 2, extra_ids=["a-1", "a-10", "b-11"])
    texts = sorted(str(row[4]) for row in rows.rows)
    # most recent two (m9, m8), most important two (important, then the newest 1 = m9),
    # the extra a-1 (m0); the other agent's id is ignored.
    assert texts == ["important", "m0", "m8", "m9"]
    assert rows.embeddings.shape == (4, 8)
    assert sorted(rows.seqs.tolist()) == [1, 3, 9, 10]


def _fields(record: MemoryRecord) -> dict:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}

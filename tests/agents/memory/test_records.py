from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from agents.memory.records import MemoryKind, MemoryRecord, as_embedding, sim_micros
from tests.agents.memory.conftest import T0, unit


def test_sim_micros_orders_naive_and_aware_times_consistently():
    assert sim_micros(datetime(1970, 1, 1)) == 0
    assert sim_micros(T0 + timedelta(microseconds=7)) - sim_micros(T0) == 7
    plus_two = timezone(timedelta(hours=2))
    assert sim_micros(datetime(2023, 1, 1, 12, tzinfo=plus_two)) == sim_micros(
        datetime(2023, 1, 1, 10)
    )


def test_as_embedding_normalises_and_rejects_placeholders():
    vector = as_embedding([3.0, 4.0])
    assert vector.dtype == np.float32 and vector.tolist() == pytest.approx([0.6, 0.8])
    assert not vector.flags.writeable
    for bad in ([0.0, 0.0], [np.nan, 1.0], [], [[1.0]]):
        with pytest.raises(ValueError):
            as_embedding(bad)
    with pytest.raises(ValueError, match="expected 3"):
        as_embedding([1.0, 0.0], dim=3)


def test_record_validates_and_coerces_fields():
    fields = dict(
        id="a-1",
        seq=1,
        agent="a",
        kind="plan",
        text="t",
        created=T0,
        last_accessed=T0,
        importance=10,
        embedding=unit(1.0),
        evidence=["a-0"],
    )
    record = MemoryRecord(**fields)
    assert record.kind is MemoryKind.PLAN and record.evidence == ("a-0",) and record.dim == 8
    for change in ({"importance": 0}, {"importance": 11}, {"seq": 0}, {"kind": "dream"}):
        with pytest.raises(ValueError):
            MemoryRecord(**{**fields, **change})
    with pytest.raises(AttributeError):
        record.text = "changed"  # frozen

from datetime import timedelta

import pytest

from agents.memory.factory import open_memory
from agents.memory.index import ChromaSettings, ChromaUnreachable
from tests.agents.memory.conftest import T0
from tests.doubles.embedder import HashingEmbedder
from tests.servers import chroma_server as running_chroma


@pytest.fixture
def chroma_server(tmp_path):
    with running_chroma(tmp_path / "chroma-server") as port:
        yield port


@pytest.mark.slow
def test_memory_stream_over_a_chroma_server(tmp_path, chroma_server):
    settings = ChromaSettings(host="127.0.0.1", port=chroma_server)
    memory = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
    memory.add("Ada", "observation", "the bakery sells rye bread", T0, 3)
    memory.add("Ada", "observation", "a storm is coming tonight", T0, 3)
    memory.add("Bob", "observation", "Bob fixed the mill", T0, 4)
    memory.flush()
    assert memory.index.count("Ada") == 2 and memory.index.count("Bob") == 1
    ranked = memory.retrieve("Ada", "rye bread at the bakery", T0 + timedelta(hours=1), k=1)
    assert ranked[0].record.text == "the bakery sells rye bread"
    assert not (tmp_path / "run" / "chroma").exists()  # nothing embedded locally
    memory.close()

    # Reopening against the server finds the index in step; a lost vector is re-added.
    again = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
    assert again.index.ids("Ada") == {"Ada-1", "Ada-2"}
    again.index.delete("Ada", ["Ada-2"])
    again.close()
    third = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
    assert third.index.ids("Ada") == {"Ada-1", "Ada-2"}
    third.close()


@pytest.mark.slow
def test_a_lost_chroma_server_is_a_clear_error_and_the_store_keeps_everything(tmp_path):
    with running_chroma(tmp_path / "first") as port:
        settings = ChromaSettings(host="127.0.0.1", port=port)
        memory = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
        memory.add("Ada", "observation", "the bakery sells rye bread", T0, 3)
        memory.flush()
        assert memory.index.count("Ada") == 1
    memory.add("Ada", "observation", "a storm is coming tonight", T0, 3)
    memory.flush()  # committed to the store; the index write fails on the worker thread
    with pytest.raises(ChromaUnreachable, match="lost the Chroma server"):
        memory.retrieve("Ada", "storm", T0 + timedelta(hours=1))
    memory.close()  # does not raise: the store is closed either way

    # A new server (empty) gets the whole index back from the store at open.
    with running_chroma(tmp_path / "second") as port:
        settings = ChromaSettings(host="127.0.0.1", port=port)
        again = open_memory(tmp_path / "run", HashingEmbedder(), settings, index_block=1)
        assert again.count("Ada") == 2
        assert again.index.ids("Ada") == {"Ada-1", "Ada-2"}
        again.close()

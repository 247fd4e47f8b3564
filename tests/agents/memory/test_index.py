import re

import numpy as np
import pytest
from pydantic import ValidationError

from agents.memory.index import ChromaSettings, VectorIndex, collection_name, open_index
from tests.agents.memory.conftest import unit


@pytest.fixture
def index(tmp_path):
    vector_index = open_index(ChromaSettings(), tmp_path, "t")
    yield vector_index
    vector_index.close()


def test_collection_names_are_valid_unique_and_stable():
    agents = ["Ada Lovelace", "ada lovelace", "李小龙", "x", "A" * 300, "..weird--name.."]
    names = [collection_name("gt-0123456789", agent) for agent in agents]
    for name in names:
        assert 3 <= len(name) <= 63
        assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]", name)
        assert ".." not in name
    assert len(set(names)) == len(names)
    assert collection_name("gt-0123456789", "Ada Lovelace") == names[0]
    assert names[0].startswith("gt-0123456789-ada-lovelace-")


def test_settings_validate_location_and_namespace():
    assert ChromaSettings().host is None
    with pytest.raises(ValidationError):
        ChromaSettings(host="localhost", ephemeral=True)
    with pytest.raises(ValidationError):
        ChromaSettings(namespace="Bad Name")
    with pytest.raises(ValidationError):
        ChromaSettings(hosts="typo")


def test_upsert_query_count_ids_delete(index):
    ids = ["a-1", "a-2", "a-3"]
    vectors = np.stack([unit(1.0), unit(1.0, 0.5), unit(0.0, 1.0)])
    index.upsert("Ada", ids, vectors)
    assert index.count("Ada") == 3
    assert index.ids("Ada") == set(ids)
    assert index.query("Ada", unit(1.0, 0.1), 2) == [["a-1", "a-2"]]
    two = index.query("Ada", np.stack([unit(1.0), unit(0.0, 1.0)]), 1)
    assert two == [["a-1"], ["a-3"]]
    assert index.query("Ada", unit(1.0), 10)[0][-1] == "a-3"  # k above count is fine
    index.upsert("Ada", ["a-1"], unit(0.0, 1.0)[None, :])  # overwrite
    assert index.query("Ada", unit(1.0), 1) == [["a-2"]]
    assert index.count("Ada") == 3
    index.delete("Ada", ["a-2", "unknown"])
    assert index.ids("Ada") == {"a-1", "a-3"}


def test_collections_use_cosine_space_and_no_embedding_function(index, monkeypatch):
    from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

    def refuse(*args, **kwargs):
        raise AssertionError("Chroma's default embedding function must never run")

    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", refuse)
    index.upsert("Ada", ["a-1", "a-2"], np.stack([unit(1.0), unit(1.0, 1.0)]))
    index.query("Ada", unit(1.0), 2)
    collection = index._collection("Ada")
    assert collection.configuration["hnsw"]["space"] == "cosine"
    distances = collection.query(query_embeddings=[unit(1.0)], n_results=2, include=["distances"])
    assert distances["distances"][0] == pytest.approx([0.0, 1 - np.sqrt(0.5)], abs=1e-5)


def test_agents_are_listed_per_namespace_and_dropped(tmp_path, index):
    index.upsert("Ada", ["a-1"], unit(1.0)[None, :])
    index.upsert("Bob", ["b-1"], unit(1.0)[None, :])
    other = VectorIndex(index._client, "other")
    other.upsert("Cy", ["c-1"], unit(1.0)[None, :])
    assert index.agents() == ["Ada", "Bob"]
    assert other.agents() == ["Cy"]
    index.drop("Bob")
    index.drop("never-existed")
    assert index.agents() == ["Ada"]


def test_ids_pages_through_large_collections(tmp_path):
    index = open_index(ChromaSettings(), tmp_path, "p")
    index._batch = 7  # force paging
    vectors = np.random.default_rng(0).normal(size=(30, 8)).astype(np.float32)
    ids = [f"a-{i}" for i in range(30)]
    index.upsert("Ada", ids, vectors)
    assert index.ids("Ada") == set(ids)
    index.close()


def test_ephemeral_index_works(tmp_path):
    index = open_index(ChromaSettings(ephemeral=True), tmp_path, "eph-unique-1")
    index.upsert("Ada", ["a-1"], unit(1.0)[None, :])
    assert index.query("Ada", unit(1.0), 1) == [["a-1"]]
    index.drop("Ada")
    index.close()
    assert not (tmp_path / "chroma").exists()

import os

import numpy as np
import pytest

from agents.memory.embedder import Embedder, SentenceTransformerEmbedder
from tests.doubles.embedder import HashingEmbedder


def test_construction_is_lazy_and_needs_no_model():
    embedder = SentenceTransformerEmbedder()
    assert embedder.dim == 384  # known without loading the packaged model
    assert embedder._model is None
    assert isinstance(embedder, Embedder)
    with pytest.raises(ValueError):
        SentenceTransformerEmbedder(batch_size=0)
    with pytest.raises(TypeError):
        embedder.embed("a single string")


def test_hashing_double_is_deterministic_unit_and_word_based():
    double = HashingEmbedder(dim=32)
    a, b, c, empty = double.embed(["Bob bakes bread", "bread Bob bakes", "cold river", ""])
    assert np.allclose(a, b) and np.linalg.norm(a) == pytest.approx(1.0)
    assert float(a @ c) < 0.9 and np.linalg.norm(empty) == pytest.approx(1.0)
    assert isinstance(double, Embedder)


@pytest.mark.slow
def test_packaged_minilm_ranks_a_paraphrase_above_an_unrelated_sentence():
    embedder = SentenceTransformerEmbedder(batch_size=2)
    vectors = embedder.embed(
        [
            "Isabella is planning a Valentine's Day party at the cafe",
            "Isabella will host a party for Valentine's Day at Hobbs Cafe",
            "The tax office closes early on Fridays",
        ]
    )
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(np.ones(3), abs=1e-5)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.3
    assert embedder.embed([]).shape == (0, 384)

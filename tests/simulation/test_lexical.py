import pytest

from simulation.analysis.lexical import hdd, language_metrics, mattr, tokenize, yules_k
from tests.simulation.run_builder import RunBuilder

WORDS = [f"w{i}" for i in range(50)]


def test_tokens_are_lower_case_words_keeping_inner_apostrophes():
    assert tokenize("Don't STOP, it's fine! 'Quoted' — 42") == [
        "don't",
        "stop",
        "it's",
        "fine",
        "quoted",
        "42",
    ]


def test_mattr_by_hand():
    # windows of 2 over a a b a: [a a] 1/2, [a b] 2/2, [b a] 2/2 -> mean 2.5/3
    assert mattr(["a", "a", "b", "a"], window=2) == pytest.approx(2.5 / 3)
    # 60 tokens whose every 50-window holds 50 distinct words
    assert mattr(WORDS + WORDS[:10]) == pytest.approx(1.0)
    # x y x y ... : every 50-window holds 2 types -> 2/50
    assert mattr(["x", "y"] * 50) == pytest.approx(0.04)
    # at most one window's worth: the plain type-token ratio (the: twice)
    assert mattr(["the", "cat", "saw", "the", "dog"]) == pytest.approx(4 / 5)
    assert mattr([]) is None


def test_yules_k_by_hand():
    # a a b: V1 = 1 (b), V2 = 1 (a); sum i^2 Vi = 1 + 4 = 5; N = 3 -> 1e4 * 2 / 9
    assert yules_k(["a", "a", "b"]) == pytest.approx(20000 / 9)
    assert yules_k(["a", "b", "c", "d"]) == pytest.approx(0.0)  # all distinct
    assert yules_k(["a"] * 4) == pytest.approx(1e4 * (16 - 4) / 16)
    assert yules_k([]) is None


def test_hdd_by_hand():
    # a a b, samples of 2: P(b drawn) = 1 - C(2,2)/C(3,2) = 2/3, P(a drawn) = 1 -> (5/3) / 2
    assert hdd(["a", "a", "b"], sample=2) == pytest.approx(5 / 6)
    # 42 distinct tokens: every type is in the one possible 42-sample
    assert hdd(WORDS[:42]) == pytest.approx(1.0)
    # 42 types twice each (N = 84): P(absent) = C(82,42)/C(84,42) = (42*41)/(84*83) = 41/166
    assert hdd(WORDS[:42] * 2) == pytest.approx(125 / 166)
    assert hdd(WORDS[:41]) is None  # fewer tokens than the sample


def test_language_metrics_per_agent_over_utterances():
    built = RunBuilder(["Ana", "Ben"])
    built.say("Ana", ("Ben",), "Hello hello, Ben!", "c1").step()
    built.say("Ben", ("Ana",), "Hi.", "c1").say("Ana", ("Ben",), "Bye now", "c1").step()
    metrics = language_metrics(built.data())
    # Ana: hello hello ben bye now -> 5 tokens, 4 types
    assert metrics["Ana"]["tokens"] == 5 and metrics["Ana"]["types"] == 4
    assert metrics["Ana"]["mattr"] == pytest.approx(0.8)
    assert metrics["Ana"]["yules_k"] == pytest.approx(1e4 * (4 + 3 - 5) / 25)
    assert metrics["Ana"]["hdd"] is None
    assert metrics["Ben"]["tokens"] == 1

"""Lexical diversity of what agents say (MirrorBench's lexical metrics): MATTR, Yule's K, HD-D.

Definitions (see ``docs/trajectory.md``):

* MATTR: the mean, over every window of ``W`` consecutive tokens (``W = 50``), of the window's
  distinct/total token ratio; a text of at most ``W`` tokens gets its plain type–token ratio.
* Yule's K: ``10⁴ · (Σᵢ i²·Vᵢ − N) / N²``, ``Vᵢ`` the number of types occurring ``i`` times and
  ``N`` the number of tokens (lower means more diverse).
* HD-D: ``Σ_types P(type in a random sample of s tokens drawn without replacement) / s``
  (``s = 42``), the probability from the hypergeometric distribution; undefined below ``s``
  tokens.

Every function returns ``None`` where the measure is undefined (no tokens, too few for HD-D).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from simulation.events import EventKind
from simulation.run_reader import RunData

MATTR_WINDOW = 50
HDD_SAMPLE = 42
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; inner apostrophes stay (``don't``), punctuation goes."""
    return _TOKEN.findall(text.lower())


def mattr(tokens: Sequence[str], window: int = MATTR_WINDOW) -> float | None:
    """Moving-average type–token ratio over windows of ``window`` tokens."""
    n = len(tokens)
    if n == 0:
        return None
    if n <= window:
        return len(set(tokens)) / n
    counts = Counter(tokens[:window])
    total = len(counts)
    for i in range(window, n):
        out = tokens[i - window]
        counts[out] -= 1
        if counts[out] == 0:
            del counts[out]
        counts[tokens[i]] += 1
        total += len(counts)
    return total / ((n - window + 1) * window)


def yules_k(tokens: Sequence[str]) -> float | None:
    """Yule's characteristic K: ``10⁴ · (Σᵢ i²·Vᵢ − N) / N²``."""
    n = len(tokens)
    if n == 0:
        return None
    spectrum = Counter(Counter(tokens).values())  # i -> V_i
    return 1e4 * (sum(i * i * v for i, v in spectrum.items()) - n) / (n * n)


def hdd(tokens: Sequence[str], sample: int = HDD_SAMPLE) -> float | None:
    """HD-D: expected type–token ratio of a random ``sample``-token draw (hypergeometric)."""
    n = len(tokens)
    if n < sample or sample < 1:
        return None
    total = 0.0
    for frequency in Counter(tokens).values():
        absent = 1.0  # P(none of the type's tokens among the sample) = C(n-f, s) / C(n, s)
        for j in range(sample):
            if n - frequency - j <= 0:
                absent = 0.0
                break
            absent *= (n - frequency - j) / (n - j)
        total += 1.0 - absent
    return total / sample


def lexical_metrics(tokens: Sequence[str]) -> dict[str, Any]:
    """All three measures (rounded) and the token and type counts."""
    return {
        "tokens": len(tokens),
        "types": len(set(tokens)),
        "mattr": _round(mattr(tokens)),
        "yules_k": _round(yules_k(tokens)),
        "hdd": _round(hdd(tokens)),
    }


def language_metrics(run: RunData) -> dict[str, dict[str, Any]]:
    """Lexical metrics of each agent's utterances, in the order said."""
    tokens: dict[str, list[str]] = {a: [] for a in run.agents}
    for event in run.events_of(EventKind.UTTERANCE):
        if event.agents:
            tokens.setdefault(event.agents[0], []).extend(tokenize(event.text or ""))
    return {agent: lexical_metrics(words) for agent, words in tokens.items()}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

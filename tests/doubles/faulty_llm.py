"""A faulty LLM: a scripted backend that misbehaves on a seeded fraction of calls."""

from __future__ import annotations

import random

from agents.llm.backend import CompletionRequest
from agents.llm.errors import BackendError, FailureKind

FAULTS = (
    "invalid_json",
    "wrong_shape",
    "empty",
    "truncated",
    "exception",
    "timeout",
    "rate_limit",
)


class FaultyScript:
    """Wraps a good script; with probability ``rate`` a call gets one of :data:`FAULTS`."""

    def __init__(self, good, rate: float = 0.3, seed: int = 0) -> None:
        self.good = good
        self.rate = rate
        self.random = random.Random(seed)
        self.injected: dict[str, int] = dict.fromkeys(FAULTS, 0)

    def __call__(self, request: CompletionRequest):
        if self.random.random() >= self.rate:
            return self.good(request)
        fault = self.random.choice(FAULTS)
        self.injected[fault] += 1
        if fault == "invalid_json":
            return "{this is not: json,,"
        if fault == "wrong_shape":
            return '{"unexpected": [1, 2, 3]}'
        if fault == "empty":
            return ""
        if fault == "truncated":
            return self.good(request)[:15]
        if fault == "exception":
            return BackendError("500 the model crashed", kind=FailureKind.PROVIDER, transient=False)
        if fault == "timeout":
            return BackendError("no reply in time", kind=FailureKind.TIMEOUT, transient=True)
        return BackendError("429 slow down", kind=FailureKind.RATE_LIMIT, transient=True)

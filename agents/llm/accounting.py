"""Accounting of LLM use: calls, tokens, cost, latency, cache hits, retries and failures.

Totals are kept per agent and per cognitive step; every call is also kept as a
:class:`CallRecord` that the trajectory writer drains each tick.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel


class CallRecord(BaseModel):
    """One call of the gateway, as written to the trajectory."""

    agent: str | None
    step: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    latency_s: float
    cache_hit: bool
    retries: int
    failure: str | None = None
    cached_prompt_tokens: int = 0
    """Of ``prompt_tokens``, those the provider served from its prompt cache."""


@dataclass
class Usage:
    """Counters for one slice of LLM use (the run, an agent, or a step)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    cache_hits: int = 0
    retries: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    cached_prompt_tokens: int = 0

    @property
    def tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    @property
    def cached_prompt_share(self) -> float:
        """The share of prompt tokens served from the provider's prompt cache (0 if none)."""
        return self.cached_prompt_tokens / self.prompt_tokens if self.prompt_tokens else 0.0

    def add(self, record: CallRecord) -> None:
        """Adds one call to the counters."""
        self.calls += 1
        self.prompt_tokens += record.prompt_tokens
        self.completion_tokens += record.completion_tokens
        self.cost_usd += record.cost_usd
        self.latency_s += record.latency_s
        self.cache_hits += int(record.cache_hit)
        self.retries += record.retries
        self.cached_prompt_tokens += record.cached_prompt_tokens
        if record.failure:
            self.failures[record.failure] += 1

    def as_dict(self) -> dict[str, object]:
        """Returns the counters as plain JSON-ready values."""
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "tokens": self.tokens,
            "cost_usd": round(self.cost_usd, 6),
            "latency_s": round(self.latency_s, 3),
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "failures": dict(sorted(self.failures.items())),
            "cached_prompt_tokens": self.cached_prompt_tokens,
            "cached_prompt_share": round(self.cached_prompt_share, 4),
        }


class Ledger:
    """Thread-safe totals of LLM use for a run, by agent and by cognitive step."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = Usage()
        self.by_agent: dict[str, Usage] = {}
        self.by_step: dict[str, Usage] = {}
        self._pending: list[CallRecord] = []

    def record(self, record: CallRecord) -> None:
        """Adds a call to every total it belongs to."""
        with self._lock:
            self.total.add(record)
            self.by_step.setdefault(record.step, Usage()).add(record)
            if record.agent is not None:
                self.by_agent.setdefault(record.agent, Usage()).add(record)
            self._pending.append(record)

    def drain(self) -> list[CallRecord]:
        """Returns the calls recorded since the last drain, and forgets them."""
        with self._lock:
            records, self._pending = self._pending, []
        return records

    def summary(self) -> dict[str, object]:
        """Returns totals for the run summary: overall, per agent and per step."""
        with self._lock:
            return {
                "total": self.total.as_dict(),
                "by_agent": {k: v.as_dict() for k, v in sorted(self.by_agent.items())},
                "by_step": {k: v.as_dict() for k, v in sorted(self.by_step.items())},
            }

    def get_state(self) -> dict[str, object]:
        """Returns the totals for a checkpoint."""
        return self.summary()

    def set_state(self, state: dict[str, object]) -> None:
        """Restores totals from a checkpoint made by :meth:`get_state`."""
        with self._lock:
            self.total = _usage_from(state["total"])  # type: ignore[arg-type]
            self.by_agent = {k: _usage_from(v) for k, v in state["by_agent"].items()}  # type: ignore[union-attr]
            self.by_step = {k: _usage_from(v) for k, v in state["by_step"].items()}  # type: ignore[union-attr]
            self._pending = []


def _usage_from(data: dict[str, object]) -> Usage:
    return Usage(
        calls=int(data["calls"]),  # type: ignore[arg-type]
        prompt_tokens=int(data["prompt_tokens"]),  # type: ignore[arg-type]
        completion_tokens=int(data["completion_tokens"]),  # type: ignore[arg-type]
        cost_usd=float(data["cost_usd"]),  # type: ignore[arg-type]
        latency_s=float(data["latency_s"]),  # type: ignore[arg-type]
        cache_hits=int(data["cache_hits"]),  # type: ignore[arg-type]
        retries=int(data["retries"]),  # type: ignore[arg-type]
        failures=Counter(data["failures"]),  # type: ignore[arg-type]
        cached_prompt_tokens=int(data.get("cached_prompt_tokens", 0)),  # type: ignore[arg-type]
    )

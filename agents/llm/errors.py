"""Typed errors of the LLM boundary.

Every failure of an LLM call surfaces as one of these, so callers can choose a fallback and
record it. Messages never contain secrets: they pass through :func:`agents.llm.secrets.redact`
before an error is raised.
"""

from __future__ import annotations

from enum import StrEnum


class FailureKind(StrEnum):
    """Why an LLM call failed; used as the key of failure counters."""

    INVALID_OUTPUT = "invalid_output"
    RATE_LIMIT = "rate_limit"
    TIMEOUT = "timeout"
    PROVIDER = "provider_error"
    BUDGET = "budget"


class LLMError(Exception):
    """Base class of every error raised by the LLM gateway.

    Attributes:
        kind: The failure category, used for accounting.
        step: The cognitive step that made the call (e.g. ``"plan_day"``).
    """

    kind: FailureKind = FailureKind.PROVIDER

    def __init__(self, message: str, *, step: str = "") -> None:
        super().__init__(message)
        self.step = step


class LLMOutputError(LLMError):
    """The model's reply did not validate against the output type after all retries."""

    kind = FailureKind.INVALID_OUTPUT


class LLMProviderError(LLMError):
    """The provider failed permanently, or transiently more often than the retry bound."""

    kind = FailureKind.PROVIDER

    def __init__(self, message: str, *, step: str = "", kind: FailureKind | None = None) -> None:
        super().__init__(message, step=step)
        if kind is not None:
            self.kind = kind


class LLMBudgetExceeded(LLMError):
    """The run's token or cost budget is spent; the run should stop cleanly."""

    kind = FailureKind.BUDGET


class LLMSetupError(Exception):
    """No call to this model can succeed: an unknown model or provider, or refused credentials.

    It is not an :class:`LLMError`, so no step falls back on it: the run stops at the first call
    and the command line prints the message (exit code 2).
    """

    kind: FailureKind = FailureKind.PROVIDER


class BackendError(Exception):
    """Raised by a completion backend; ``transient`` errors are retried with backoff.

    Attributes:
        kind: The failure category.
        transient: Whether a retry may succeed (rate limits, timeouts, 5xx).
        permanent: Whether every call will fail the same way (the model or the credentials
            are wrong), so the run must stop.
    """

    def __init__(
        self, message: str, *, kind: FailureKind, transient: bool, permanent: bool = False
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.transient = transient
        self.permanent = permanent

"""The completion backend interface: one request in, one reply out.

The gateway holds the logic (templates, validation, retries, cache, accounting); a backend only
sends a request. :class:`agents.llm.litellm_backend.LiteLLMBackend` is the real one; tests use
scripted doubles with the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class CompletionRequest:
    """Everything a backend needs to ask a model for one reply."""

    model: str
    messages: list[dict[str, str]]
    temperature: float
    max_tokens: int
    timeout_s: float
    seed: int | None = None
    response_format: dict[str, Any] | None = None
    api_base: str | None = None
    api_key_env: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Completion:
    """A backend's reply: the text and what it cost.

    ``cached_prompt_tokens`` counts the prompt tokens the provider served from its prompt
    cache (llama.cpp's ``cache_n``, OpenAI's ``prompt_tokens_details.cached_tokens``); they
    are part of ``prompt_tokens``.
    """

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cached_prompt_tokens: int = 0


class CompletionBackend(Protocol):
    """Sends completion requests to a model."""

    async def complete(self, request: CompletionRequest) -> Completion:
        """Returns the model's reply.

        Raises:
            agents.llm.errors.BackendError: On any failure, marked transient or not.
        """
        ...

    def supports_json_schema(self, model: str) -> bool:
        """Whether the backend enforces a JSON schema given as ``response_format``."""
        ...

"""The real completion backend: every LLM call of gentown goes through litellm.

It maps litellm's exception types onto :class:`~agents.llm.errors.BackendError` (transient
for rate limits, timeouts and 5xx; permanent for an unknown model or provider and refused
credentials) and registers the bundled local runtime as litellm's ``local/`` provider.
:func:`import_litellm` is the one place litellm is imported and configured.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, Any

from agents.llm.backend import Completion, CompletionRequest
from agents.llm.errors import BackendError, FailureKind

if TYPE_CHECKING:
    from agents.llm.local_provider import LocalRuntime

logger = logging.getLogger(__name__)


def import_litellm() -> Any:
    """Imports litellm configured for offline, quiet use.

    Sets ``LITELLM_LOCAL_MODEL_COST_MAP`` before the import (else litellm retries a download of
    its price list) and turns off the debug banner it prints on every exception.
    """
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    return litellm


# litellm raises a BadRequestError with this text for a model whose provider it does not know.
UNKNOWN_PROVIDER = "LLM Provider NOT provided"


class LiteLLMBackend:
    """Sends requests through ``litellm.acompletion``.

    Args:
        local_runtime: The bundled local model runtime, used for ``local/`` models. Built at the
            composition root; ``None`` when the run uses a remote provider only.
        mock_response: Passed to litellm as ``mock_response`` (for benchmarks of the overhead).
    """

    def __init__(
        self, local_runtime: LocalRuntime | None = None, mock_response: str | None = None
    ) -> None:
        self._litellm = import_litellm()
        self._local_runtime = local_runtime
        self._local_registered = False
        self._mock_response = mock_response

    def supports_json_schema(self, model: str) -> bool:
        """Whether litellm passes a JSON schema through to this model's provider."""
        if model.startswith("local/"):
            return True
        try:
            return bool(self._litellm.supports_response_schema(model=model))
        except Exception:  # an unmapped model: extract JSON from the text instead
            return False

    def _ensure_local(self, model: str) -> None:
        if not model.startswith("local/") or self._local_registered:
            return
        if self._local_runtime is None:
            raise BackendError(
                f"model {model!r} needs the bundled local runtime, but none was configured",
                kind=FailureKind.PROVIDER,
                transient=False,
                permanent=True,
            )
        from agents.llm.local_provider import register_local_provider

        register_local_provider(self._local_runtime)
        self._local_registered = True

    async def complete(self, request: CompletionRequest) -> Completion:
        """Sends one request; see :class:`~agents.llm.backend.CompletionBackend`."""
        self._ensure_local(request.model)
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": request.messages,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "timeout": request.timeout_s,
            "drop_params": True,
            "num_retries": 0,
        }
        if request.seed is not None:
            kwargs["seed"] = request.seed
        if request.response_format is not None:
            kwargs["response_format"] = request.response_format
        if request.api_base:
            kwargs["api_base"] = request.api_base
        if request.api_key_env:
            kwargs["api_key"] = os.environ.get(request.api_key_env)
        if self._mock_response is not None:
            kwargs["mock_response"] = self._mock_response
        # The bundled runtime enforces its timeout itself, as a stall timeout (no token for
        # timeout_s seconds): a long reply still being written must not be cut off here.
        overall = None if request.model.startswith("local/") else request.timeout_s
        try:
            response = await asyncio.wait_for(self._litellm.acompletion(**kwargs), timeout=overall)
        except TimeoutError as exc:
            raise BackendError(
                f"no reply within {request.timeout_s:g} s", kind=FailureKind.TIMEOUT, transient=True
            ) from exc
        except Exception as exc:
            raise self._map_error(exc) from exc
        return self._completion(response)

    def _completion(self, response: Any) -> Completion:
        text = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        cost = 0.0
        if self._mock_response is None:
            try:
                cost = float(self._litellm.completion_cost(completion_response=response) or 0.0)
            except Exception:  # the model has no price in litellm's map: local or self-hosted
                cost = 0.0
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", None) if details is not None else None
        if cached is None and isinstance(details, dict):
            cached = details.get("cached_tokens")
        return Completion(
            text=text,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            cost_usd=cost,
            cached_prompt_tokens=int(cached or 0),
        )

    def _map_error(self, exc: Exception) -> BackendError:
        lt = self._litellm
        message = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, lt.RateLimitError):
            return BackendError(message, kind=FailureKind.RATE_LIMIT, transient=True)
        if isinstance(exc, lt.Timeout):
            return BackendError(message, kind=FailureKind.TIMEOUT, transient=True)
        transient_types = (
            lt.ServiceUnavailableError,
            lt.InternalServerError,
            lt.BadGatewayError,
            lt.APIConnectionError,
        )
        if isinstance(exc, transient_types):
            return BackendError(message, kind=FailureKind.PROVIDER, transient=True)
        permanent = isinstance(
            exc, lt.AuthenticationError | lt.PermissionDeniedError | lt.NotFoundError
        ) or (isinstance(exc, lt.BadRequestError) and UNKNOWN_PROVIDER in str(exc))
        return BackendError(
            message, kind=FailureKind.PROVIDER, transient=False, permanent=permanent
        )

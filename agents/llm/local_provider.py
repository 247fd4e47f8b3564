"""The bundled local LLM runtime (llama.cpp through xllamacpp), served to litellm as ``local/``.

:class:`LocalRuntime` owns one in-process llama.cpp server per model file, started on first use,
each with ``n_parallel`` slots decoding concurrently (continuous batching, prompt-prefix cache).
:func:`register_local_provider` installs a ``litellm.CustomLLM`` so that
``litellm.acompletion(model="local/<name or .gguf path>", ...)`` reaches it. Generation runs in
worker threads; a cancelled or timed-out call stops its slot at the next token.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from agents.llm.local_models import (
    BUNDLED_MODELS,
    LocalModelError,
    LocalModelSpec,
    resolve_model_file,
)

logger = logging.getLogger(__name__)

PROVIDER = "local"
_PASSED_PARAMS = (
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "stop",
    "presence_penalty",
    "frequency_penalty",
)


class LocalRequestError(LocalModelError):
    """The runtime refused or failed one request (e.g. the prompt exceeds the context).

    Attributes:
        status_code: The HTTP-like status the server gave (400 for bad requests).
        error_type: The server's error type, e.g. ``"exceed_context_size_error"``.
    """

    def __init__(self, message: str, *, status_code: int = 400, error_type: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_type = error_type


class LocalTimeoutError(LocalModelError):
    """A request did not finish within its timeout; its generation was stopped."""


@dataclass(frozen=True)
class LocalReply:
    """The outcome of one chat completion."""

    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int


class LocalRuntime:
    """Owns the llama.cpp servers, one per model file, started lazily; thread-safe.

    Args:
        cache_dir: Where bundled models are joined and verification stamps kept.
        n_parallel: Slots per server, i.e. requests decoded concurrently.
        n_ctx: Context window of each request (each slot gets this many tokens).
        threads: CPU threads for decoding; None lets llama.cpp use the physical cores.
        seed: Sampling seed for requests that carry none.
        models: The known model names (tests may inject their own).
    """

    def __init__(
        self,
        cache_dir: Path,
        n_parallel: int = 4,
        n_ctx: int = 8192,
        threads: int | None = None,
        seed: int = 0,
        models: Mapping[str, LocalModelSpec] = BUNDLED_MODELS,
    ) -> None:
        if n_parallel < 1 or n_ctx < 64:
            raise ValueError("n_parallel must be >= 1 and n_ctx >= 64")
        self.cache_dir = Path(cache_dir)
        self.n_parallel = n_parallel
        self.n_ctx = n_ctx
        self.threads = threads
        self.seed = seed
        self._models = models
        self._lock = threading.Lock()
        self._servers: dict[Path, Any] = {}
        self._files: dict[str, Path] = {}
        self._in_flight: set[threading.Event] = set()
        self._closed = False
        self._executor = ThreadPoolExecutor(2 * n_parallel, thread_name_prefix="gentown-local-llm")

    def __enter__(self) -> LocalRuntime:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def ensure_loaded(self, model: str) -> Path:
        """Resolves a model and starts its server now, so that errors surface early.

        Args:
            model: A bundled model name or a ``.gguf`` path, with or without ``local/``.

        Returns:
            The model file the server loaded.

        Raises:
            LocalModelError: The model cannot be found, verified or loaded.
        """
        return self._server(model)[0]

    def chat(
        self,
        model: str,
        request: Mapping[str, Any],
        cancel: threading.Event | None = None,
        timeout_s: float | None = None,
    ) -> LocalReply:
        """Runs one chat completion, blocking the calling thread.

        Args:
            model: A bundled model name or a ``.gguf`` path, with or without ``local/``.
            request: An OpenAI-style chat request body (``messages``, ``max_tokens``,
                ``temperature``, ``seed``, ``stop``, ``response_format``, ...).
            cancel: Set it to stop the generation at the next token.
            timeout_s: Stop the generation after this many seconds.

        Returns:
            The reply text, finish reason and token usage.

        Raises:
            LocalModelError: The model cannot be loaded, or the runtime is closed.
            LocalRequestError: The server rejected the request.
            LocalTimeoutError: The timeout passed (or ``cancel`` was set).
        """
        _, server = self._server(model)
        body = {"seed": self.seed, **request, "stream": True}
        body["stream_options"] = {"include_usage": True}
        body.setdefault("cache_prompt", True)
        cancel = cancel or threading.Event()
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        collected = _Collector(cancel, deadline)
        with self._lock:
            self._in_flight.add(cancel)
        try:
            server.handle_chat_completions(body, collected)
        except ValueError as exc:  # schema or template errors surface as ValueError
            raise LocalRequestError(f"local model {model}: {exc}") from exc
        finally:
            with self._lock:
                self._in_flight.discard(cancel)
        return collected.reply(model)

    async def achat(
        self, model: str, request: Mapping[str, Any], timeout_s: float | None = None
    ) -> LocalReply:
        """Runs :meth:`chat` in a worker thread; cancelling the awaiting task stops generation."""
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        call = partial(self.chat, model, request, cancel, timeout_s)
        try:
            return await loop.run_in_executor(self._executor, call)
        except asyncio.CancelledError:
            cancel.set()
            raise

    def close(self) -> None:
        """Stops all generations and servers; later calls raise :class:`LocalModelError`."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for event in self._in_flight:
                event.set()
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            servers = list(self._servers.values())
            self._servers.clear()
        del servers  # the last reference: xllamacpp stops a server when it is deallocated

    def _server(self, model: str) -> tuple[Path, Any]:
        name = model.removeprefix(f"{PROVIDER}/")
        with self._lock:
            if self._closed:
                raise LocalModelError("the local model runtime is closed")
            path = self._files.get(name)
            if path is None:
                path = resolve_model_file(name, self.cache_dir, self._models)
                self._files[name] = path
            server = self._servers.get(path)
            if server is None:
                server = self._start(path)
                self._servers[path] = server
            return path, server

    def _start(self, path: Path) -> Any:
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_parallel = self.n_parallel
        params.n_ctx = self.n_ctx * self.n_parallel  # llama.cpp splits n_ctx across the slots
        params.verbosity = -1
        params.warmup = False
        params.cache_prompt = True
        params.sampling.seed = self.seed
        params.api_keys = [secrets.token_urlsafe(24)]  # lock the HTTP listener we do not use
        if self.threads is not None:
            params.cpuparams.n_threads = self.threads
            params.cpuparams_batch.n_threads = self.threads
        started = time.perf_counter()
        try:
            server = xllamacpp.Server(params)
        except RuntimeError as exc:
            raise LocalModelError(
                f"llama.cpp could not load {path} ({exc}); check that it is a chat model GGUF "
                "that this llama.cpp build supports."
            ) from exc
        logger.info("started local model %s in %.1f s", path.name, time.perf_counter() - started)
        return server


class _Collector:
    """The streaming callback: gathers the reply and stops on cancel or deadline."""

    def __init__(self, cancel: threading.Event, deadline: float | None) -> None:
        self.cancel = cancel
        self.deadline = deadline
        self.parts: list[str] = []
        self.finish_reason = ""
        self.usage: dict[str, int] = {}
        self.error: dict[str, Any] | None = None
        self.timed_out = False

    def __call__(self, chunk: Any) -> bool:
        if not isinstance(chunk, dict):
            self.error = {"message": str(chunk)}
            return True
        if "error" in chunk or chunk.get("code"):
            error = chunk.get("error", chunk)
            self.error = error if isinstance(error, dict) else {"message": str(error)}
            return True
        for choice in chunk.get("choices") or ():
            content = (choice.get("delta") or {}).get("content")
            if content:
                self.parts.append(content)
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True
        return self.timed_out or self.cancel.is_set()

    def reply(self, model: str) -> LocalReply:
        if self.error is not None:
            raise LocalRequestError(
                f"local model {model}: {self.error.get('message', self.error)}",
                status_code=int(self.error.get("code") or 500),
                error_type=str(self.error.get("type", "")),
            )
        if self.timed_out or (self.cancel.is_set() and not self.finish_reason):
            raise LocalTimeoutError(f"local model {model}: generation stopped before it finished")
        text = "".join(self.parts)
        completion_tokens = int(self.usage.get("completion_tokens", 0))
        return LocalReply(
            text=text,
            finish_reason=self.finish_reason or "stop",
            prompt_tokens=int(self.usage.get("prompt_tokens", 0)),
            completion_tokens=completion_tokens,
        )


def build_request(messages: list[Any], optional_params: Mapping[str, Any]) -> dict[str, Any]:
    """Builds the runtime's request body from litellm's messages and optional params.

    ``response_format`` is passed through so that llama.cpp's grammar enforces the schema; a bare
    ``{"type": "json_object"}`` gets the schema ``{"type": "object"}``, which llama.cpp needs to
    constrain the output to JSON at all.
    """
    body: dict[str, Any] = {"messages": [dict(m) for m in messages]}
    for key in _PASSED_PARAMS:
        if optional_params.get(key) is not None:
            body[key] = optional_params[key]
    if "max_tokens" not in body and optional_params.get("max_completion_tokens") is not None:
        body["max_tokens"] = optional_params["max_completion_tokens"]
    response_format = optional_params.get("response_format")
    if isinstance(response_format, Mapping):
        kind = response_format.get("type")
        if kind == "json_object" and "schema" not in response_format:
            body["response_format"] = {"type": "json_object", "schema": {"type": "object"}}
        elif kind in ("json_object", "json_schema"):
            body["response_format"] = dict(response_format)
    return body


@cache
def _handler_class() -> type:
    """Defines the litellm handler class on first use, so importing this module stays cheap."""
    import litellm
    from litellm.llms.custom_llm import CustomLLM, CustomLLMError
    from litellm.types.utils import Usage

    def to_litellm_error(exc: LocalModelError, model: str) -> Exception:
        if isinstance(exc, LocalTimeoutError):
            return litellm.Timeout(message=str(exc), model=model, llm_provider=PROVIDER)
        if isinstance(exc, LocalRequestError) and exc.error_type == "exceed_context_size_error":
            return litellm.ContextWindowExceededError(
                message=str(exc), model=model, llm_provider=PROVIDER
            )
        status = exc.status_code if isinstance(exc, LocalRequestError) else 400
        return CustomLLMError(status_code=status, message=str(exc))

    def seconds(timeout: object) -> float | None:
        return float(timeout) if isinstance(timeout, int | float) and timeout > 0 else None

    def fill(model_response: Any, model: str, reply: LocalReply) -> Any:
        model_response.choices[0].message.content = reply.text
        model_response.choices[0].finish_reason = reply.finish_reason
        model_response.model = f"{PROVIDER}/{model}"
        total = reply.prompt_tokens + reply.completion_tokens
        usage = Usage(
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            total_tokens=total,
        )
        model_response.usage = usage
        return model_response

    class LocalCompletionHandler(CustomLLM):
        """litellm's ``local/`` provider: chat completions on a :class:`LocalRuntime`."""

        def __init__(self, runtime: LocalRuntime) -> None:
            super().__init__()
            self.runtime = runtime

        def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Any:
            """Runs one request in the calling thread."""
            body = build_request(messages, kwargs.get("optional_params") or {})
            try:
                reply = self.runtime.chat(model, body, timeout_s=seconds(kwargs.get("timeout")))
            except LocalModelError as exc:
                raise to_litellm_error(exc, model) from exc
            return fill(kwargs["model_response"], model, reply)

        async def acompletion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Any:
            """Runs one request in a runtime worker thread; cancellation stops it."""
            body = build_request(messages, kwargs.get("optional_params") or {})
            timeout_s = seconds(kwargs.get("timeout"))
            try:
                reply = await self.runtime.achat(model, body, timeout_s=timeout_s)
            except LocalModelError as exc:
                raise to_litellm_error(exc, model) from exc
            return fill(kwargs["model_response"], model, reply)

    return LocalCompletionHandler


def make_handler(runtime: LocalRuntime) -> Any:
    """Returns a ``litellm.CustomLLM`` serving ``local/`` models from ``runtime``."""
    return _handler_class()(runtime)


def register_local_provider(runtime: LocalRuntime) -> None:
    """Installs the ``local/`` provider into ``litellm.custom_provider_map``.

    Idempotent: a previous ``local`` entry is replaced, other providers are kept.

    Args:
        runtime: The runtime that serves the requests.
    """
    import os

    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    current = getattr(litellm, "custom_provider_map", None) or []
    kept = [entry for entry in current if entry.get("provider") != PROVIDER]
    litellm.custom_provider_map = [
        *kept,
        {"provider": PROVIDER, "custom_handler": make_handler(runtime)},
    ]

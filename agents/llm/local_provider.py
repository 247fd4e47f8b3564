"""The bundled local LLM runtime (llama.cpp through xllamacpp), served to litellm as ``local/``.

:class:`LocalRuntime` owns one in-process llama.cpp server per model file, started on first use,
each with ``n_parallel`` slots decoding concurrently (continuous batching, prompt-prefix cache).
:func:`register_local_provider` installs a ``litellm.CustomLLM`` so that
``litellm.acompletion(model="local/<name or .gguf path>", ...)`` reaches it. Generation runs in
worker threads; a cancelled or stalled call stops its slot at the next token.

A request with a JSON schema is sent as a compact grammar (:mod:`agents.llm.grammar`): no
whitespace between JSON tokens, so every generated token carries content. A request's timeout
is a stall timeout: the deadline moves forward with every token that arrives, so a long reply
that is still being written never times out, and a runtime that stops producing does.
The runtime's ``timings`` (prompt tokens served from its prompt cache, generation speed) come
back with each reply.

Requests are not pinned to slots (llama.cpp's ``id_slot``): with ``cache_prompt`` on, llama.cpp
gives a request the idle slot whose cached prompt shares the most with it, and keeps other
slots' prompts in host memory, so each person's stable prefix stays warm by itself. Measured on
SmolLM2 (4 slots, a 600-token persona prefix, 5 rounds of concurrent calls): 74% of prompt
tokens from the cache for 4 and for 5 people unpinned; pinned by person, 74% for 4 and 63% for
5.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from agents.llm.grammar import GrammarUnavailable, compact_grammar
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


_ASSUMED_PROMPT_RATE = 10.0
"""Prompt tokens per second assumed before any is measured: slow, so a first call has time."""


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
    """A request made no progress within its timeout; its generation was stopped."""


@dataclass(frozen=True)
class LocalReply:
    """The outcome of one chat completion.

    Attributes:
        text: The reply.
        finish_reason: ``"stop"`` or ``"length"``.
        prompt_tokens: The prompt's tokens, cached ones included.
        completion_tokens: The generated tokens.
        cached_prompt_tokens: The prompt tokens served from the slot's prompt cache (not
            evaluated again).
        timings: llama.cpp's timings of the request (``prompt_n``, ``cache_n``, ``prompt_ms``,
            ``predicted_n``, ``predicted_ms``...), empty if the runtime gave none.
    """

    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int = 0
    timings: Mapping[str, float] = field(default_factory=dict)


class StallDeadline:
    """A deadline that moves forward by ``timeout_s`` whenever progress is seen.

    A request times out when nothing has arrived for ``timeout_s`` seconds between two tokens,
    or before the first token for ``timeout_s`` plus the time its prompt may take to evaluate
    (``first_extra_s``). A long reply does not.

    Args:
        timeout_s: The longest wait for progress, or None for no deadline.
        clock: The monotonic clock (injectable for tests).
        first_extra_s: Extra time allowed before the first token.
    """

    def __init__(
        self,
        timeout_s: float | None,
        clock: Callable[[], float] = time.monotonic,
        first_extra_s: float = 0.0,
    ) -> None:
        self.timeout_s = timeout_s
        self._clock = clock
        self.at: float | None = None
        self.first_extra_s = 0.0
        self.start(first_extra_s)

    def start(self, first_extra_s: float = 0.0) -> None:
        """The request starts: the first token is due within ``timeout_s + first_extra_s``."""
        self.first_extra_s = max(0.0, first_extra_s)
        if self.timeout_s is not None:
            self.at = self._clock() + self.timeout_s + self.first_extra_s

    def wait_on(self) -> None:
        """Others progress while this request waits for its first token: its wait starts anew."""
        if self.timeout_s is not None and self.at is not None:
            self.at = max(self.at, self._clock() + self.timeout_s + self.first_extra_s)

    def touch(self) -> None:
        """Progress was seen: the deadline moves to ``timeout_s`` from now."""
        if self.timeout_s is not None:
            self.at = self._clock() + self.timeout_s

    def passed(self) -> bool:
        """Whether the deadline has passed without progress."""
        return self.at is not None and self._clock() > self.at

    def remaining(self) -> float | None:
        """Seconds until the deadline (None without one; 0 once it passed)."""
        return None if self.at is None else max(0.0, self.at - self._clock())


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
        self._in_flight: dict[threading.Event, StallDeadline | None] = {}
        self._prompt_rate: float | None = None  # measured prompt tokens per second
        self._generation_rate: float | None = None  # measured generated tokens per second
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
        deadline: StallDeadline | None = None,
    ) -> LocalReply:
        """Runs one chat completion, blocking the calling thread.

        Args:
            model: A bundled model name or a ``.gguf`` path, with or without ``local/``.
            request: An OpenAI-style chat request body (``messages``, ``max_tokens``,
                ``temperature``, ``seed``, ``stop``, ``grammar``, ``response_format``, ...).
            cancel: Set it to stop the generation at the next token.
            timeout_s: Stop the generation when no token has arrived for this many seconds
                (before the first token or between two); a reply still arriving goes on.
            deadline: A stall deadline to use instead of ``timeout_s`` (shared with a watcher).

        Returns:
            The reply text, finish reason, token usage and the runtime's timings.

        Raises:
            LocalModelError: The model cannot be loaded, or the runtime is closed.
            LocalRequestError: The server rejected the request.
            LocalTimeoutError: The generation stalled past the timeout (or ``cancel`` was set).
        """
        _, server = self._server(model)
        body = {"seed": self.seed, **request, "stream": True}
        body["stream_options"] = {"include_usage": True}
        body.setdefault("cache_prompt", True)
        cancel = cancel or threading.Event()
        with self._lock:
            extra = self.prompt_allowance(body.get("messages") or (), len(self._in_flight) + 1)
            if deadline is None:
                deadline = StallDeadline(timeout_s, first_extra_s=extra)
            else:
                deadline.start(extra)
            self._in_flight[cancel] = deadline
        collected = _Collector(cancel, deadline, self._first_token, self._progress)
        try:
            server.handle_chat_completions(body, collected)
        except ValueError as exc:  # schema or template errors surface as ValueError
            raise LocalRequestError(f"local model {model}: {exc}") from exc
        finally:
            with self._lock:
                self._in_flight.pop(cancel, None)
        reply = collected.reply(model)
        self._learn_rates(reply.timings)
        return reply

    def _first_token(self, cancel: threading.Event) -> None:
        """A request got its first token: it no longer waits (see :meth:`_progress`)."""
        with self._lock:
            if cancel in self._in_flight:
                self._in_flight[cancel] = None

    def _progress(self) -> None:
        """The runtime produced a token: requests still waiting for their first are not stalled.

        They wait for a free slot or for their prompt to be evaluated alongside the others;
        only a runtime that produces nothing at all stalls them.
        """
        with self._lock:
            for deadline in self._in_flight.values():
                if deadline is not None:
                    deadline.wait_on()

    def prompt_allowance(self, messages: Any, in_flight: int = 1) -> float:
        """Seconds a prompt may take to evaluate before its first token, on this machine.

        The prompt's tokens are estimated from its characters (3 a token, on the long side),
        evaluated at the prompt rate measured from earlier replies (10 tokens/s until one is
        measured, slow for any machine), shared with the requests in flight.
        """
        chars = sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, Mapping))
        rate = self._prompt_rate or _ASSUMED_PROMPT_RATE
        return chars / 3 / rate * max(1, in_flight)

    def rates(self) -> dict[str, float | None]:
        """The measured prompt and generation rates (tokens per second), None until measured."""
        return {"prompt": self._prompt_rate, "generation": self._generation_rate}

    def _learn_rates(self, timings: Mapping[str, float]) -> None:
        """Folds a reply's timings into the measured rates (a moving average)."""
        for count, ms, attr in (
            ("prompt_n", "prompt_ms", "_prompt_rate"),
            ("predicted_n", "predicted_ms", "_generation_rate"),
        ):
            n, elapsed = timings.get(count) or 0, timings.get(ms) or 0
            if n >= 8 and elapsed > 0:
                rate = n * 1000.0 / elapsed
                with self._lock:
                    old = getattr(self, attr)
                    setattr(self, attr, rate if old is None else 0.7 * old + 0.3 * rate)

    async def achat(
        self, model: str, request: Mapping[str, Any], timeout_s: float | None = None
    ) -> LocalReply:
        """Runs :meth:`chat` in a worker thread; cancelling the awaiting task stops generation.

        The stall deadline is also watched from here, so a runtime that sends nothing at all
        (no chunk to check the deadline on) still times out.
        """
        cancel = threading.Event()
        with self._lock:
            extra = self.prompt_allowance(request.get("messages") or (), len(self._in_flight) + 1)
        deadline = StallDeadline(timeout_s, first_extra_s=extra)
        loop = asyncio.get_running_loop()
        call = partial(self.chat, model, request, cancel, deadline=deadline)
        future = loop.run_in_executor(self._executor, call)
        try:
            while True:
                remaining = deadline.remaining()
                wait = None if remaining is None else min(max(remaining, 0.05), 1.0)
                done, _ = await asyncio.wait({future}, timeout=wait)
                if done:
                    return future.result()
                if deadline.passed():
                    cancel.set()
                    future.add_done_callback(_ignore_result)
                    raise LocalTimeoutError(
                        f"local model {model}: no progress for {timeout_s:g} s; generation stopped"
                    )
        except asyncio.CancelledError:
            cancel.set()
            future.add_done_callback(_ignore_result)
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


def _ignore_result(future: asyncio.Future) -> None:
    """Retrieves an abandoned generation's outcome, so that no error is reported as unseen."""
    if not future.cancelled():
        future.exception()


class _Collector:
    """The streaming callback: gathers the reply and its timings, stops on cancel or stall."""

    def __init__(
        self,
        cancel: threading.Event,
        deadline: StallDeadline,
        on_first_token: Callable[[threading.Event], None] | None = None,
        on_progress: Callable[[], None] | None = None,
    ) -> None:
        self.cancel = cancel
        self.deadline = deadline
        self.on_first_token = on_first_token
        self.on_progress = on_progress
        self.started = False
        self.parts: list[str] = []
        self.finish_reason = ""
        self.usage: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
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
        if self.deadline.passed():  # checked before this chunk's progress moves it
            self.timed_out = True
        for choice in chunk.get("choices") or ():
            content = (choice.get("delta") or {}).get("content")
            if content:
                self.parts.append(content)
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        if isinstance(chunk.get("timings"), dict):
            self.timings = chunk["timings"]
        self.deadline.touch()
        if not self.started:
            self.started = True
            if self.on_first_token is not None:
                self.on_first_token(self.cancel)
        if self.on_progress is not None:
            self.on_progress()
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
        details = self.usage.get("prompt_tokens_details") or {}
        cached = details.get("cached_tokens") if isinstance(details, dict) else None
        if cached is None:
            cached = self.timings.get("cache_n", 0)
        return LocalReply(
            text=text,
            finish_reason=self.finish_reason or "stop",
            prompt_tokens=int(self.usage.get("prompt_tokens", 0)),
            completion_tokens=completion_tokens,
            cached_prompt_tokens=max(0, int(cached or 0)),
            timings=dict(self.timings),
        )


def build_request(
    messages: list[Any], optional_params: Mapping[str, Any], compact: bool = True
) -> dict[str, Any]:
    """Builds the runtime's request body from litellm's messages and optional params.

    A JSON ``response_format`` becomes a compact grammar built from its schema (no whitespace
    between JSON tokens; see :mod:`agents.llm.grammar`); a bare ``{"type": "json_object"}``
    gets the schema ``{"type": "object"}``, which llama.cpp needs to constrain the output to
    JSON at all. With ``compact=False``, or if no converter is available, the
    ``response_format`` is passed through for llama.cpp's own (whitespace-tolerant) grammar.
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
        schema: Any = None
        if kind == "json_object":
            schema = response_format.get("schema") or {"type": "object"}
        elif kind == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema")
        if kind in ("json_object", "json_schema") and schema is not None:
            grammar = _compact_grammar_or_none(schema) if compact else None
            if grammar is not None:
                body["grammar"] = grammar
            elif kind == "json_object":
                body["response_format"] = {"type": "json_object", "schema": schema}
            else:
                body["response_format"] = dict(response_format)
    return body


def _compact_grammar_or_none(schema: Mapping[str, Any]) -> str | None:
    try:
        return compact_grammar(schema)
    except GrammarUnavailable as exc:
        _warn_once(f"no compact JSON grammar ({exc}); replies may hold optional whitespace")
    except ValueError as exc:
        logger.warning("%s; using llama.cpp's own grammar for this schema", exc)
    return None


@cache
def _warn_once(message: str) -> None:
    logger.warning(message)


@cache
def _handler_class() -> type:
    """Defines the litellm handler class on first use, so importing this module stays cheap."""
    from agents.llm.litellm_backend import import_litellm

    litellm = import_litellm()
    from litellm.llms.custom_llm import CustomLLM, CustomLLMError
    from litellm.types.utils import PromptTokensDetailsWrapper, Usage

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
            prompt_tokens_details=PromptTokensDetailsWrapper(
                cached_tokens=reply.cached_prompt_tokens
            ),
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
    from agents.llm.litellm_backend import import_litellm

    litellm = import_litellm()
    current = getattr(litellm, "custom_provider_map", None) or []
    kept = [entry for entry in current if entry.get("provider") != PROVIDER]
    litellm.custom_provider_map = [
        *kept,
        {"provider": PROVIDER, "custom_handler": make_handler(runtime)},
    ]

"""The LLM gateway: the one call shape of every cognitive step.

A call names a prompt template, gives typed inputs and an output pydantic type, and gets back a
validated instance of that type, or a typed :class:`~agents.llm.errors.LLMError` after bounded
retries. The caller chooses a fallback and records it; nothing is swallowed here.

The gateway owns the response cache, the run's concurrency bound, backoff on rate limits and
server errors, the token/cost budget, and the accounting.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from agents.llm.accounting import CallRecord, Ledger
from agents.llm.backend import Completion, CompletionBackend, CompletionRequest
from agents.llm.cache import CachedReply, ResponseCache, request_key
from agents.llm.errors import (
    BackendError,
    FailureKind,
    LLMBudgetExceeded,
    LLMError,
    LLMOutputError,
    LLMProviderError,
    LLMSetupError,
)
from agents.llm.secrets import redact
from agents.llm.settings import LLMSettings
from agents.llm.structured import (
    JSON_REPLY,
    extract_json,
    response_format_for,
    schema_instruction,
    schema_key,
)
from agents.llm.templates import PromptLibrary

logger = logging.getLogger(__name__)


T = TypeVar("T", bound=BaseModel)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class CallEvent:
    """What a progress display learns of a call: its start and its end.

    Attributes:
        agent: On whose behalf the call is made (None for calls of no agent).
        step: The cognitive step (``"plan_day"``, ``"converse"``...).
        phase: ``"start"`` before the reply is sought, ``"end"`` once the call returned or
            failed.
        cache_hit: Whether the response cache answered (no model call).
    """

    agent: str | None
    step: str
    phase: Literal["start", "end"]
    cache_hit: bool = False


Observer = Callable[[CallEvent], None]


class LLMGateway:
    """Runs typed LLM calls with validation, retries, caching, a concurrency bound and a budget.

    Args:
        settings: Which model and how to call it.
        backend: Sends requests (the litellm backend, or a test double).
        prompts: The prompt templates.
        ledger: Where calls are accounted; one per run.
        cache: The response cache, or None to always call the model.
        sleep: The coroutine used to wait between retries (injectable for tests).
        observer: Told of each call's start and end (for progress displays); it runs in the
            caller's thread and must be quick. Its errors are logged, never raised. It may also
            be set later through the ``observer`` attribute.
    """

    def __init__(
        self,
        settings: LLMSettings,
        backend: CompletionBackend,
        prompts: PromptLibrary,
        ledger: Ledger,
        cache: ResponseCache | None = None,
        sleep: Sleep = asyncio.sleep,
        observer: Observer | None = None,
    ) -> None:
        self.settings = settings
        self.observer = observer
        self.backend = backend
        self.prompts = prompts
        self.ledger = ledger
        self.cache = cache if settings.cache else None
        self._sleep = sleep
        self._jitter = random.Random(0)  # backoff jitter only; never touches simulation state
        self._semaphores: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
        self._in_flight: dict[str, asyncio.Future[Any]] = {}
        """Requests being answered, by cache key: an identical one waits for the same reply."""
        self._answered: dict[str, Any] = {}
        """Validated replies since :meth:`forget_answers`: an identical request reuses one."""
        self._use_schema = settings.structured_output == "json_schema" or (
            settings.structured_output == "auto" and backend.supports_json_schema(settings.model)
        )

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._semaphores:
            self._semaphores[loop] = asyncio.Semaphore(self.settings.concurrency)
        return self._semaphores[loop]

    def budget_left(self) -> bool:
        """Whether the run's token and cost budgets still allow a call."""
        s, total = self.settings, self.ledger.total
        if s.max_run_tokens is not None and total.tokens >= s.max_run_tokens:
            return False
        return not (s.max_run_cost_usd is not None and total.cost_usd >= s.max_run_cost_usd)

    async def call(
        self,
        *,
        step: str,
        template: str,
        inputs: Mapping[str, Any],
        output: type[T],
        agent: str | None = None,
        seed: int | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> T:
        """Asks the model for one typed reply.

        Args:
            step: The cognitive step, for accounting (``"plan_day"``, ``"converse"``...).
            template: The prompt template's name.
            inputs: Variables for the template.
            output: The pydantic type the reply must validate against.
            agent: The agent on whose behalf the call is made, for accounting.
            seed: Sampling seed, passed to backends that take one.
            temperature: Overrides the settings' temperature for this call.
            max_tokens: Overrides the settings' completion limit for this call.
            context: Passed to the output type's validators (pydantic ``info.context``), for
                checks that depend on the call, e.g. "not a line already said". It must follow
                from the prompt, since cached replies are checked against it again.

        Returns:
            The validated reply.

        Raises:
            LLMBudgetExceeded: The run's budget is spent; no call was made.
            LLMOutputError: The reply did not validate after the allowed retries.
            LLMProviderError: The provider failed past the retry bound.
            LLMSetupError: No call to this model can succeed (unknown model, bad key).
        """
        if not self.budget_left():
            self._account_usage(agent, step, 0, 0, 0.0, 0.0, 0, FailureKind.BUDGET)
            raise LLMBudgetExceeded("the run's LLM budget is spent", step=step)
        messages = self.prompts.render(template, inputs)
        messages[-1]["content"] += "\n\n" + (
            JSON_REPLY if self._use_schema else schema_instruction(output)
        )
        request = CompletionRequest(
            model=self.settings.model,
            messages=messages,
            temperature=self.settings.temperature if temperature is None else temperature,
            max_tokens=max_tokens or self.settings.max_tokens,
            timeout_s=self.settings.timeout_s,
            seed=seed,
            response_format=response_format_for(output) if self._use_schema else None,
            api_base=self.settings.api_base,
            api_key_env=self.settings.api_key_env,
        )
        key = request_key(request.model, messages, self._cache_params(request, output))
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            if hit.failure is not None:
                self._notify(agent, step, "start", cache_hit=True)
                self._account_usage(
                    agent, step, 0, 0, 0.0, 0.0, 0, FailureKind.INVALID_OUTPUT, cache_hit=True
                )
                self._notify(agent, step, "end", cache_hit=True)
                raise LLMOutputError(hit.failure, step=step)
            try:
                value = output.model_validate_json(extract_json(hit.text), context=context)
            except ValidationError:
                logger.warning("cached reply for %s no longer validates; calling the model", step)
            else:
                self._notify(agent, step, "start", cache_hit=True)
                self._account_usage(agent, step, 0, 0, 0.0, 0.0, 0, None, cache_hit=True)
                self._notify(agent, step, "end", cache_hit=True)
                return value
        shareable = context is None and request.seed is not None
        if shareable and key in self._answered:
            return await self._share(self._answered[key], agent, step)
        loop = asyncio.get_running_loop()
        shared = self._in_flight.get(key) if shareable else None
        if shared is not None and shared.get_loop() is loop:
            return await self._share(shared, agent, step)
        in_flight: asyncio.Future[Any] = loop.create_future()
        if shareable:
            self._in_flight[key] = in_flight
        self._notify(agent, step, "start")
        try:
            value = await self._call_with_retries(request, output, key, agent, step, context)
        except BaseException as exc:
            in_flight.set_exception(exc)
            in_flight.exception()  # retrieved here: no waiter is needed
            raise
        else:
            in_flight.set_result(value)
            if shareable:
                self._answered[key] = value
            return value
        finally:
            if self._in_flight.get(key) is in_flight:
                del self._in_flight[key]
            self._notify(agent, step, "end")

    def forget_answers(self) -> None:
        """Ends the reuse of replies given so far (a town calls it after every tick).

        Within a tick, an identical seeded request reuses a reply; across ticks it does not,
        so a run resumed at a tick boundary makes the same calls as an uninterrupted one.
        """
        self._answered.clear()

    async def _share(self, shared: Any, agent: str | None, step: str) -> Any:
        """The reply of an identical request (in flight, or answered), without a call of its own.

        Identical means the same model, messages, sampling parameters, seed (a seed is needed:
        unseeded requests are independent samples) and output type, so the model would be asked
        exactly the same thing: everyone in one conversation shares its outcome, for example.
        Accounted as a cache hit (no tokens); a failure of a shared call in flight fails this
        one too.
        """
        self._notify(agent, step, "start", cache_hit=True)
        try:
            value = await asyncio.shield(shared) if isinstance(shared, asyncio.Future) else shared
        except LLMError as exc:
            self._account_usage(agent, step, 0, 0, 0.0, 0.0, 0, exc.kind, cache_hit=True)
            raise
        finally:
            self._notify(agent, step, "end", cache_hit=True)
        self._account_usage(agent, step, 0, 0, 0.0, 0.0, 0, None, cache_hit=True)
        return value

    def _notify(
        self, agent: str | None, step: str, phase: Literal["start", "end"], cache_hit: bool = False
    ) -> None:
        if self.observer is None:
            return
        try:
            self.observer(CallEvent(agent=agent, step=step, phase=phase, cache_hit=cache_hit))
        except Exception:  # a display must never break a call
            logger.exception("the LLM call observer failed")

    @staticmethod
    def _cache_params(request: CompletionRequest, output: type[BaseModel]) -> dict[str, Any]:
        return {
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "seed": request.seed,
            "schema": schema_key(output),
            "api_base": request.api_base,
        }

    async def _call_with_retries(
        self,
        request: CompletionRequest,
        output: type[T],
        key: str,
        agent: str | None,
        step: str,
        context: Mapping[str, Any] | None,
    ) -> T:
        messages = list(request.messages)
        retries = 0
        started = time.perf_counter()
        prompt_tokens = completion_tokens = cached_prompt_tokens = 0
        cost = 0.0

        def account(failure: FailureKind | None) -> None:
            """Accounts everything this call has used so far, with its outcome."""
            self._account_usage(
                agent,
                step,
                prompt_tokens,
                completion_tokens,
                cost,
                time.perf_counter() - started,
                retries,
                failure,
                cached_prompt_tokens=cached_prompt_tokens,
            )

        for attempt in range(self.settings.output_retries + 1):
            attempt_request = replace(request, messages=messages)
            try:
                completion, transient_retries = await self._send(attempt_request, step)
            except (LLMError, LLMSetupError) as exc:
                account(exc.kind)
                raise
            retries += transient_retries
            prompt_tokens += completion.prompt_tokens
            completion_tokens += completion.completion_tokens
            cached_prompt_tokens += completion.cached_prompt_tokens
            cost += completion.cost_usd
            try:
                value = output.model_validate_json(extract_json(completion.text), context=context)
            except ValidationError as exc:
                problem = _short_validation_error(exc)
                logger.info("invalid %s output (attempt %d): %s", step, attempt + 1, problem)
                if attempt == self.settings.output_retries:
                    account(FailureKind.INVALID_OUTPUT)
                    message = redact(f"{step}: reply did not match {output.__name__}: {problem}")
                    if self.cache is not None:  # a rerun makes the same fallback, without a call
                        self.cache.put(key, CachedReply(text="", failure=message))
                    raise LLMOutputError(message, step=step) from None
                retries += 1
                messages = [
                    *request.messages,
                    {"role": "assistant", "content": completion.text[:2000]},
                    {
                        "role": "user",
                        "content": f"That reply was invalid: {problem}. "
                        "Reply again with one corrected JSON object only.",
                    },
                ]
                continue
            account(None)
            if self.cache is not None:
                self.cache.put(
                    key,
                    CachedReply(
                        text=value.model_dump_json(),
                        prompt_tokens=prompt_tokens,
                        completion_tokens=completion_tokens,
                    ),
                )
            return value
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    async def _send(self, request: CompletionRequest, step: str) -> tuple[Completion, int]:
        """Sends a request under the concurrency bound, retrying transient failures."""
        for attempt in range(self.settings.transient_retries + 1):
            try:
                async with self._semaphore():
                    return await self.backend.complete(request), attempt
            except BackendError as exc:
                message = redact(str(exc))
                if exc.permanent:
                    reason = message.splitlines()[0][:200]
                    raise LLMSetupError(
                        f"model {self.settings.model!r} cannot be used ({reason}); fix: "
                        "check --model (provider/name, e.g. openai/gpt-4o-mini), and that "
                        "--api-key-env names a variable holding a valid key"
                    ) from None
                if not exc.transient or attempt == self.settings.transient_retries:
                    raise LLMProviderError(f"{step}: {message}", step=step, kind=exc.kind) from None
                delay = min(
                    self.settings.backoff_max_s,
                    self.settings.backoff_base_s * 2**attempt,
                ) * (0.5 + self._jitter.random() / 2)
                logger.info("%s: %s; retrying in %.2f s", step, message, delay)
                await self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _account_usage(
        self,
        agent: str | None,
        step: str,
        prompt_tokens: int,
        completion_tokens: int,
        cost: float,
        latency: float,
        retries: int,
        failure: FailureKind | None,
        cache_hit: bool = False,
        cached_prompt_tokens: int = 0,
    ) -> None:
        self.ledger.record(
            CallRecord(
                agent=agent,
                step=step,
                model=self.settings.model,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                cost_usd=cost,
                latency_s=latency,
                cache_hit=cache_hit,
                retries=retries,
                failure=failure.value if failure else None,
                cached_prompt_tokens=cached_prompt_tokens,
            )
        )


def _short_validation_error(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)

"""Scripted LLM doubles for tests: completion backends that answer without a model."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from agents.llm.backend import Completion, CompletionRequest
from agents.llm.errors import BackendError

Reply = str | BackendError | Exception
Script = Sequence[Reply] | Callable[[CompletionRequest], Reply]


class ScriptedBackend:
    """A completion backend that replays a script, or answers with a function of the request.

    Args:
        script: A list of replies used in order (the last one repeats), or a function of the
            request. A reply that is an exception is raised instead of returned.
        latency_s: Simulated latency of each call (awaited, so calls overlap like real ones).
        schema_support: What :meth:`supports_json_schema` answers.
    """

    def __init__(self, script: Script, latency_s: float = 0.0, schema_support: bool = True) -> None:
        self._script = script
        self._latency = latency_s
        self._schema_support = schema_support
        self.requests: list[CompletionRequest] = []

    def supports_json_schema(self, model: str) -> bool:
        return self._schema_support

    async def complete(self, request: CompletionRequest) -> Completion:
        index = len(self.requests)
        self.requests.append(request)
        if self._latency:
            await asyncio.sleep(self._latency)
        if callable(self._script):
            reply = self._script(request)
        else:
            reply = self._script[min(index, len(self._script) - 1)]
        if isinstance(reply, Exception):
            raise reply
        prompt_tokens = sum(len(m["content"].split()) for m in request.messages)
        return Completion(
            text=reply, prompt_tokens=prompt_tokens, completion_tokens=len(reply.split())
        )

"""Overhead of the LLM gateway per call, measured with litellm's ``mock_response``.

Three figures (ms per call, median over N calls):

* litellm alone: ``litellm.acompletion(mock_response=...)``;
* gateway, uncached: template rendering, validation, accounting, semaphore, plus litellm;
* gateway, cache hit: the path a rerun takes.

The gateway's own overhead is the difference between the first two.

Usage: python benchmarks/bench_gateway.py [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel, Field

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.llm.accounting import Ledger
from agents.llm.cache import ResponseCache
from agents.llm.gateway import LLMGateway
from agents.llm.litellm_backend import LiteLLMBackend, import_litellm
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from benchmarks.report import report

REPLY = '{"mood": "happy", "reason": "the sun is out"}'


class Mood(BaseModel):
    mood: str = Field(pattern="^(happy|sad)$")
    reason: str = Field(max_length=60)


def timed(calls: int, make_call) -> float:
    async def go() -> list[float]:
        samples = []
        for i in range(calls):
            start = time.perf_counter()
            await make_call(i)
            samples.append(time.perf_counter() - start)
        return samples

    return statistics.median(asyncio.run(go())) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    litellm = import_litellm()
    folder = Path(tempfile.mkdtemp())
    (folder / "mood.j2").write_text(
        "{% block system %}You are {{ name }}.{% endblock %}"
        "{% block user %}How do you feel about {{ topic }}?{% endblock %}"
    )
    messages = [{"role": "user", "content": "How do you feel?"}]

    async def bare(i: int) -> None:
        await litellm.acompletion(
            model="openai/gpt-4o-mini", messages=messages, mock_response=REPLY
        )

    def gateway(cache: bool) -> LLMGateway:
        settings = LLMSettings(model="openai/gpt-4o-mini", cache=cache)
        store = ResponseCache(folder / "cache.sqlite3") if cache else None
        return LLMGateway(
            settings,
            LiteLLMBackend(mock_response=REPLY),
            PromptLibrary(folder),
            Ledger(),
            cache=store,
        )

    uncached = gateway(cache=False)
    cached = gateway(cache=True)

    async def through(gw: LLMGateway, i: int, topic: str) -> None:
        await gw.call(
            step="feel",
            template="mood",
            inputs={"name": "Ada", "topic": topic},
            output=Mood,
            agent="Ada",
        )

    timed(20, bare)  # warm up litellm's lazy imports
    bare_ms = timed(args.calls, bare)
    gateway_ms = timed(args.calls, lambda i: through(uncached, i, f"topic {i}"))
    asyncio.run(through(cached, 0, "rain"))
    hit_ms = timed(args.calls, lambda i: through(cached, i, "rain"))
    print(f"{'measure':<32}{'ms/call':>10}")
    print(f"{'litellm mock_response alone':<32}{bare_ms:>10.3f}")
    print(f"{'gateway (uncached)':<32}{gateway_ms:>10.3f}")
    print(f"{'gateway overhead':<32}{gateway_ms - bare_ms:>10.3f}")
    print(f"{'gateway cache hit':<32}{hit_ms:>10.3f}")
    report(
        "LLM gateway overhead per call (over litellm mock_response)",
        f"{gateway_ms - bare_ms:.2f} ms",
    )
    report("LLM gateway cache hit", f"{hit_ms:.2f} ms")


if __name__ == "__main__":
    main()

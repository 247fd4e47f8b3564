"""One calibration unit: the bare local runtime generating 150 tokens after a ~250-token prompt.

Machines differ about threefold in speed, and other work on the same machine slows a run, so a
wall time means little alone. The calibration is measured in the same process family as the
run it calibrates, with the same runtime (llama.cpp through xllamacpp, the bundled model): one
chat request of about 250 prompt tokens that generates exactly 150 tokens (``ignore_eos``), no
grammar, no prompt cache, best of two. A run's wall time divided by it is the run's time in
calibration units, comparable across machines and loads.

Usage:
  python benchmarks/calibration.py [--model qwen2.5-coder-1.5b] [--runs 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT_TOKENS = 250
GENERATED_TOKENS = 150

# About 250 tokens with the chat template, for the bundled Qwen2.5 tokenizer.
_PROMPT = (
    "Maplewood is a small town with a cafe, a college, a park, a newspaper office, a pharmacy, "
    "a grocery store, a bar, a library and a handful of houses along two streets. Every "
    "morning the cafe opens at six and the baker brings fresh bread. Students walk to the "
    "college from the apartments on Maple Court, the reporter of the Gazette buys a coffee on "
    "the way to the newsroom, and the pharmacist opens her shop at eight. At noon the park "
    "fills with people eating lunch on the benches near the fountain. In the afternoon the "
    "library is quiet and the bar prepares for the evening, when the town gathers to talk "
    "about the news of the day, the weather, the coming election and the party that someone "
    "is planning for the weekend. Write a long, detailed story about one ordinary day in this "
    "town, from the first light of the morning to the last lights in the evening, naming the "
    "people, the places they go, what they say to each other and what they think about, in "
    "plain sentences, one paragraph after another, without headings or lists."
)


@dataclass(frozen=True)
class Calibration:
    """The best of the runs, and what each run measured."""

    seconds: float
    prompt_tokens: int
    generated_tokens: int
    runs: list[float]
    model: str

    @property
    def generation_rate(self) -> float:
        """Generated tokens per second of the best run (prompt time included)."""
        return self.generated_tokens / self.seconds if self.seconds else 0.0


def model_cache_dir() -> Path:
    """The user cache of bundled model files (the one the CLI uses)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gentown" / "models"


def calibrate(model: str = "qwen2.5-coder-1.5b", runs: int = 2, runtime=None) -> Calibration:
    """Measures one calibration unit on the bundled runtime, best of ``runs``.

    Args:
        model: The bundled model name (or a ``.gguf`` path).
        runs: How many times to measure; the fastest counts.
        runtime: A started :class:`~agents.llm.local_provider.LocalRuntime` to measure on (a
            new one with one slot is made and closed otherwise).
    """
    from agents.llm.local_provider import LocalRuntime

    own = runtime is None
    if own:
        runtime = LocalRuntime(model_cache_dir(), n_parallel=1, n_ctx=2048)
    try:
        runtime.ensure_loaded(model)
        times: list[float] = []
        prompt_tokens = generated = 0
        for run in range(runs):
            # A different first word each run, and no prompt cache: every run evaluates the
            # whole prompt.
            request = {
                "messages": [{"role": "user", "content": f"Run {run + 1}. {_PROMPT}"}],
                "max_tokens": GENERATED_TOKENS,
                "temperature": 0.0,
                "ignore_eos": True,
                "cache_prompt": False,
            }
            started = time.perf_counter()
            reply = runtime.chat(model, request)
            times.append(time.perf_counter() - started)
            prompt_tokens, generated = reply.prompt_tokens, reply.completion_tokens
    finally:
        if own:
            runtime.close()
    return Calibration(
        seconds=round(min(times), 2),
        prompt_tokens=prompt_tokens,
        generated_tokens=generated,
        runs=[round(t, 2) for t in times],
        model=model,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    result = calibrate(args.model, args.runs)
    if args.json:
        print(json.dumps({**asdict(result), "generation_rate": round(result.generation_rate, 2)}))
    else:
        print(
            f"calibration unit: {result.seconds:.2f} s ({result.prompt_tokens} prompt tokens, "
            f"{result.generated_tokens} generated, runs {result.runs}, {result.model})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

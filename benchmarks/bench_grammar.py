"""Generated tokens per reply: llama.cpp's own JSON grammar against the compact one.

The same requests (prompt, seed, temperature) go to the bundled runtime twice: once with the
schema as ``response_format`` (llama.cpp's grammar, which allows whitespace between JSON
tokens) and once as the compact grammar of :mod:`agents.llm.grammar`. For each output type it
prints the generated tokens of both, whether each reply validates, and whether the compact one
is a single line.

Usage: python benchmarks/bench_grammar.py [--model qwen2.5-coder-1.5b] [--seeds 2] [--steps a,b]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import BaseModel, ValidationError

from benchmarks.report import report

PERSON = (
    "You are Rosa Delgado, 42, owner of the Copper Kettle Cafe in Maplewood. You open the cafe "
    "at 06:00, bake in the morning, and close at 18:00. Today is Friday 13 February 2026."
)
PLACES = (
    "Copper Kettle Cafe, counter",
    "Copper Kettle Cafe, kitchen",
    "Willow House, kitchen",
    "Willow House, bedroom",
    "Maplewood Park, benches",
)


def cases() -> list[tuple[str, type[BaseModel], str]]:
    """(name, output type, request) of the steps that generate the most tokens."""
    from agents.cognition import places, planning, schemas

    arena = places.KnownArena("C:counter", PLACES[0], {"coffee machine": "C:counter:machine"})
    known = places.KnownPlaces(arenas=(arena,), home_arena="W:kitchen")
    return [
        (
            "plan_day",
            planning.plan_additions_model(PLACES),
            "On your mind: the party you host at the cafe today at 12:30. Add it to today's plan.",
        ),
        (
            "decompose",
            known.steps_model(arena),
            "Break 'serve breakfast to customers' (60 minutes) into steps.",
        ),
        (
            "importance",
            schemas.ImportanceScores,
            "Rate the importance 1-10 of: 1. saw a cup on the table; 2. Tom said his mother is "
            "ill; 3. the oven broke; 4. a customer paid.",
        ),
        (
            "conversation_outcome",
            schemas.outcome_model(PLACES),
            "Tom: 'Shall we meet at the park at 17:00?' You: 'Yes, see you there.' What did you "
            "take away from this talk?",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=400)
    parser.add_argument("--steps", default=None, help="comma-separated steps (default all)")
    args = parser.parse_args()
    chosen = set(args.steps.split(",")) if args.steps else None

    from agents.llm.local_provider import LocalRuntime, build_request
    from agents.llm.structured import JSON_REPLY, response_format_for
    from benchmarks.calibration import model_cache_dir

    runtime = LocalRuntime(model_cache_dir(), n_parallel=2, n_ctx=2048)
    runtime.ensure_loaded(args.model)
    rows = []
    totals = {False: 0, True: 0}

    async def ask(output: type[BaseModel], text: str, seed: int, compact: bool):
        messages = [
            {"role": "system", "content": PERSON},
            {"role": "user", "content": f"{text}\n\n{JSON_REPLY}"},
        ]
        params = {
            "max_tokens": args.max_tokens,
            "temperature": 0.7,
            "seed": seed,
            "response_format": response_format_for(output),
        }
        body = build_request(messages, params, compact=compact)
        return await runtime.achat(args.model, body, timeout_s=600)

    try:
        for name, output, text in cases():
            if chosen is not None and name not in chosen:
                continue
            for seed in range(args.seeds):
                pair = asyncio.run(_both(ask, output, text, seed))
                cells = []
                for compact, reply in zip((False, True), pair, strict=True):
                    try:
                        output.model_validate_json(reply.text)
                        valid = "valid"
                    except ValidationError:
                        valid = "INVALID"
                    lines = reply.text.count("\n") + 1
                    totals[compact] += reply.completion_tokens
                    cells.append(f"{reply.completion_tokens} ({valid}, {lines} lines)")
                rows.append(f"| {name} | {seed} | {cells[0]} | {cells[1]} |")
                print(rows[-1], flush=True)
    finally:
        runtime.close()
    print("\n| step | seed | llama.cpp grammar | compact grammar |\n|---|---|---|---|")
    print("\n".join(rows))
    ratio = totals[True] / totals[False] if totals[False] else 0.0
    print(f"generated tokens: {totals[False]} → {totals[True]} ({ratio:.0%})")
    report(
        "generated tokens, compact grammar vs llama.cpp's (same requests, 1.5B)",
        f"{totals[True]} vs {totals[False]} ({ratio:.0%})",
    )
    return 0


async def _both(ask, output, text, seed):
    return await asyncio.gather(ask(output, text, seed, False), ask(output, text, seed, True))


if __name__ == "__main__":
    sys.exit(main())

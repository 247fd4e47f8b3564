"""The town's own cost and its concurrency, with scripted LLM doubles (no model needed).

* concurrency: one busy tick (every agent plans its day: several LLM calls each) with a double
  of fixed latency, the gateway letting all calls fly at once vs one at a time (as if the minds
  were called one by one). Goal: ≥ 20× at 25 agents.
* overhead: ms of simulator work per agent-tick with an instant double over a simulated span
  (perception, minds' code, resolution, memory writes with a small embedder, trajectory).
  Goal: ≤ 2 ms at 25 agents.

Usage: python benchmarks/bench_town.py [--agents 25] [--latency 0.05] [--hours 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.assembly import LLMStack, build_town
from agents.llm.settings import LLMSettings
from agents.memory.index import ChromaSettings
from agents.persona import Persona
from agents.run_config import RunConfig
from benchmarks.report import report
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.town_llm import TownScript, town_backend
from worlds.loader import load_world


def residents(world, count: int) -> list[Persona]:
    """``count`` plain personas spread over the world's homes and workplaces."""
    workplaces = list(world.workplaces)
    return [
        Persona(
            name=f"Resident {i:03d}",
            age=20 + i % 50,
            occupation="a resident",
            home=world.homes[i % len(world.homes)],
            workplace=workplaces[i % len(workplaces)] if i % 3 else None,
            wake_time="07:00",
            sleep_time="22:00",
        )
        for i in range(count)
    ]


def town(count: int, hours: float, latency: float, concurrency: int, chroma: ChromaSettings):
    world = load_world("maplewood")
    settings = LLMSettings(model="scripted/bench", cache=False, concurrency=concurrency)
    config = RunConfig(
        world="maplewood", hours=hours, llm=settings, chroma=chroma, ambient_per_hour=0
    )
    stack = LLMStack(settings, backend=town_backend(TownScript("Copper Kettle"), latency))
    run_dir = Path(tempfile.mkdtemp()) / "run"
    built = build_town(
        config, world, residents(world, count), run_dir, stack, embedder=HashingEmbedder()
    )
    built.start()
    return built


def first_tick_seconds(count: int, latency: float, concurrency: int) -> tuple[float, int]:
    t = town(count, 1, latency, concurrency, ChromaSettings(ephemeral=True))
    start = time.perf_counter()
    t.step()
    elapsed = time.perf_counter() - start
    calls = t.llm.ledger.total.calls
    t.close()
    return elapsed, calls


def overhead_ms(count: int, hours: float) -> tuple[float, int]:
    t = town(count, hours, 0.0, 64, ChromaSettings())
    start = time.perf_counter()
    summary = t.run()
    elapsed = time.perf_counter() - start
    t.close()
    return elapsed * 1000 / (count * summary["ticks"]), summary["llm"]["total"]["calls"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, nargs="+", default=[25])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--hours", type=float, default=2.0)
    args = parser.parse_args()
    print(
        f"{'agents':>6} {'one-by-one s':>13} {'concurrent s':>13} {'ratio':>7} "
        f"{'calls':>6} {'overhead ms/agent-tick':>23}"
    )
    for count in args.agents:
        sequential, calls = first_tick_seconds(count, args.latency, 1)
        concurrent, _ = first_tick_seconds(count, args.latency, 256)
        per_agent_tick, _ = overhead_ms(count, args.hours)
        print(
            f"{count:>6} {sequential:>13.2f} {concurrent:>13.2f} "
            f"{sequential / concurrent:>6.1f}x {calls:>6} {per_agent_tick:>23.2f}"
        )
        goal = count == 25
        report(
            f"concurrency, {count}-agent busy tick, concurrent vs one by one",
            f"{sequential / concurrent:.1f}x",
            "≥ 20x" if goal else "",
            sequential / concurrent >= 20 if goal else None,
        )
        report(
            f"simulator overhead per agent-tick, {count} agents, {args.hours:g} h, instant double",
            f"{per_agent_tick:.2f} ms",
            "≤ 2 ms" if goal else "",
            per_agent_tick <= 2 if goal else None,
        )


if __name__ == "__main__":
    main()

"""Scale: many agents in the bundled town, headless, with an instant scripted LLM.

Prints wall time, ms per agent-tick and peak memory, for several town sizes over the same span,
so a cost that grows faster than the number of agents shows as a rising ms per agent-tick.

Usage: python benchmarks/bench_scale.py [--agents 50 100 200] [--hours 24]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.memory.index import ChromaSettings
from benchmarks.bench_town import town
from benchmarks.report import report


def one(count: int, hours: float) -> None:
    built = town(count, hours, 0.0, 256, ChromaSettings())
    start = time.perf_counter()
    summary = built.run()
    elapsed = time.perf_counter() - start
    built.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per = elapsed * 1000 / (count * summary["ticks"])
    print(
        f"{count:>6} {summary['ticks']:>6} {elapsed:>9.1f} {per:>16.2f} {peak_mb:>12.0f} "
        f"{summary['llm']['total']['calls']:>8} {summary['conversations']:>6}",
        flush=True,
    )
    report(
        f"{count} agents, {hours:g} simulated hours, headless, instant double",
        f"{elapsed:.1f} s wall, {per:.2f} ms/agent-tick, peak RSS {peak_mb:.0f} MB",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        one(args.one, args.hours)
        return
    print(
        f"{'agents':>6} {'ticks':>6} {'wall s':>9} {'ms/agent-tick':>16} {'peak RSS MB':>12} "
        f"{'calls':>8} {'convs':>6}",
        flush=True,
    )
    for count in args.agents:  # each size in its own process, so peak memory is its own
        subprocess.run(
            [sys.executable, __file__, "--one", str(count), "--hours", str(args.hours)], check=True
        )


if __name__ == "__main__":
    main()

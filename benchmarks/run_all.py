"""Runs every benchmark in this folder, one after another, and prints their tables.

Usage: python benchmarks/run_all.py   (or: make bench)
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ("LLM gateway overhead", ["bench_gateway.py"]),
    ("retrieval latency", ["bench_retrieval.py"]),
    ("town concurrency and overhead", ["bench_town.py", "--agents", "25", "200"]),
    ("viewer frames per second", ["bench_viewer.py"]),
    ("scale: 50, 100, 200 agents over a simulated day", ["bench_scale.py"]),
    ("tokens per agent-day on the bundled model (2 simulated hours)", ["bench_tokens.py"]),
]


def main() -> int:
    import os

    print(
        f"gentown benchmarks, {date.today()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    failed = 0
    for title, (script, *args) in BENCHMARKS:
        if not (HERE / script).exists():
            print(f"\n## {title}: {script} not present")
            continue
        print(f"\n## {title} ({script})", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(HERE / script), *args], cwd=HERE.parent)
        failed += result.returncode != 0
        print(f"({time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

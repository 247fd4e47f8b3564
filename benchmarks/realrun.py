"""Shared parts of the real-model benchmarks: running a checkout's CLI, reading a run's LLM use.

A benchmark can run another checkout of gentown (``--repo PATH``) with this environment's
Python, so that before and after can be measured on the same machine in the same session: the
checkout's ``run_town.py`` is started with the checkout as its working directory, so its own
packages are the ones imported. Figures read from a run's ``summary.json`` are read
defensively: an older checkout's summary may lack a key (``n/a``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION_ENV = "GENTOWN_BENCH_CALIBRATION_S"
"""Set by ``run_all.py`` to the calibration it measured, so each benchmark need not repeat it."""

NA = "n/a"


@dataclass
class RunResult:
    """A finished run of a checkout's CLI."""

    run_dir: Path
    wall_s: float
    returncode: int
    command: list[str] = field(default_factory=list)


def run_cli(repo: Path, args: Sequence[str], quiet: bool = True) -> tuple[float, int]:
    """Runs ``run_town.py`` of ``repo`` with this Python; returns (wall seconds, exit code)."""
    command = [sys.executable, str(Path(repo) / "run_town.py"), *args]
    if quiet and args and args[0] in ("run", "resume"):
        command.append("--quiet")
    env = {**os.environ, "PYTHONPATH": str(repo)}
    started = time.perf_counter()
    result = subprocess.run(command, cwd=repo, env=env)
    return time.perf_counter() - started, result.returncode


def run_town(repo: Path, run_dir: Path, args: Sequence[str]) -> RunResult:
    """Runs ``run_town.py run ARGS --no-cache --out RUN_DIR`` of ``repo`` (an empty cache)."""
    full = ["run", *args, "--no-cache", "--out", str(run_dir)]
    wall, code = run_cli(repo, full)
    return RunResult(run_dir=run_dir, wall_s=wall, returncode=code, command=full)


def read_summary(run_dir: Path) -> dict[str, Any]:
    """A run's ``summary.json`` (empty if it is missing)."""
    path = Path(run_dir) / "summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def dig(data: Any, *keys: str, default: Any = None) -> Any:
    """``data[k1][k2]...``, or ``default`` where a key is missing."""
    for key in keys:
        if not isinstance(data, Mapping) or key not in data:
            return default
        data = data[key]
    return data


@dataclass(frozen=True)
class LLMUse:
    """A run's LLM use from its summary: totals and by step."""

    calls: int
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int | None
    by_step: dict[str, dict[str, Any]]

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def cached_share(self) -> float | None:
        """Prompt tokens served from the runtime's prompt cache (None: not recorded)."""
        if self.cached_prompt_tokens is None:
            return None
        return self.cached_prompt_tokens / self.prompt_tokens if self.prompt_tokens else 0.0


def llm_use(summary: Mapping[str, Any]) -> LLMUse:
    """Reads the LLM section of a summary (zeros where it is missing)."""
    total = dig(summary, "llm", "total", default={}) or {}
    return LLMUse(
        calls=int(total.get("calls", 0)),
        prompt_tokens=int(total.get("prompt_tokens", 0)),
        completion_tokens=int(total.get("completion_tokens", 0)),
        cached_prompt_tokens=(
            int(total["cached_prompt_tokens"]) if "cached_prompt_tokens" in total else None
        ),
        by_step=dict(dig(summary, "llm", "by_step", default={}) or {}),
    )


def step_table(use: LLMUse, agents: int = 1) -> list[str]:
    """Markdown rows of LLM use by step: calls, prompt, generated, per call, cached share."""
    rows = [
        "| step | calls | prompt tokens | generated tokens | generated per call | cached prompt |",
        "|---|---|---|---|---|---|",
    ]
    for step, s in sorted(use.by_step.items(), key=lambda kv: -kv[1].get("completion_tokens", 0)):
        calls = int(s.get("calls", 0))
        generated = int(s.get("completion_tokens", 0))
        model_calls = calls - int(s.get("cache_hits", 0))
        per_call = f"{generated / model_calls:.0f}" if model_calls else NA
        rows.append(
            f"| {step} | {calls} | {int(s.get('prompt_tokens', 0)):,} | {generated:,} | "
            f"{per_call} | {share_text(s)} |"
        )
    cached = NA if use.cached_share is None else f"{use.cached_share:.0%}"
    rows.append(
        f"| total | {use.calls} | {use.prompt_tokens:,} | {use.completion_tokens:,} | "
        f"{use.completion_tokens / use.calls:.0f} | {cached} |"
        if use.calls
        else "| total | 0 | 0 | 0 | n/a | n/a |"
    )
    return rows


def share_text(usage: Mapping[str, Any]) -> str:
    """The cached prompt share of one usage slice, as text (``n/a`` if not recorded)."""
    if "cached_prompt_tokens" not in usage:
        return NA
    prompt = int(usage.get("prompt_tokens", 0))
    return f"{int(usage['cached_prompt_tokens']) / prompt:.0%}" if prompt else NA


def calibration_seconds(
    measure: bool, given: float | None = None, model: str = "qwen2.5-coder-1.5b"
) -> float | None:
    """The calibration unit: ``given``, else the environment's, else measured (if ``measure``)."""
    if given is not None:
        return given
    if os.environ.get(CALIBRATION_ENV):
        return float(os.environ[CALIBRATION_ENV])
    if not measure:
        return None
    from benchmarks.calibration import calibrate

    result = calibrate(model)
    print(f"calibration: {result.seconds:.2f} s (runs {result.runs})", flush=True)
    return result.seconds


def calibrated_run(
    repo: Path, run_dir: Path, args: Sequence[str], given: float | None
) -> tuple[RunResult, float | None]:
    """Runs ``run_town.py run`` between two calibrations; returns the run and their mean.

    The calibration is ``given`` (or the environment's) when set; otherwise it is measured
    right before and right after the run, in the same session, so load changes show.
    """
    before = calibration_seconds(measure=True, given=given)
    print(f"running {repo}: run_town.py run {' '.join(args)} --no-cache", flush=True)
    result = run_town(repo, run_dir, args)
    if result.returncode != 0:
        return result, None
    after = calibration_seconds(measure=True, given=given)
    if before != after:
        print(f"calibration before {fmt(before, '{:.2f}')} s, after {fmt(after, '{:.2f}')} s")
    return result, None if before is None or after is None else (before + after) / 2


def units(wall_s: float, calibration_s: float | None) -> float | None:
    """A wall time in calibration units."""
    return wall_s / calibration_s if calibration_s else None


def minutes(seconds: float) -> str:
    """``12 min 5 s``."""
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s} s"


def fmt(value: float | None, pattern: str = "{:.1f}") -> str:
    """A number as text, ``n/a`` for None."""
    return NA if value is None else pattern.format(value)

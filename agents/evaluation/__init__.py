"""Evaluation of runs with LLMs in the loop: post-run interviews, the judge, and studies.

The public names are loaded on first use (``from agents.evaluation import evaluate_run``), so
importing :mod:`agents.cli.evaluation` for the CLI's ``--help`` stays cheap.

* :func:`evaluate_run` — metrics of one run (``eval/metrics.json``, ``eval/report.md``).
* :class:`TownInterviewer`, :class:`FunctionInterviewer` — the pluggable interview step.
* :class:`Judge` — persona fidelity, speaker identification, claim and fact checks.
* :func:`load_scenario`, :class:`Scenario` — scenarios as data.
* :func:`run_study` — a scenario over seeds (and control/treatment), compared with the paper.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "AttendanceWindow": "agents.evaluation.evaluate",
    "evaluate_run": "agents.evaluation.evaluate",
    "EvaluationError": "agents.evaluation.errors",
    "ScenarioError": "agents.evaluation.errors",
    "FunctionInterviewer": "agents.evaluation.interviews",
    "Interviewer": "agents.evaluation.interviews",
    "TownInterviewer": "agents.evaluation.interviews",
    "Judge": "agents.evaluation.judge",
    "Scenario": "agents.evaluation.scenario",
    "load_scenario": "agents.evaluation.scenario",
    "StudyResult": "agents.evaluation.study",
    "run_study": "agents.evaluation.study",
    "default_services": "agents.assembly",
    "RunServices": "agents.assembly",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'agents.evaluation' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)

"""Errors of the evaluation toolkit that the CLI prints as one line (exit code 2)."""

from __future__ import annotations

from simulation.analysis.errors import AnalysisError
from worlds.errors import SpecError


class EvaluationError(AnalysisError):
    """A problem with an evaluation or study request (a missing run, an unknown agent...)."""


class ScenarioError(SpecError):
    """A scenario file is invalid; names the file, the field and the fix."""

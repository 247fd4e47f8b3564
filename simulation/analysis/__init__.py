"""LLM-free analysis of runs: tidy tables, exports, diffusion, networks, behaviour, language.

Everything here reads a run with :func:`simulation.run_reader.load_run` and needs no model, no
memory store and no network. Anything that needs an LLM (post-run interviews, the judge) lives
in :mod:`agents.evaluation`.
"""

from simulation.analysis.errors import AnalysisError

__all__ = ["AnalysisError"]

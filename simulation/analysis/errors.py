"""The error of the analysis toolkit: a problem with the user's request, in one line."""

from __future__ import annotations


class AnalysisError(Exception):
    """A request the analysis cannot serve (unknown format, a missing optional package...)."""

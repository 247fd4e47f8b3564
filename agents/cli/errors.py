"""User errors of the command line: one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A problem with the user's input: printed without a traceback, exit code 2."""


# The ``run`` flag that sets each field of RunConfig (and of its LLMSettings and event specs).


def user_error_message(exc: BaseException) -> str | None:
    """The message for an error caused by the user's input, or None for a bug."""
    from pydantic import ValidationError

    from agents.assembly import CastError
    from agents.llm.errors import LLMSetupError
    from agents.llm.local_models import LocalModelError
    from agents.memory.index import ChromaUnreachable
    from agents.persona import PersonaError
    from simulation.analysis.errors import AnalysisError
    from simulation.checkpoint import CheckpointError
    from simulation.trajectory import TrajectoryError
    from worlds.errors import SpecError

    user_errors = (
        UserError,
        CastError,
        SpecError,
        PersonaError,
        CheckpointError,
        TrajectoryError,
        AnalysisError,
        ChromaUnreachable,
        LLMSetupError,
    )
    if isinstance(exc, user_errors):
        return str(exc)
    if isinstance(exc, LocalModelError):
        return str(exc)
    if isinstance(exc, ValidationError):
        lines = [
            f"{'.'.join(str(p) for p in e['loc']) or '(value)'}: {e['msg']}" for e in exc.errors()
        ]
        return "invalid settings:\n  " + "\n  ".join(lines)
    return None

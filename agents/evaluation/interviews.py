"""Post-run interviews: asking every agent of a finished run a question, without changing the run.

The interview step is pluggable: an :class:`Interviewer` answers a batch of ``(agent, question)``
pairs. :class:`TownInterviewer` asks the agents themselves, in character, from their memories:
it reopens a throw-away copy of the run at its last checkpoint (so retrieval bookkeeping never
touches the original) and never advances the simulation. :class:`FunctionInterviewer` answers
from a function, for tests or for answers gathered elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from agents.assembly import RunServices, default_services, reopen_town
from agents.evaluation.errors import EvaluationError
from agents.town import Town
from simulation.run_reader import CHECKPOINT_DIR, EVAL_DIR, EXPORT_DIR

logger = logging.getLogger(__name__)

Question = tuple[str, str]
"""``(agent, question)``."""

RELATIONSHIP_QUESTION = "Do you know {name}? What do you know about them?"
_SKIP_ON_COPY = (EXPORT_DIR, EVAL_DIR, "*.tmp")


class Interviewer(Protocol):
    """Answers interview questions put to agents of a run."""

    def ask_all(self, questions: Sequence[Question]) -> list[str]:
        """Returns one answer per ``(agent, question)``, in order."""
        ...


class FunctionInterviewer:
    """Answers with a function of ``(agent, question)``.

    Attributes:
        asked: Every question put, in order.
    """

    def __init__(self, answer: Callable[[str, str], str]) -> None:
        self._answer = answer
        self.asked: list[Question] = []

    def ask_all(self, questions: Sequence[Question]) -> list[str]:
        """Answers every question with the function."""
        self.asked.extend(questions)
        return [self._answer(agent, question) for agent, question in questions]


class TownInterviewer:
    """Asks the run's own agents, in character, at the run's last checkpoint.

    Args:
        run_dir: The finished run.
        services: Builds the LLM stack and embedder (default: the run's configured ones).
    """

    def __init__(self, run_dir: Path, services: RunServices = default_services) -> None:
        self.run_dir = Path(run_dir)
        self.services = services

    def ask_all(self, questions: Sequence[Question]) -> list[str]:
        """Reopens a copy of the run, asks every question (concurrently), and discards the copy.

        Raises:
            EvaluationError: If the run has no checkpoint or a question names an unknown agent.
        """
        if not questions:
            return []
        if not (self.run_dir / CHECKPOINT_DIR).is_dir():
            raise EvaluationError(f"{self.run_dir}: no {CHECKPOINT_DIR}/ to reopen the run from")
        with tempfile.TemporaryDirectory(prefix="gentown-interview-") as tmp:
            copy = Path(tmp) / self.run_dir.name
            shutil.copytree(self.run_dir, copy, ignore=shutil.ignore_patterns(*_SKIP_ON_COPY))
            town = reopen_town(copy, read_only=False, services=self.services)
            try:
                unknown = sorted({a for a, _ in questions if a not in town.minds})
                if unknown:
                    known = ", ".join(town.minds)
                    raise EvaluationError(
                        f"no agent {unknown[0]!r} in {self.run_dir}; agents: {known}"
                    )
                logger.info("interviewing %d agents: %d questions", len(town.minds), len(questions))
                return asyncio.run(_ask(town, questions))
            finally:
                town.close()


async def _ask(town: Town, questions: Sequence[Question]) -> list[str]:
    return list(await asyncio.gather(*(town.ainterview(a, q) for a, q in questions)))

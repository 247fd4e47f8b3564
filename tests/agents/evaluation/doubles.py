"""Picklable services on the scripted doubles, for evaluation and study tests (worker processes)."""

from __future__ import annotations

import json

from agents.assembly import LLMStack
from agents.llm.backend import CompletionRequest
from agents.run_config import RunConfig
from tests.doubles.embedder import HashingEmbedder
from tests.doubles.llm import ScriptedBackend
from tests.doubles.town_llm import town_backend


def scripted_services(config: RunConfig) -> tuple[LLMStack, HashingEmbedder]:
    """The town script (no response cache) and the hashing embedder."""
    settings = config.llm.model_copy(update={"cache": False})
    return LLMStack(settings, backend=town_backend()), HashingEmbedder()


class JudgeScript:
    """Answers the judge's templates; ``speaker`` picks the guessed name from the cast list.

    Args:
        score: The consistency score given to everyone.
        speaker: ``"first"`` (always the first listed character) or ``"named"`` (the character
            whose first name appears after "I'm " in the line, else the first).
        malformed: Step names whose reply is not valid JSON for the type.
    """

    def __init__(self, score: int = 4, speaker: str = "first", malformed: tuple[str, ...] = ()):
        self.score = score
        self.speaker = speaker
        self.malformed = malformed
        self.seen: list[str] = []

    def __call__(self, request: CompletionRequest) -> str:
        name = request.response_format["json_schema"]["name"]  # type: ignore[index]
        schema = request.response_format["json_schema"]["schema"]  # type: ignore[index]
        self.seen.append(name)
        prompt = request.messages[-1]["content"]
        if name in self.malformed:
            return "I would rather not say."
        if name == "PersonaConsistency":
            return json.dumps({"score": self.score, "reason": "fits the persona"})
        if name == "SpeakerGuess":
            cast = schema["properties"]["speaker"]["enum"]
            line = prompt.split('The line: "', 1)[1]
            guess = cast[0]
            if self.speaker == "named":
                guess = next((c for c in cast if f"I'm {c.split()[0]}" in line), cast[0])
            return json.dumps({"speaker": guess})
        if name == "ClaimCheck":
            supported = "(nothing)" not in prompt
            return json.dumps({"claims_to_know": True, "supported": supported, "unsupported": []})
        if name == "KnowsFact":
            answer = prompt.split("The answer:", 1)[1]
            return json.dumps({"knows": "yes" in answer.lower()})
        raise AssertionError(f"no judge reply for {name}")


def judge_backend(script: JudgeScript) -> ScriptedBackend:
    """A scripted backend answering the judge's calls."""
    return ScriptedBackend(script)

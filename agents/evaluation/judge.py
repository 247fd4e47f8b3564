"""The LLM judge: persona fidelity, speaker identification, relationship claims, fact knowledge.

PersonaGym-style consistency grades and PersonaEval-style speaker identification, as typed
calls through the gateway. Every judgement is a bounded pydantic type. A failed call (invalid
output after the gateway's retries, a provider error, a spent budget) gives ``None`` and a
recorded fallback in :attr:`Judge.fallbacks`; the caller then uses its LLM-free reading or
leaves the item out.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from agents.llm.errors import LLMError
from agents.llm.gateway import LLMGateway
from agents.persona import Persona

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PersonaConsistency(_Out):
    """A 1–5 grade of how well an agent's lines fit its persona."""

    score: int = Field(ge=1, le=5)
    reason: str = Field("", max_length=300)


class ClaimCheck(_Out):
    """Whether an answer claims to know a person, and whether memories support it."""

    claims_to_know: bool
    supported: bool
    unsupported: list[str] = Field(default_factory=list, max_length=3)


class KnowsFact(_Out):
    """Whether an interview answer shows the speaker knows a fact."""

    knows: bool


def describe_persona(persona: dict[str, Any]) -> str:
    """A persona mapping (as saved in a run) as a short description for a judge."""
    try:
        return Persona.model_validate(persona).describe()
    except ValueError:
        return ", ".join(f"{k}: {v}" for k, v in persona.items() if v)[:800]


def _short_description(persona: dict[str, Any]) -> str:
    bits = [str(persona.get("occupation") or "a resident")]
    if persona.get("age") is not None:
        bits.insert(0, f"{persona['age']}")
    traits = persona.get("traits") or []
    if traits:
        bits.append("; ".join(traits[:4]))
    if persona.get("speaking_style"):
        bits.append(f"speaks: {persona['speaking_style']}")
    return ", ".join(bits)[:300]


class Judge:
    """Judgement calls through an LLM gateway.

    Args:
        gateway: The judge's gateway (any litellm model, or a scripted double in tests).
        seed: Sampling seed passed with every call.
        temperature: Sampling temperature (0: as deterministic as the provider allows).

    Attributes:
        fallbacks: One record per failed call: ``{step, failure, error}``.
    """

    def __init__(self, gateway: LLMGateway, seed: int = 0, temperature: float = 0.0) -> None:
        self.gateway = gateway
        self.seed = seed
        self.temperature = temperature
        self.fallbacks: list[dict[str, str]] = []
        self._speaker_types: dict[tuple[str, ...], type[BaseModel]] = {}

    @property
    def model(self) -> str:
        """The judge's model id."""
        return self.gateway.settings.model

    async def _ask(self, step: str, output: type[T], inputs: dict[str, Any]) -> T | None:
        try:
            return await self.gateway.call(
                step=step,
                template=step,
                inputs=inputs,
                output=output,
                agent=None,
                seed=self.seed,
                temperature=self.temperature,
            )
        except LLMError as exc:
            logger.info("judge %s failed: %s", step, exc)
            self.fallbacks.append(
                {"step": step, "failure": exc.kind.value, "error": str(exc)[:300]}
            )
            return None

    async def persona_consistency(
        self, persona: dict[str, Any], utterances: list[str]
    ) -> PersonaConsistency | None:
        """Grades 1–5 how consistent an agent's lines are with its persona."""
        return await self._ask(
            "judge_persona",
            PersonaConsistency,
            {
                "persona": describe_persona(persona),
                "name": persona.get("name", "the character"),
                "utterances": utterances,
            },
        )

    def _speaker_type(self, names: tuple[str, ...]) -> type[BaseModel]:
        if names not in self._speaker_types:
            self._speaker_types[names] = create_model(
                "SpeakerGuess",
                __base__=_Out,
                speaker=(Literal[names], Field(description="The character who said it.")),  # type: ignore[valid-type]
            )
        return self._speaker_types[names]

    async def identify_speaker(
        self, utterance: str, cast: list[dict[str, Any]], place: str | None = None
    ) -> str | None:
        """Names which member of the cast said a line (``None`` if the call failed)."""
        names = tuple(str(p["name"]) for p in cast)
        reply = await self._ask(
            "judge_speaker",
            self._speaker_type(names),
            {
                "cast": [{"name": p["name"], "description": _short_description(p)} for p in cast],
                "utterance": utterance,
                "place": place or "",
            },
        )
        return None if reply is None else str(reply.speaker)  # type: ignore[attr-defined]

    async def check_claim(
        self, speaker: str, subject: str, answer: str, evidence: list[str]
    ) -> ClaimCheck | None:
        """Checks an answer to "Do you know <subject>?" against the speaker's memories of them."""
        return await self._ask(
            "judge_claim",
            ClaimCheck,
            {"speaker": speaker, "subject": subject, "answer": answer, "evidence": evidence},
        )

    async def knows_fact(self, fact: str, question: str, answer: str) -> bool | None:
        """Whether an answer shows the speaker knows a fact (``None`` if the call failed)."""
        reply = await self._ask(
            "judge_knows", KnowsFact, {"fact": fact, "question": question, "answer": answer}
        )
        return None if reply is None else reply.knows

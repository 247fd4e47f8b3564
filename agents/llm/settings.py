"""Settings of the LLM boundary: which model, how it is called, and what a run may spend."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"


class LLMSettings(BaseModel):
    """How gentown talks to its language model.

    Any litellm model string works (``openai/gpt-4o-mini``, ``anthropic/...``, ``ollama/...``,
    ``openai/<name>`` with ``api_base`` for an OpenAI-compatible server) as well as the bundled
    local models (``local/qwen2.5-coder-1.5b``, ``local/qwen2.5-coder-0.5b``,
    ``local/smollm2-135m``) and ``local/<path to a .gguf file>``.

    API keys are never stored here: ``api_key_env`` names the environment variable that holds
    the key, read only when a request is sent.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(DEFAULT_MODEL, min_length=1)
    api_base: str | None = None
    api_key_env: str | None = Field(
        None, description="Name of the environment variable holding the API key."
    )
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    max_tokens: int = Field(300, ge=16, le=8192)
    timeout_s: float = Field(
        120.0,
        gt=0,
        description="Remote providers: the longest wait for a whole reply. The bundled local "
        "runtime: the longest wait with no token arriving (before the first token or between "
        "two), so a long reply that is still being written never times out.",
    )
    output_retries: int = Field(2, ge=0, le=5, description="Retries after invalid output.")
    transient_retries: int = Field(4, ge=0, le=10, description="Retries after 429/5xx/timeouts.")
    backoff_base_s: float = Field(1.0, ge=0.0)
    backoff_max_s: float = Field(30.0, ge=0.0)
    concurrency: int = Field(4, ge=1, le=256, description="LLM calls in flight for the whole run.")
    structured_output: Literal["auto", "json_schema", "prompt"] = "auto"
    cache: bool = True
    max_run_tokens: int | None = Field(None, ge=1)
    max_run_cost_usd: float | None = Field(None, gt=0)

    @field_validator("model")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @property
    def is_local(self) -> bool:
        """Whether the model is one of the bundled local models or a local GGUF file."""
        return self.model.startswith("local/")

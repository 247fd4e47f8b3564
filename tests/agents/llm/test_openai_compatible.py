"""An OpenAI-compatible server end to end: the bundled runtime's own HTTP listener stands in
for vLLM or a llama.cpp server, reached through litellm's ``openai/`` provider."""

import asyncio

import pytest
from pydantic import BaseModel, Field

from agents.llm.accounting import Ledger
from agents.llm.gateway import LLMGateway
from agents.llm.litellm_backend import LiteLLMBackend
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from tests.servers import SERVER_KEY as KEY
from tests.servers import openai_compatible_server


class Mood(BaseModel):
    mood: str = Field(pattern="^(happy|sad)$")
    reason: str = Field(max_length=60)


@pytest.fixture(scope="module")
def server_address(tmp_path_factory):
    with openai_compatible_server(tmp_path_factory.mktemp("models")) as address:
        yield address


@pytest.mark.slow
def test_gateway_through_an_openai_compatible_server(server_address, tmp_path, monkeypatch):
    monkeypatch.setenv("GENTOWN_LOCAL_SERVER_KEY", KEY)
    (tmp_path / "mood.j2").write_text(
        "{% block user %}Are you happy or sad about {{ topic }}? Give a short reason.{% endblock %}"
    )
    settings = LLMSettings(
        model="openai/smollm2",
        api_base=f"{server_address}/v1",  # listening_address is a URL
        api_key_env="GENTOWN_LOCAL_SERVER_KEY",
        structured_output="json_schema",
        max_tokens=80,
        cache=False,
        timeout_s=60,
    )
    gateway = LLMGateway(settings, LiteLLMBackend(), PromptLibrary(tmp_path), Ledger())
    mood = asyncio.run(
        gateway.call(step="feel", template="mood", inputs={"topic": "rain"}, output=Mood)
    )
    assert mood.mood in {"happy", "sad"}
    assert gateway.ledger.total.prompt_tokens > 0
    assert gateway.ledger.total.completion_tokens > 0

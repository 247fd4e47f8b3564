import pytest
from pydantic import TypeAdapter, ValidationError

from agents.cognition.schemas import (
    ClockTime,
    ConversationOutcome,
    DayPlan,
    ImportanceScores,
    Insight,
    PersonUpdate,
    ReflectionQuestions,
    Utterance,
)

SAID = ["Hello, Tom! How are you?", "I'm fine; the cafe is busy."]


@pytest.mark.parametrize(
    "text",
    [
        "Hello, Tom! How are you?",
        "hello tom how are you",
        "  HELLO,   TOM...  how ARE you?! ",
        "Im fine the cafe is busy",
        "i'm FINE -- the cafe is busy!",
    ],
)
def test_utterance_rejects_a_line_already_said(text):
    with pytest.raises(ValidationError, match="already said"):
        Utterance.model_validate({"text": text}, context={"said": SAID})


def test_utterance_accepts_repeats_without_context_and_new_lines_with_it():
    assert Utterance.model_validate({"text": SAID[0]}).text == SAID[0]
    assert Utterance.model_validate({"text": SAID[0]}, context={}).text == SAID[0]
    assert Utterance.model_validate({"text": SAID[0]}, context={"said": []}).text == SAID[0]
    new = Utterance.model_validate(
        {"text": "Hello, Tom! How is work?", "end_conversation": True}, context={"said": SAID}
    )
    assert new.text == "Hello, Tom! How is work?" and new.end_conversation is True


def test_utterance_validated_from_json_with_context():
    with pytest.raises(ValidationError):
        Utterance.model_validate_json('{"text": "hello TOM, how are you"}', context={"said": SAID})


def test_utterance_length_and_default():
    assert Utterance(text="Hi").end_conversation is False
    with pytest.raises(ValidationError):
        Utterance(text="")
    with pytest.raises(ValidationError):
        Utterance(text="x" * 221)


@pytest.mark.parametrize("value", ["00:00", "07:30", "09:05", "19:59", "23:59"])
def test_clock_time_accepts(value):
    assert TypeAdapter(ClockTime).validate_python(value) == value


@pytest.mark.parametrize(
    "value", ["24:00", "7:30", "07:3", "12:60", "noon", "07:30 ", " 07:30", "07-30", "007:30"]
)
def test_clock_time_rejects(value):
    with pytest.raises(ValidationError):
        TypeAdapter(ClockTime).validate_python(value)


def test_importance_scores_bounds():
    assert ImportanceScores(scores=[1, 10]).scores == [1, 10]
    for bad in ([0], [11], [], [5] * 21):
        with pytest.raises(ValidationError):
            ImportanceScores(scores=bad)


def test_day_plan_stroke_limits():
    assert len(DayPlan(strokes=["wake up"] * 3).strokes) == 3
    for bad in (["wake up"] * 2, ["wake up"] * 9, ["ab", "wake up", "wake up"]):
        with pytest.raises(ValidationError):
            DayPlan(strokes=bad)


def test_reflection_and_insight_limits():
    assert ReflectionQuestions(questions=["Why am I tired?"]).questions == ["Why am I tired?"]
    with pytest.raises(ValidationError):
        ReflectionQuestions(questions=["Why?"] * 4)
    assert Insight(text="I like mornings").evidence == []
    for bad in ([0], [41], [1, 2, 3, 4, 5, 6]):
        with pytest.raises(ValidationError):
            Insight(text="I like mornings", evidence=bad)


def test_person_update_choices():
    assert PersonUpdate(op="add", field="said").value == ""
    with pytest.raises(ValidationError):
        PersonUpdate(op="replace", field="said", value="x")
    with pytest.raises(ValidationError):
        PersonUpdate(op="add", field="age", value="x")


def test_conversation_outcome_agreed_time_is_a_clock_time():
    outcome = ConversationOutcome(summary="We chatted", agreed_time="18:30", extra="ignored")
    assert outcome.agreed_time == "18:30" and outcome.view_updates == []
    with pytest.raises(ValidationError):
        ConversationOutcome(summary="We chatted", agreed_time="6:30pm")

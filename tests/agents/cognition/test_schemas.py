import pytest
from pydantic import TypeAdapter, ValidationError

from agents.cognition.schemas import (
    SCENE_LINES,
    ClockTime,
    ConversationOutcome,
    ImportanceScores,
    Insight,
    PersonUpdate,
    ReflectionQuestions,
    Utterance,
    line_context,
    line_problem,
    outcome_model,
    scene_model,
    utterance_model,
)

TOM, ROSA, LEO = "Tom Castellano", "Rosa Delgado", "Leo Park"
CAST = [TOM, ROSA, LEO, "Hank Brennan"]
SAID = ["Hello, Rosa! How are you?", "I'm fine; the cafe is busy."]


def said_by_tom(text, to=ROSA, listeners=(ROSA,), said=SAID, model=Utterance):
    """Validates a line Tom says in a conversation with ``listeners``."""
    context = line_context(TOM, list(listeners), CAST, said)
    return model.model_validate({"to": to, "text": text}, context=context)


@pytest.mark.parametrize(
    "text",
    [
        "Hello, Rosa! How are you?",
        "hello rosa how are you",
        "  HELLO,   ROSA...  how ARE you?! ",
        "Im fine the cafe is busy",
        "i'm FINE -- the cafe is busy!",
    ],
)
def test_utterance_rejects_a_line_already_said(text):
    with pytest.raises(ValidationError, match="already said"):
        said_by_tom(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Oh, Tom! You're just the man to talk to.", f"addresses {TOM}, who is the speaker"),
        ("Hi Tom, how is the paper going?", f"addresses {TOM}, who is the speaker"),
        ("Oh, Leo! I see you're busy.", f"addresses {LEO}, who is not in this conversation"),
        (
            "Rosa Delgado is always up before dawn.",
            f"describes {ROSA} in the third person",
        ),
        ("Rosa's been running this cafe for years.", f"describes {ROSA} in the third person"),
    ],
    ids=["self_vocative", "self_greeting", "outsider_vocative", "third_person", "third_person_s"],
)
def test_utterance_rejects_a_wrongly_addressed_line(text, reason):
    with pytest.raises(ValidationError, match=reason):
        said_by_tom(text)


def test_utterance_rejects_a_to_outside_the_listeners():
    with pytest.raises(ValidationError, match=f"'to' must be one of: {ROSA}"):
        said_by_tom("Lovely morning, isn't it?", to=LEO)
    with pytest.raises(ValidationError, match="'to' must be one of"):
        said_by_tom("Lovely morning, isn't it?", to=TOM)


def test_the_per_conversation_type_limits_to_to_the_listeners():
    model = utterance_model((ROSA, LEO))
    assert model is utterance_model((ROSA, LEO))  # built once
    assert said_by_tom("Morning, both!", to=LEO, listeners=(ROSA, LEO), model=model).to == LEO
    with pytest.raises(ValidationError):
        model.model_validate({"to": "Hank Brennan", "text": "Morning!"})  # no context needed
    assert model.model_json_schema()["properties"]["to"]["enum"] == [ROSA, LEO]


@pytest.mark.parametrize(
    "text",
    [
        "Morning, Rosa! Did you hear about the flood meeting?",
        "I saw Leo at the shop earlier.",  # a name in passing
        "You look tired, Rosa. Long night?",
        "Hank says the river is rising.",
    ],
)
def test_utterance_accepts_a_well_addressed_line(text):
    assert said_by_tom(text).text == text


def test_utterance_with_several_listeners_may_speak_of_one_to_the_others():
    line = said_by_tom("Rosa is the best baker in town.", to=LEO, listeners=(ROSA, LEO))
    assert line.to == LEO


def test_utterance_accepts_anything_without_context():
    assert Utterance.model_validate({"to": "x", "text": SAID[0]}).text == SAID[0]
    assert Utterance.model_validate({"to": "x", "text": SAID[0]}, context={}).text == SAID[0]
    new = said_by_tom("Hello, Rosa! How is work?")
    assert new.text == "Hello, Rosa! How is work?" and new.end is False


def test_utterance_validated_from_json_with_context():
    context = line_context(TOM, [ROSA], CAST, SAID)
    with pytest.raises(ValidationError):
        Utterance.model_validate_json(
            f'{{"to": "{ROSA}", "text": "hello ROSA, how are you"}}', context=context
        )


def test_utterance_length_and_default():
    assert Utterance(to=ROSA, text="Hi").end is False
    with pytest.raises(ValidationError):
        Utterance(to=ROSA, text="")
    with pytest.raises(ValidationError):
        Utterance(to=ROSA, text="x" * 221)
    with pytest.raises(ValidationError):
        Utterance(text="Hi")  # says to whom


def test_line_context_and_line_problem():
    context = line_context(TOM, (ROSA,), CAST, ("Hi!",))
    assert context == {"speaker": TOM, "listeners": [ROSA], "cast": CAST, "said": ["Hi!"]}
    assert line_problem("Hi!", ROSA, None) is None
    assert line_problem("hi", ROSA, context) == (
        "this line was already said in the conversation; say something new"
    )
    assert line_problem("How are you?", ROSA, context) is None


# --- scenes -------------------------------------------------------------------------------------


def scene(*lines, participants=(TOM, ROSA), said=()):
    context = line_context(participants[0], list(participants[1:]), CAST, list(said))
    return scene_model(participants).model_validate(
        {"lines": [{"by": b, "to": t, "text": x} for b, t, x in lines]}, context=context
    )


GOOD_SCENE = [
    (TOM, ROSA, "Morning! Did you hear the Gazette is hosting a debate on Friday?"),
    (ROSA, TOM, "No! Where is it, Tom?"),
    (TOM, ROSA, "At the college, at seven. Will you come?"),
]


def test_a_scene_of_lines_between_the_participants_is_valid():
    written = scene(*GOOD_SCENE)
    assert [(line.by, line.to) for line in written.lines] == [(a, b) for a, b, _ in GOOD_SCENE]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([GOOD_SCENE[1], GOOD_SCENE[0]], f"the first line must be said by {TOM}"),
        ([GOOD_SCENE[0], (ROSA, ROSA, "Hmm, what now?")], "cannot speak to themself"),
        (
            [GOOD_SCENE[0], (ROSA, TOM, "Oh, Rosa! That is news to me.")],
            f"line 2: the line addresses {ROSA}, who is the speaker",
        ),
        (
            [GOOD_SCENE[0], (ROSA, TOM, "Tom is always the first to know.")],
            f"line 2: the line describes {TOM} in the third person",
        ),
        (
            [GOOD_SCENE[0], (ROSA, TOM, "Hi Leo, are you coming?")],
            f"line 2: the line addresses {LEO}, who is not in this conversation",
        ),
        ([GOOD_SCENE[0], (ROSA, TOM, GOOD_SCENE[0][2])], "line 2: this line was already said"),
        ([GOOD_SCENE[0]], "at least 2"),
        (GOOD_SCENE * 3, f"at most {SCENE_LINES}"),
    ],
    ids=[
        "opener_not_first",
        "to_self",
        "self_vocative",
        "third_person",
        "outsider",
        "repeat",
        "too_short",
        "too_long",
    ],
)
def test_a_scene_with_a_wrong_line_is_invalid(lines, reason):
    with pytest.raises(ValidationError, match=reason):
        scene(*lines)


def test_a_scene_may_only_name_its_participants():
    with pytest.raises(ValidationError):
        scene(GOOD_SCENE[0], (LEO, TOM, "I heard that too."))
    with pytest.raises(ValidationError):
        scene(GOOD_SCENE[0], (ROSA, LEO, "I heard that too."))


def test_a_scene_may_not_repeat_what_was_said_before_it():
    with pytest.raises(ValidationError, match="already said"):
        scene(*GOOD_SCENE, said=[GOOD_SCENE[2][2]])


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
    assert outcome.agreed_time == "18:30" and not hasattr(outcome, "extra")
    with pytest.raises(ValidationError):
        ConversationOutcome(summary="We chatted", agreed_time="6:30pm")


def test_conversation_outcome_rates_importance_and_names_a_known_place():
    outcome = ConversationOutcome(summary="We chatted")
    assert outcome.importance == 5 and outcome.agreed_place is None
    for bad in (0, 11):
        with pytest.raises(ValidationError):
            ConversationOutcome(summary="We chatted", importance=bad)
    model = outcome_model(("Corner Cafe, counter", "Town Park, lawn"))
    agreed = model.model_validate(
        {
            "summary": "Rosa invited me to her party",
            "importance": 7,
            "agreed_time": "19:00",
            "agreed_activity": "Rosa's party",
            "agreed_place": "Town Park, lawn",
        }
    )
    assert (agreed.agreed_place, agreed.importance) == ("Town Park, lawn", 7)
    with pytest.raises(ValidationError):
        model.model_validate({"summary": "We chatted", "agreed_place": "the moon"})

import pytest
from pydantic import ValidationError

from agents.cognition.places import NO_OBJECT, KnownArena, ScheduledBlock
from tests.agents.cognition.conftest import CAFE, HOME, PARK, PLACES


def step(thing="desk", minutes=30, description="writing letters", emoji="✍"):
    return {"description": description, "emoji": emoji, "thing": thing, "minutes": minutes}


def test_lookups_by_label_and_address():
    assert PLACES.labels() == ["Rose Cottage, bedroom", "Corner Cafe, counter", "Town Park, lawn"]
    assert PLACES.by_label["Town Park, lawn"] is PARK
    assert PLACES.by_address["Corner Cafe:counter"] is CAFE


def test_steps_accept_only_the_arenas_objects_or_none():
    model = PLACES.steps_model(HOME)
    parsed = model.model_validate({"steps": [step("desk"), step("bed"), step(NO_OBJECT)]})
    assert [s.thing for s in parsed.steps] == ["desk", "bed", "none"]
    for other in ("coffee machine", "Rose Cottage:bedroom:desk", "Desk", None):
        with pytest.raises(ValidationError):
            model.model_validate({"steps": [step(other)]})


def test_steps_schema_enum_and_empty_arena():
    schema = PLACES.steps_model(HOME).model_json_schema()
    assert schema["$defs"]["Step"]["properties"]["thing"]["enum"] == ["bed", "desk", "none"]
    park = PLACES.steps_model(PARK)
    assert park.model_validate({"steps": [step(NO_OBJECT)]}).steps[0].thing == "none"
    with pytest.raises(ValidationError):
        park.model_validate({"steps": [step("desk")]})


def test_arenas_with_the_same_objects_share_one_steps_type():
    twin = KnownArena("Elsewhere:room", "Elsewhere, room", {"bed": "E:r:bed", "desk": "E:r:desk"})
    assert PLACES.steps_model(twin) is PLACES.steps_model(HOME)
    assert PLACES.steps_model(CAFE) is not PLACES.steps_model(HOME)


def test_step_count_limits():
    model = PLACES.steps_model(HOME)
    with pytest.raises(ValidationError):
        model.model_validate({"steps": []})
    assert len(model.model_validate({"steps": [step()]}).steps) == 1
    assert len(model.model_validate({"steps": [step()] * 4}).steps) == 4
    with pytest.raises(ValidationError):
        model.model_validate({"steps": [step()] * 5})


@pytest.mark.parametrize(("minutes", "ok"), [(4, False), (5, True), (60, True), (61, False)])
def test_step_minutes_limits(minutes, ok):
    model = PLACES.steps_model(HOME)
    if ok:
        assert model.model_validate({"steps": [step(minutes=minutes)]}).steps[0].minutes == minutes
    else:
        with pytest.raises(ValidationError):
            model.model_validate({"steps": [step(minutes=minutes)]})


@pytest.mark.parametrize(
    "bad", [{"description": "ab"}, {"description": "x" * 61}, {"emoji": "12345"}]
)
def test_step_text_limits(bad):
    with pytest.raises(ValidationError):
        PLACES.steps_model(HOME).model_validate({"steps": [{**step(), **bad}]})


def test_scheduled_block_is_frozen():
    scheduled = ScheduledBlock(start="08:00", activity="working", arena=CAFE.address)
    with pytest.raises(ValidationError):
        scheduled.arena = HOME.address

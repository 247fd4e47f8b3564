from agents.cognition.schemas import PersonUpdate
from agents.cognition.views import MAX_FIELD_CHARS, PersonViews


def op(op, field, value=""):
    return PersonUpdate(op=op, field=field, value=value)


def test_initial_relationships_become_roles_truncated():
    views = PersonViews({"Tom": "a regular", "Maya": "y" * 300})
    assert views.profiles == {"Tom": {"role": "a regular"}, "Maya": {"role": "y" * MAX_FIELD_CHARS}}
    assert views.knows("Tom") and not views.knows("Zed")
    assert PersonViews().profiles == {}


def test_update_replaces_and_add_appends():
    views = PersonViews({"Tom": "a regular"})
    views.apply("Tom", [op("update", "role", "the carpenter"), op("add", "said", "likes tea")])
    views.apply("Tom", [op("add", "said", "plans a party")])
    assert views.profiles["Tom"] == {"role": "the carpenter", "said": "likes tea; plans a party"}


def test_delete_removes_a_field_and_ignores_missing_ones():
    views = PersonViews({"Tom": "a regular"})
    views.apply("Tom", [op("delete", "role"), op("delete", "plans")])
    assert views.profiles["Tom"] == {}


def test_empty_values_and_none_ops_change_nothing():
    views = PersonViews({"Tom": "a regular"})
    views.apply(
        "Tom", [op("update", "role", ""), op("add", "role", ""), op("none", "feeling", "happy")]
    )
    assert views.profiles["Tom"] == {"role": "a regular"}


def test_apply_to_a_stranger_starts_a_profile():
    views = PersonViews()
    views.apply("Maya", [op("add", "feeling", "curious")])
    assert views.profiles == {"Maya": {"feeling": "curious"}}
    assert views.knows("Maya")


def test_no_op_updates_do_not_make_a_stranger_known():
    views = PersonViews()
    views.apply("Maya", [op("add", "feeling", ""), op("delete", "role")])
    assert not views.knows("Maya") and views.profiles == {}


def test_update_keeps_the_head_and_add_keeps_the_tail():
    views = PersonViews()
    long = "a" * 200 + "b" * 100  # longer than PersonUpdate allows, e.g. built by a caller
    views.apply("Tom", [PersonUpdate.model_construct(op="update", field="role", value=long)])
    assert views.profiles["Tom"]["role"] == "a" * 200 + "b" * 40
    for i in range(5):
        views.apply("Tom", [op("add", "said", f"item{i} " + "x" * 100)])
    said = views.profiles["Tom"]["said"]
    assert len(said) == MAX_FIELD_CHARS
    assert said.endswith("item4 " + "x" * 100)
    assert "item0" not in said


def test_describe_known_person_in_field_order():
    views = PersonViews()
    views.apply(
        "Tom",
        [
            op("add", "plans", "a party"),
            op("add", "feeling", "cheerful"),
            op("add", "role", "a friend"),
        ],
    )
    assert views.describe("Tom") == "Tom: role: a friend; feeling: cheerful; plans: a party"


def test_describe_unknown_or_empty_profile():
    views = PersonViews({"Tom": "a regular"})
    assert views.describe("Zed") == "Zed: someone not known well yet"
    views.apply("Tom", [op("delete", "role")])
    assert views.describe("Tom") == "Tom: someone not known well yet"


def test_get_state_is_a_copy():
    views = PersonViews({"Tom": "a regular"})
    state = views.get_state()
    state["Tom"]["role"] = "changed"
    state["Zed"] = {"role": "new"}
    assert views.profiles == {"Tom": {"role": "a regular"}}


def test_set_state_round_trip_is_a_copy():
    views = PersonViews({"Tom": "a regular"})
    views.apply("Tom", [op("add", "said", "hello")])
    state = views.get_state()
    restored = PersonViews()
    restored.set_state(state)
    assert restored.profiles == views.profiles
    assert restored.describe("Tom") == views.describe("Tom")
    state["Tom"]["said"] = "mutated after restore"
    assert restored.profiles["Tom"]["said"] == "hello"

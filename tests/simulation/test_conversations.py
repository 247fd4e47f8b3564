import json

from simulation.actions import Line
from simulation.conversations import VIEW_TURNS, Conversation, ConversationBook


def talk(book, turns=12, who=("Ana", "Bo")):
    conversation = book.start(list(who), "Rose Cottage:kitchen", tick=3)
    conversation.turns = [(who[i % 2], f"line {i}") for i in range(turns)]
    return conversation


def test_while_a_conversation_goes_on_its_participants_see_the_last_turns():
    conversation = talk(ConversationBook())
    view = conversation.view_for("Bo")
    assert len(view.turns) == VIEW_TURNS == 8
    assert view.turns[-1] == ("Bo", "line 11") and view.your_turn is False
    assert conversation.view_for("Ana").your_turn is True
    assert len(conversation.view_for("Ana", recent=None).turns) == 12


def test_nobody_speaks_of_their_own_while_a_written_scene_plays():
    conversation = Conversation("c1", ["Ana", "Bo"], None, 1, turns=[("Ana", "Hi")])
    conversation.script = [Line(speaker="Bo", to=("Ana",), text="Hello!")]
    assert conversation.next_speakers() == []
    assert not conversation.view_for("Bo").your_turn
    conversation.script = []
    assert conversation.next_speakers() == ["Bo"]


def test_a_finished_conversation_is_told_whole_to_each_participant_once():
    book = ConversationBook()
    conversation = talk(book)
    assert not book.has_untold("Ana")
    book.close(conversation)
    assert book.finished == 1 and book.of("Ana") is None
    assert book.has_untold("Ana") and book.has_untold("Bo")
    (view,) = book.take_finished("Ana")
    assert view.id == conversation.id and view.participants == ("Ana", "Bo")
    assert view.turns[0] == ("Ana", "line 0") and len(view.turns) == 12
    assert book.take_finished("Ana") == ()
    assert not book.has_untold("Ana")
    assert len(book.take_finished("Bo")[0].turns) == 12
    assert book.take_finished("Cleo") == ()


def test_closing_twice_tells_once():
    book = ConversationBook()
    conversation = talk(book, turns=2)
    book.close(conversation)
    book.close(conversation)
    assert book.finished == 1 and len(book.take_finished("Bo")) == 1


def test_untold_transcripts_and_open_scenes_survive_a_checkpoint():
    book = ConversationBook()
    book.close(talk(book))
    scene = talk(book, turns=1, who=("Bo", "Cleo"))
    scene.script = [Line(speaker="Cleo", to=("Bo",), text="And then?")]
    book.take_finished("Bo")  # Bo was told already, Ana not yet

    state = json.loads(json.dumps(book.get_state()))
    restored = ConversationBook()
    restored.set_state(state)

    assert restored.get_state() == state
    assert restored.take_finished("Bo") == ()
    (view,) = restored.take_finished("Ana")
    assert len(view.turns) == 12
    reopened = restored.of("Cleo")
    assert reopened.script == [Line(speaker="Cleo", to=("Bo",), text="And then?")]
    assert restored.start(["Ana", "Cleo"], None, 9).id == "c3"


def test_a_checkpoint_without_untold_conversations_restores_as_none_untold():
    book = ConversationBook()
    state = book.get_state()
    del state["untold"]
    restored = ConversationBook()
    restored.set_state(state)
    assert restored.take_finished("Ana") == ()

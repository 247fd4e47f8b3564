"""Converse: what a person says, to whom, and what they take away afterwards.

Each line is grounded as in Generative Agents: before speaking, the person retrieves memories
for several focal points (the partner, what the partner is doing, the last lines) and sees what
is on their mind (intentions, promises, the rest of today's plan), each with a relative date.
Lines name their addressee and are checked (see :class:`~agents.cognition.schemas.Utterance`):
small models otherwise speak as, or to, the wrong person.

Two modes:
- ``line``: one call per line; each participant writes their own lines from their own mind.
- ``scene``: the opener writes a short exchange in one call (speakers and addressees limited to
  the participants), and the narrator plays it out over the following turns (GenSim's script
  mode); the partner still remembers the whole conversation afterwards.

Afterwards each participant remembers the whole transcript (first and last lines kept), with a
summary that names what was learned, and an agreed time and place becomes a plan block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from agents.cognition.grounding import TRANSCRIPT_MARK, dated_lines
from agents.cognition.places import ScheduledBlock
from agents.cognition.schemas import (
    CONVERSATION_DEFAULT_IMPORTANCE,
    PersonUpdate,
    Utterance,
    line_context,
    outcome_model,
    scene_model,
    utterance_model,
)
from agents.cognition.services import AgentServices
from agents.cognition.views import PersonViews
from agents.memory.records import MemoryKind
from simulation.actions import Line
from simulation.perception import ConversationView

ConversationMode = Literal["line", "scene"]
FALLBACK_LINE = "Sorry, I have to get going. Talk later!"
MEMORIES_PER_FOCUS = 3
MAX_MEMORIES = 8
UTTERANCE_MAX_TOKENS = 120
"""Room for the longest valid line (220 characters, about 75 tokens) and its JSON: a limit
below that cuts a valid reply into unfinished JSON, which is then asked again."""
SCENE_MAX_TOKENS = 420
OUTCOME_MAX_TOKENS = 200
MEMORY_CHARS = 900
SUMMARY_CHARS = 200
"""Length of the summary written when the outcome call failed."""


@dataclass(frozen=True)
class Scene:
    """What a speaker knows about the moment: where, when, and what is on their mind.

    Attributes:
        place: Where the conversation happens, as prompts name it.
        now: The simulated time.
        on_mind: The speaker's intentions, promises and the rest of today's plan.
        partner_activity: What each listener is doing, by name (from what the speaker sees).
    """

    place: str
    now: datetime
    on_mind: Sequence[str] = ()
    partner_activity: dict[str, str] | None = None


class Conversationalist:
    """Speaks in conversations and remembers them.

    Args:
        services: The agent's services.
        views: The agent's views of others (read for each turn, updated after).
        mode: ``"line"`` (one call per line) or ``"scene"`` (the opener writes the exchange).
    """

    def __init__(
        self, services: AgentServices, views: PersonViews, mode: ConversationMode = "line"
    ) -> None:
        self.services = services
        self.views = views
        self.mode = mode

    async def utter(
        self,
        listeners: Sequence[str],
        turns: Sequence[tuple[str, str]],
        scene: Scene,
        tick: int,
        reason: str = "",
    ) -> Utterance:
        """Returns the agent's next line (a polite closing line if the model fails)."""
        services = self.services
        said = [text for _, text in turns]
        reply = await services.ask(
            "converse",
            "converse",
            utterance_model(tuple(listeners)),
            tick,
            scene.now,
            max_tokens=UTTERANCE_MAX_TOKENS,
            context=line_context(services.name, listeners, list(services.cast), said),
            **self._grounding(listeners, turns, scene, reason),
        )
        return reply or Utterance(to=listeners[0], text=FALLBACK_LINE, end=True)

    async def open_scene(
        self, listeners: Sequence[str], scene: Scene, tick: int, reason: str = ""
    ) -> list[Line] | None:
        """Writes a short exchange opened by this agent (scene mode); None if the model fails."""
        services = self.services
        participants = (services.name, *listeners)
        reply = await services.ask(
            "converse",
            "converse_scene",
            scene_model(participants),
            tick,
            scene.now,
            max_tokens=SCENE_MAX_TOKENS,
            context=line_context(services.name, listeners, list(services.cast), []),
            partners=[f"{n} ({services.cast.get(n, 'a resident')})" for n in listeners],
            **self._grounding(listeners, (), scene, reason),
        )
        if reply is None:
            return None
        return [Line(speaker=line.by, to=(line.to,), text=line.text) for line in reply.lines]

    def _grounding(
        self,
        listeners: Sequence[str],
        turns: Sequence[tuple[str, str]],
        scene: Scene,
        reason: str,
    ) -> dict[str, object]:
        """The prompt inputs a line rests on: focal-point memories, views, what is on mind."""
        services = self.services
        focal = [*listeners]
        for name in listeners:
            activity = (scene.partner_activity or {}).get(name)
            focal.append(f"{name} is {activity}" if activity else f"my relationship with {name}")
        if turns:
            focal.append(" ".join(text for _, text in turns[-2:]))
        elif reason:
            focal.append(reason)
        rankings = services.memory.retrieve_each(
            services.name, focal, scene.now, k=MEMORIES_PER_FOCUS
        )
        seen: set[str] = set()
        records = []
        for ranking in rankings:
            for scored in ranking:
                if scored.record.id not in seen and len(records) < MAX_MEMORIES:
                    seen.add(scored.record.id)
                    records.append(scored.record)
        records.sort(key=lambda r: r.created)
        on_mind = list(scene.on_mind)
        memories = [m for m in dated_lines(records, scene.now) if m not in on_mind]
        about = []
        for name in listeners:
            about.append(f"About {self.views.describe(name).rstrip('.')}.")
            if activity := (scene.partner_activity or {}).get(name):
                about.append(f"{name} is {activity}.")
        return {
            "moment": scene.now.strftime("%A %H:%M"),
            "place": scene.place,
            "listeners": list(listeners),
            "about": about,
            "on_mind": on_mind,
            "memories": memories,
            "turns": list(turns),
            "reason": reason,
        }

    async def conclude(
        self, conversation: ConversationView, place: str, now: datetime, tick: int
    ) -> ScheduledBlock | None:
        """Remembers a finished conversation (all of it), updates views; returns a commitment.

        The outcome call is the same for every participant (the conversation's id seeds it and
        the prompt names no one as "you"), so participants told in the same tick share one
        reply. The last thing each other person said is noted in the view of them.
        """
        services = self.services
        others = [p for p in conversation.participants if p != services.name]
        if not others or not conversation.turns:
            return None
        places = tuple(services.places.public_labels())
        reply = await services.ask(
            "conversation_outcome",
            "conversation_outcome",
            outcome_model(places),
            tick,
            now,
            max_tokens=OUTCOME_MAX_TOKENS,
            shared_by=conversation.id,
            moment=now.strftime("%A %H:%M"),
            place=place,
            participants=list(conversation.participants),
            turns=list(conversation.turns),
            places=list(places),
        )
        summary = reply.summary if reply else _first_and_last(conversation.turns)
        importance = reply.importance if reply else CONVERSATION_DEFAULT_IMPORTANCE
        text = conversation_memory(as_remembered_by(summary, services.name), others, place,
                                   conversation.turns)  # fmt: skip
        services.remember(MemoryKind.CONVERSATION, text, tick, now, importance)
        for other in others:
            said = [line for speaker, line in conversation.turns if speaker == other]
            if said:  # the last thing they said
                update = PersonUpdate(op="update", field="said", value=said[-1][:120])
                self.views.apply(other, [update])
        if reply is None:
            return None
        if reply.agreed_time and reply.agreed_activity:
            label = reply.agreed_place
            arena = services.places.by_label[label].address if label else None
            return ScheduledBlock(
                start=reply.agreed_time,
                activity=reply.agreed_activity,
                arena=arena or _mentioned_arena(services, f"{reply.agreed_activity} {summary}"),
            )
        return None


def conversation_memory(
    summary: str, others: Sequence[str], place: str, turns: Sequence[tuple[str, str]]
) -> str:
    """The memory of a conversation: its summary, then the transcript.

    The transcript keeps the first and the last lines whole (news is usually told at the
    start, agreements are made at the end) and shortens the middle to fit.
    """
    head = f"{summary} (talked with {', '.join(others)} at {place}{TRANSCRIPT_MARK}"
    lines = [f"{speaker}: {text}" for speaker, text in turns]
    budget = MEMORY_CHARS - len(head) - 1
    body = " / ".join(lines)
    if len(body) > budget and len(lines) > 2:
        first, last = lines[0], lines[-1]
        room = budget - len(first) - len(last) - 12
        middle = " / ".join(lines[1:-1])
        shortened = (middle[: max(0, room)] + "…") if room > 0 else "…"
        body = f"{first} / {shortened} / {last}"
    return f"{head}{body[:budget]})"


def as_remembered_by(summary: str, name: str) -> str:
    """The shared summary as one participant remembers it: their name is marked as "you".

    Prompts show a conversation by its summary and speak to the person as "you"; a small
    model answering as Ada does not see herself in "Rosa told Ada Lindqvist about the party",
    but does in "Rosa told you (Ada Lindqvist) about the party".
    """
    first = name.split()[0]
    for form in (name, first):
        if re.search(rf"\b{re.escape(form)}\b", summary):
            return re.sub(rf"\b{re.escape(form)}\b", f"you ({name})", summary, count=1)
    return summary


def _first_and_last(turns: Sequence[tuple[str, str]]) -> str:
    """A summary when the outcome call failed: who said what first (the news) and last."""
    first = f"{turns[0][0]} said: {turns[0][1]}"
    if len(turns) == 1:
        return first[:SUMMARY_CHARS]
    last = f"{turns[-1][0]} said: {turns[-1][1]}"
    return f"{first[: SUMMARY_CHARS // 2]} … {last[: SUMMARY_CHARS // 2]}"


def _mentioned_arena(services: AgentServices, text: str) -> str:
    """The known arena whose label (or sector) the text mentions, else the agent's home."""
    lowered = text.lower()
    for arena in services.places.arenas:
        sector = arena.label.split(",")[0].lower()
        if arena.label.lower() in lowered or sector in lowered:
            return arena.address
    return services.places.home_arena

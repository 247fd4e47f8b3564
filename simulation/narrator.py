"""The narrator's rules: the one door through which intentions change the world.

Minds return what their agents *attempt*. The narrator resolves attempts in a seeded order into
outcomes: a closed shop turns a visitor away, a bed holds one sleeper, two people reaching for the
same stove are served first come first served, words reach only those in earshot. Hard quantities
(occupancy, opening hours) live here in code; every outcome is a typed event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from simulation.actions import Action, Continue, DoActivity, Line, Say, Sleep
from simulation.body import Activity, Body
from simulation.conversations import Conversation, ConversationBook
from simulation.events import Event, EventKind
from simulation.pathfinding import find_path
from worlds.hours import parse_clock_time
from worlds.places import Arena
from worlds.world import World

EARSHOT_TILES = 6
SILENT_TICKS_TO_END = 2
SCRIPT_LINES_PER_TICK = 2
"""Lines of a written scene played per tick: one exchange, as two people talk in ten minutes."""


class Narrator:
    """Resolves intended actions against the world's rules.

    Args:
        world: The town.
        bodies: Every body, by name.
        conversations: The run's conversations.
        workplaces: Sector each agent works in (they may enter it outside opening hours).
        minutes_per_tick: Simulated minutes per tick, to turn durations into ticks.
    """

    def __init__(
        self,
        world: World,
        bodies: dict[str, Body],
        conversations: ConversationBook,
        workplaces: dict[str, str],
        minutes_per_tick: int,
    ) -> None:
        self.world = world
        self.bodies = bodies
        self.conversations = conversations
        self.workplaces = workplaces
        self.minutes_per_tick = minutes_per_tick
        self.object_states: dict[str, str] = {o.id: o.start_state for o in world.objects}
        self.users: dict[str, set[str]] = {}
        self._last_utterance: dict[str, int] = {}
        self._ended_now: set[str] = set()

    # --- resolution ----------------------------------------------------------------------

    def resolve(
        self, intentions: dict[str, Action], order: list[str], tick: int, now: datetime
    ) -> list[Event]:
        """Turns intentions into outcomes, in ``order`` (a seeded shuffle); returns the events."""
        events: list[Event] = []
        spoken: set[str] = set()
        self._ended_now: set[str] = set()
        for body in self.bodies.values():
            body.state.utterance = None
        for conversation in list(self.conversations.open.values()):
            if conversation.script:
                spoken.add(conversation.id)
                events += self._play_script(conversation, SCRIPT_LINES_PER_TICK, tick, now)
        for name in order:
            body = self.bodies[name]
            action = intentions.get(name, Continue())
            if isinstance(action, DoActivity | Sleep):
                events += self._take_up(body, action, tick, now)
            elif isinstance(action, Say):
                events += self._say(body, action, spoken, tick, now)
        events += self._end_quiet_conversations(tick, now)
        return events

    def _event(self, kind: EventKind, tick: int, now: datetime, **fields: object) -> Event:
        return Event(kind=kind, tick=tick, time=now, **fields)  # type: ignore[arg-type]

    def _refuse(self, body: Body, why: str, tick: int, now: datetime, place: str | None) -> Event:
        body.state.outcome = why
        return self._event(
            EventKind.ACTION_REFUSED, tick, now, agents=(body.name,), place=place, text=why
        )

    def _take_up(
        self, body: Body, action: DoActivity | Sleep, tick: int, now: datetime
    ) -> list[Event]:
        arena = self.world.find(action.arena)
        if not isinstance(arena, Arena):
            return [self._refuse(body, f"there is no place called {action.arena}", tick, now, None)]
        sector = self.world.get_sector(arena.sector)
        if not sector.is_open(now) and self.workplaces.get(body.name) != sector.name:
            why = f"{sector.name} is closed ({sector.opening_hours})"
            return [self._refuse(body, why, tick, now, arena.address)]
        events: list[Event] = []
        obj = action.object if action.object and self.world.find(action.object) else None
        if obj is not None and not self._claim(body.name, obj):
            holders = ", ".join(sorted(self.users.get(obj, set()))) or "someone"
            why = f"{body.name} found the {obj.rsplit(':', 1)[-1]} in use by {holders}"
            events.append(self._refuse(body, why, tick, now, obj))
            body.state.refused_object = obj
            obj = None
        goals = self.world.tiles_of(obj) if obj else self.world.tiles_of(arena.address)
        path = find_path(
            body.tile, goals, self.world.is_walkable, self.world.width, self.world.height
        )
        if path is None:
            self._release(body.name, obj)
            why = f"{arena.address} cannot be reached"
            return [*events, self._refuse(body, why, tick, now, arena.address)]
        self._release(body.name, body.state.activity.object, tick, now, events, keep=obj)
        is_sleep = isinstance(action, Sleep)
        duration = 24 * 60 if is_sleep else action.duration_min
        travel_ticks = -(-len(path) // max(1, self._speed()))
        body.state.path = path
        body.state.asleep = False
        body.state.sleep_until = _next_occurrence(action.until, now) if is_sleep else None
        body.state.activity = Activity(
            description="going to bed" if is_sleep else action.description,
            emoji="😴" if is_sleep else action.emoji,
            arena=arena.address,
            object=obj,
            start_tick=tick,
            end_tick=tick + travel_ticks + max(1, -(-duration // self.minutes_per_tick)),
        )
        if obj is not None:
            events += self._set_object_state(obj, 1, tick, now)
        events.append(
            self._event(
                EventKind.SLEEP if is_sleep else EventKind.ACTION_START,
                tick,
                now,
                agents=(body.name,),
                place=obj or arena.address,
                text=body.state.activity.description,
                data={"emoji": body.state.activity.emoji, "duration_min": duration},
            )
        )
        return events

    def _speed(self) -> int:
        return max(1, self.minutes_per_tick)  # about a tile a minute: a town crossed in an hour

    def _claim(self, name: str, obj: str) -> bool:
        holders = self.users.setdefault(obj, set())
        if name in holders:
            return True
        if len(holders) >= self.world.get_object(obj).capacity:
            return False
        holders.add(name)
        return True

    def _release(
        self,
        name: str,
        obj: str | None,
        tick: int = 0,
        now: datetime | None = None,
        events: list[Event] | None = None,
        keep: str | None = None,
    ) -> None:
        if obj is None or obj == keep:
            return
        holders = self.users.get(obj, set())
        holders.discard(name)
        if not holders and events is not None and now is not None:
            events += self._set_object_state(obj, 0, tick, now)

    def _set_object_state(self, obj: str, index: int, tick: int, now: datetime) -> list[Event]:
        states = self.world.get_object(obj).states
        new = states[min(index, len(states) - 1)]
        if self.object_states.get(obj) == new:
            return []
        self.object_states[obj] = new
        return [self._event(EventKind.OBJECT_STATE, tick, now, place=obj, text=new)]

    def finish_activities(self, tick: int, now: datetime) -> list[Event]:
        """Ends activities that ran their course (freeing their objects); wakes sleepers."""
        events: list[Event] = []
        for body in self.bodies.values():
            s = body.state
            if s.sleep_until and not body.walking and not s.asleep:
                s.asleep = True
            if s.asleep and s.sleep_until and now >= datetime.fromisoformat(s.sleep_until):
                s.asleep = False
                s.sleep_until = None
                s.activity.end_tick = tick
                events.append(self._event(EventKind.WAKE, tick, now, agents=(body.name,)))
            if not s.asleep and s.activity.object and body.action_done(tick):
                obj = s.activity.object
                self._release(body.name, obj, tick, now, events)
                s.activity.object = None
                events.append(
                    self._event(
                        EventKind.ACTION_END,
                        tick,
                        now,
                        agents=(body.name,),
                        place=obj,
                        text=s.activity.description,
                    )
                )
        return events

    # --- speech --------------------------------------------------------------------------

    def within_earshot(self, a: Body, b: Body) -> bool:
        """Whether two awake bodies can talk: the same arena (or both outdoors) and near."""
        if a.state.asleep or b.state.asleep:
            return False
        ax, ay = a.tile
        bx, by = b.tile
        if max(abs(ax - bx), abs(ay - by)) > EARSHOT_TILES:
            return False
        return self.world.arena_id_at(ax, ay) == self.world.arena_id_at(bx, by)

    def _say(
        self, body: Body, action: Say, spoken: set[str], tick: int, now: datetime
    ) -> list[Event]:
        if body.state.asleep:
            return [self._refuse(body, "asleep people cannot talk", tick, now, None)]
        if body.name in self._ended_now:
            return []  # a reply meant for a conversation that just ended goes unsaid
        conversation = self.conversations.of(body.name)
        events: list[Event] = []
        place = self.world.address(*body.tile)
        if conversation is None:
            listeners = [
                n
                for n in action.to
                if n in self.bodies and n != body.name and self.within_earshot(body, self.bodies[n])
            ]
            joinable = [self.conversations.of(n) for n in listeners]
            kind = EventKind.CONVERSATION_START
            if listeners and joinable[0] is not None:
                conversation = joinable[0]  # joining a group conversation nearby
                conversation.participants.append(body.name)
                kind = EventKind.CONVERSATION_JOIN
            else:
                free = [n for n, c in zip(listeners, joinable, strict=True) if c is None]
                if not free:
                    who = ", ".join(action.to)
                    why = f"{who} is not close enough to talk to, or is busy"
                    return [self._refuse(body, why, tick, now, place)]
                conversation = self.conversations.start([body.name, *free], place, tick)
            events.append(
                self._event(
                    kind,
                    tick,
                    now,
                    agents=tuple(conversation.participants),
                    place=place,
                    text=f"{body.name} talks with {_others(conversation.participants, body.name)}",
                    data={"conversation": conversation.id, "opened_by": body.name},
                )
            )
        if conversation.id in spoken or body.name not in conversation.next_speakers():
            return events  # one line per conversation per tick; the others wait their turn
        if not all(
            self.within_earshot(body, self.bodies[n])
            for n in conversation.participants
            if n != body.name
        ):
            return [*events, self._end(conversation.id, tick, now, "apart")]
        spoken.add(conversation.id)
        line = Line(
            speaker=body.name, to=_addressees(action.to, body.name, conversation), text=action.text
        )
        events.append(self._speak(conversation, line, place, tick, now))
        if action.script and not action.end_conversation:
            conversation.script = list(action.script)
            return events + self._play_script(conversation, SCRIPT_LINES_PER_TICK - 1, tick, now)
        too_long = len(conversation.turns) >= self.conversations.max_turns
        if action.end_conversation or too_long:
            events.append(
                self._end(
                    conversation.id, tick, now, "ended" if action.end_conversation else "ran long"
                )
            )
        return events

    def _speak(
        self, conversation: Conversation, line: Line, place: str | None, tick: int, now: datetime
    ) -> Event:
        """Adds a line to a conversation: the participants stop to talk, and it is heard."""
        body = self.bodies[line.speaker]
        conversation.turns.append((line.speaker, line.text))
        self._last_utterance[conversation.id] = tick
        body.state.utterance = line.text
        for name in conversation.participants:
            other = self.bodies[name]
            other.state.path = []  # people stop to talk
            other.state.activity.description = "chatting with " + _others(
                conversation.participants, name
            )
            other.state.activity.emoji = "💬"
        return self._event(
            EventKind.UTTERANCE,
            tick,
            now,
            agents=(line.speaker, *[p for p in conversation.participants if p != line.speaker]),
            place=place,
            text=line.text,
            data={"conversation": conversation.id, "to": list(line.to)},
        )

    def _play_script(
        self, conversation: Conversation, lines: int, tick: int, now: datetime
    ) -> list[Event]:
        """Plays up to ``lines`` lines of a written scene; ends the talk after its last line.

        A line whose speaker has left earshot (or fallen asleep) ends the conversation instead.
        """
        events: list[Event] = []
        for _ in range(lines):
            if not conversation.script:
                break
            line = conversation.script.pop(0)
            speaker = self.bodies.get(line.speaker)
            listeners = [self.bodies[n] for n in conversation.participants if n != line.speaker]
            if (
                speaker is None
                or line.speaker not in conversation.participants
                or not all(self.within_earshot(speaker, other) for other in listeners)
            ):
                conversation.script = []
                return [*events, self._end(conversation.id, tick, now, "apart")]
            place = self.world.address(*speaker.tile)
            line = Line(
                speaker=line.speaker,
                to=_addressees(line.to, line.speaker, conversation),
                text=line.text,
            )
            events.append(self._speak(conversation, line, place, tick, now))
        if not conversation.script:
            events.append(self._end(conversation.id, tick, now, "ended"))
        return events

    def _end_quiet_conversations(self, tick: int, now: datetime) -> list[Event]:
        events = []
        for conversation in list(self.conversations.open.values()):
            present = [n for n in conversation.participants if not self.bodies[n].state.asleep]
            apart = len(present) < 2 or not all(
                self.within_earshot(self.bodies[present[0]], self.bodies[n]) for n in present[1:]
            )
            quiet = tick - self._last_utterance.get(conversation.id, tick) >= SILENT_TICKS_TO_END
            if apart or quiet:
                events.append(
                    self._end(conversation.id, tick, now, "apart" if apart else "silence")
                )
        return events

    def _end(self, conversation_id: str, tick: int, now: datetime, why: str) -> Event:
        conversation = self.conversations.open[conversation_id]
        self.conversations.close(conversation)
        self._last_utterance.pop(conversation_id, None)
        for name in conversation.participants:
            self.bodies[name].state.activity.end_tick = tick  # back to the day's plan
        self._ended_now.update(conversation.participants)
        return self._event(
            EventKind.CONVERSATION_END,
            tick,
            now,
            agents=tuple(conversation.participants),
            place=conversation.arena,
            text=f"conversation ended ({why})",
            data={"conversation": conversation.id, "turns": [list(t) for t in conversation.turns]},
        )

    def get_state(self) -> dict[str, object]:
        """Returns object states and occupancy for a checkpoint."""
        return {
            "object_states": dict(self.object_states),
            "users": {k: sorted(v) for k, v in self.users.items() if v},
            "last_utterance": dict(self._last_utterance),
        }

    def set_state(self, state: dict[str, object]) -> None:
        """Restores a state made by :meth:`get_state`."""
        self.object_states = dict(state["object_states"])  # type: ignore[call-overload]
        self.users = {k: set(v) for k, v in state["users"].items()}
        self._last_utterance = {k: int(v) for k, v in state["last_utterance"].items()}


def _next_occurrence(clock: str, now: datetime) -> str:
    """The ISO date-time of the next ``HH:MM`` after ``now``."""
    at = parse_clock_time(clock)
    when = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if when <= now:
        when += timedelta(days=1)
    return when.isoformat()


def _others(participants: list[str], name: str) -> str:
    return ", ".join(p for p in participants if p != name)


def _addressees(to: tuple[str, ...], speaker: str, conversation: Conversation) -> tuple[str, ...]:
    """The participants a line is said to (everyone else when it names none of them)."""
    others = tuple(n for n in conversation.participants if n != speaker)
    return tuple(n for n in to if n in others) or others

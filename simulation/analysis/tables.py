"""Tidy tables of a run (pandas): events, utterances, conversations, positions, memories, calls.

One row per observation, one column per variable, scalar cells only (lists of names are joined
with ``|``), so every table survives CSV, JSONL and Parquet unchanged. Column meanings are listed
in ``docs/trajectory.md``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from simulation.events import Event, EventKind
from simulation.run_reader import RunData

if TYPE_CHECKING:
    import pandas as pd

SEP = "|"
"""Joins lists (names, memory ids) in one cell; split with ``str.split("|")``."""

EVENT_COLUMNS = [
    "frame",
    "tick",
    "time",
    "kind",
    "agent",
    "others",
    "place",
    "text",
    "conversation",
    "memory_id",
    "memory_kind",
    "importance",
    "evidence",
    "step",
    "failure",
    "opened_by",
    "data",
]
UTTERANCE_COLUMNS = [
    "tick",
    "time",
    "conversation",
    "turn",
    "speaker",
    "listeners",
    "place",
    "text",
    "words",
]
CONVERSATION_COLUMNS = [
    "conversation",
    "start_tick",
    "end_tick",
    "start_time",
    "end_time",
    "participants",
    "place",
    "turns",
    "ended",
]
POSITION_COLUMNS = [
    "tick",
    "time",
    "agent",
    "x",
    "y",
    "place",
    "arena",
    "sector",
    "action",
    "asleep",
    "conversation",
    "utterance",
]
MEMORY_COLUMNS = [
    "tick",
    "time",
    "agent",
    "memory_id",
    "memory_kind",
    "importance",
    "evidence",
    "text",
]
LLM_CALL_COLUMNS = [
    "tick",
    "agent",
    "step",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "tokens",
    "cost_usd",
    "latency_s",
    "cache_hit",
    "retries",
    "failure",
]
CHARACTERBOX_COLUMNS = ["tick", "character", "type", "detail"]

CHARACTERBOX_TYPES: dict[EventKind, str] = {
    EventKind.ACTION_START: "action",
    EventKind.SLEEP: "action",
    EventKind.WAKE: "action",
    EventKind.MOVEMENT: "movement",
    EventKind.UTTERANCE: "dialogue",
    EventKind.CONVERSATION_START: "reaction",
    EventKind.CONVERSATION_JOIN: "reaction",
    EventKind.ACTION_REFUSED: "outcome",
    EventKind.OBSERVATION: "observation",
    EventKind.PLAN: "plan",
    EventKind.REPLAN: "plan",
    EventKind.REFLECTION: "reflection",
    EventKind.WHISPER: "thought",
    EventKind.NARRATOR: "narration",
    EventKind.USER_EVENT: "narration",
    EventKind.OBJECT_STATE: "scene",
}
"""Event kind → CharacterBox record type; kinds not listed are bookkeeping and left out."""

NARRATOR = "Narrator"
"""The ``character`` of records the narrator makes (environment events, object states)."""


def arena_of(place: str | None) -> str | None:
    """The ``"Sector:arena"`` part of a place address (``None`` stays ``None``)."""
    if not place:
        return None
    return ":".join(place.split(":")[:2])


def sector_of(place: str | None) -> str | None:
    """The sector part of a place address."""
    return place.split(":")[0] if place else None


def _frame_of_events(run: RunData) -> list[tuple[int, Event]]:
    return [(frame.tick, event) for frame in run.frames for event in frame.events]


def events_table(run: RunData) -> pd.DataFrame:
    """One row per event: where, who, what, plus the useful ``data`` fields flattened."""
    import pandas as pd

    rows = []
    for frame_tick, e in _frame_of_events(run):
        data = e.data
        rows.append(
            {
                "frame": frame_tick,
                "tick": e.tick,
                "time": e.time,
                "kind": e.kind.value,
                "agent": e.agents[0] if e.agents else None,
                "others": SEP.join(e.agents[1:]),
                "place": e.place,
                "text": e.text,
                "conversation": data.get("conversation"),
                "memory_id": data.get("id") if e.kind == EventKind.MEMORY_ADDED else None,
                "memory_kind": data.get("memory_kind"),
                "importance": data.get("importance"),
                "evidence": SEP.join(data["evidence"]) if data.get("evidence") else None,
                "step": data.get("step"),
                "failure": data.get("failure"),
                "opened_by": data.get("opened_by"),
                "data": json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None,
            }
        )
    return _frame(pd, rows, EVENT_COLUMNS, ints=("frame", "tick"))


def utterances_table(run: RunData) -> pd.DataFrame:
    """One row per line said: speaker, listeners, conversation, turn number and text."""
    import pandas as pd

    turns: dict[str, int] = {}
    rows = []
    for e in run.events_of(EventKind.UTTERANCE):
        conversation = e.data.get("conversation")
        key = str(conversation)
        turns[key] = turns.get(key, 0) + 1
        text = e.text or ""
        rows.append(
            {
                "tick": e.tick,
                "time": e.time,
                "conversation": conversation,
                "turn": turns[key],
                "speaker": e.agents[0] if e.agents else None,
                "listeners": SEP.join(e.agents[1:]),
                "place": e.place,
                "text": text,
                "words": len(text.split()),
            }
        )
    return _frame(pd, rows, UTTERANCE_COLUMNS, ints=("tick", "turn", "words"))


def conversations_table(run: RunData) -> pd.DataFrame:
    """One row per conversation: span, participants (all who joined), place, turns, ending."""
    import pandas as pd

    found: dict[str, dict[str, Any]] = {}
    for e in run.events:
        conversation = e.data.get("conversation")
        if conversation is None:
            continue
        row = found.setdefault(
            conversation,
            {
                "conversation": conversation,
                "start_tick": e.tick,
                "end_tick": None,
                "start_time": e.time,
                "end_time": None,
                "participants": [],
                "place": e.place,
                "turns": 0,
                "ended": None,
            },
        )
        for name in e.agents:
            if name not in row["participants"]:
                row["participants"].append(name)
        if e.kind == EventKind.UTTERANCE:
            row["turns"] += 1
        elif e.kind == EventKind.CONVERSATION_END:
            row["end_tick"], row["end_time"] = e.tick, e.time
            text = e.text or ""
            row["ended"] = text[text.find("(") + 1 : text.rfind(")")] if "(" in text else text
    rows = [{**r, "participants": SEP.join(r["participants"])} for r in found.values()]
    return _frame(pd, rows, CONVERSATION_COLUMNS, ints=("start_tick", "turns"))


def positions_table(run: RunData) -> pd.DataFrame:
    """One row per agent per tick: tile, place address, arena, sector, action, sleep, talk."""
    import pandas as pd

    rows = [
        {
            "tick": frame.tick,
            "time": frame.time,
            "agent": a.name,
            "x": a.x,
            "y": a.y,
            "place": a.place,
            "arena": arena_of(a.place),
            "sector": sector_of(a.place),
            "action": a.action,
            "asleep": a.asleep,
            "conversation": a.conversation,
            "utterance": a.utterance,
        }
        for frame in run.frames
        for a in frame.agents
    ]
    return _frame(pd, rows, POSITION_COLUMNS, ints=("tick", "x", "y"))


def memories_table(run: RunData) -> pd.DataFrame:
    """One row per memory added (observations, conversations, plans, reflections, whispers)."""
    import pandas as pd

    rows = [
        {
            "tick": e.tick,
            "time": e.time,
            "agent": e.agents[0] if e.agents else None,
            "memory_id": e.data.get("id"),
            "memory_kind": e.data.get("memory_kind"),
            "importance": e.data.get("importance"),
            "evidence": SEP.join(e.data.get("evidence") or []),
            "text": e.text,
        }
        for e in run.events_of(EventKind.MEMORY_ADDED)
    ]
    return _frame(pd, rows, MEMORY_COLUMNS, ints=("tick",))


def llm_calls_table(run: RunData) -> pd.DataFrame:
    """One row per LLM call: tick, agent, cognitive step, model, tokens, cost, latency, failure."""
    import pandas as pd

    rows = []
    for tick in sorted(run.llm_calls):
        for call in run.llm_calls[tick]:
            prompt, completion = int(call.get("prompt_tokens", 0)), call.get("completion_tokens", 0)
            rows.append(
                {
                    "tick": tick,
                    "agent": call.get("agent"),
                    "step": call.get("step"),
                    "model": call.get("model"),
                    "prompt_tokens": prompt,
                    "completion_tokens": int(completion),
                    "tokens": prompt + int(completion),
                    "cost_usd": float(call.get("cost_usd", 0.0)),
                    "latency_s": float(call.get("latency_s", 0.0)),
                    "cache_hit": bool(call.get("cache_hit", False)),
                    "retries": int(call.get("retries", 0)),
                    "failure": call.get("failure"),
                }
            )
    return _frame(pd, rows, LLM_CALL_COLUMNS, ints=("tick",))


def characterbox_records(run: RunData) -> list[dict[str, Any]]:
    """The run as CharacterBox behaviour records ``{tick, character, type, detail}``.

    Derived from the events table: the kind → type mapping is :data:`CHARACTERBOX_TYPES`; the
    character is the event's first agent, or ``"Narrator"`` for environment events and object
    states; the detail is the event text (a movement's detail is its destination).
    """
    records = []
    for e in run.events:
        kind_type = CHARACTERBOX_TYPES.get(e.kind)
        if kind_type is None:
            continue
        narrated = e.kind in (EventKind.NARRATOR, EventKind.USER_EVENT, EventKind.OBJECT_STATE)
        character = NARRATOR if narrated or not e.agents else e.agents[0]
        detail = e.text or ""
        if e.kind == EventKind.OBJECT_STATE:
            detail = f"{e.place} is {e.text}"
        elif e.kind == EventKind.MOVEMENT:
            detail = f"arrives at {e.place}"
        elif e.kind == EventKind.WAKE:
            detail = "wakes up"
        elif e.kind == EventKind.UTTERANCE and len(e.agents) > 1:
            detail = f"(to {', '.join(e.agents[1:])}) {detail}"
        records.append(
            {"tick": e.tick, "character": character, "type": kind_type, "detail": detail}
        )
    return records


def characterbox_table(run: RunData) -> pd.DataFrame:
    """:func:`characterbox_records` as a DataFrame."""
    import pandas as pd

    return _frame(pd, characterbox_records(run), CHARACTERBOX_COLUMNS, ints=("tick",))


TABLES = {
    "events": events_table,
    "utterances": utterances_table,
    "conversations": conversations_table,
    "positions": positions_table,
    "memories": memories_table,
    "llm_calls": llm_calls_table,
    "characterbox": characterbox_table,
}
"""Every exported table, by name."""


def _frame(pd: Any, rows: list[dict[str, Any]], columns: list[str], ints: tuple[str, ...] = ()):
    frame = pd.DataFrame(rows, columns=columns)
    for column in ints:
        if column in frame and not frame[column].isna().any():
            frame[column] = frame[column].astype("int64")
    return frame

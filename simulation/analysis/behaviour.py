"""Behaviour metrics from frames and events: talk, time per place, diversity, plan adherence.

Positions are read per tick at arena level (``"Sector:arena"``); a tick on a path between
arenas counts as ``(outdoors)``. Time is ticks × the run's minutes per tick.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any

from simulation.analysis.tables import arena_of, sector_of
from simulation.events import Event, EventKind
from simulation.run_reader import RunData
from worlds.hours import parse_clock_time

OUTDOORS = "(outdoors)"


def conversations_per_agent(run: RunData) -> dict[str, int]:
    """How many distinct conversations each agent took part in."""
    seen: dict[str, set[str]] = {a: set() for a in run.agents}
    for event in run.events_of(EventKind.CONVERSATION_START, EventKind.CONVERSATION_JOIN):
        conversation = event.data.get("conversation")
        for agent in event.agents:
            if conversation is not None:
                seen.setdefault(agent, set()).add(conversation)
    return {a: len(c) for a, c in seen.items()}


def utterances_per_agent(run: RunData) -> dict[str, int]:
    """How many lines each agent said."""
    counts = Counter(e.agents[0] for e in run.events_of(EventKind.UTTERANCE) if e.agents)
    return {a: counts.get(a, 0) for a in run.agents}


def time_per_place(run: RunData) -> dict[str, dict[str, int]]:
    """Simulated minutes each agent spent in each arena (most time first)."""
    minutes = run.minutes_per_tick
    counts: dict[str, Counter[str]] = {a: Counter() for a in run.agents}
    for frame in run.frames:
        for snapshot in frame.agents:
            place = arena_of(snapshot.place) or OUTDOORS
            counts.setdefault(snapshot.name, Counter())[place] += minutes
    return {a: dict(c.most_common()) for a, c in counts.items()}


def location_diversity(run: RunData) -> dict[str, dict[str, float]]:
    """Per agent: distinct arenas visited, and the Shannon entropy (bits) of time over them."""
    result = {}
    for agent, places in time_per_place(run).items():
        inside = {p: m for p, m in places.items() if p != OUTDOORS}
        total = sum(inside.values())
        entropy = -sum((m / total) * math.log2(m / total) for m in inside.values()) if total else 0
        result[agent] = {"distinct": len(inside), "entropy_bits": round(entropy + 0.0, 4)}
    return result


def _day_plans(run: RunData) -> dict[str, list[Event]]:
    plans: dict[str, list[Event]] = {}
    for event in run.events_of(EventKind.PLAN, EventKind.REPLAN):
        if event.agents and event.data.get("blocks"):
            plans.setdefault(event.agents[0], []).append(event)
    return plans


def _planned_block(plans: list[Event], tick: int, now: datetime) -> dict[str, Any] | None:
    """The block of the latest plan for ``now``'s day, made by ``tick``, that covers ``now``."""
    active = None
    for plan in plans:
        if plan.tick <= tick and plan.time.date() == now.date():
            active = plan
    if active is None:
        return None
    found = None
    for block in sorted(active.data["blocks"], key=lambda b: b["start"]):
        if parse_clock_time(block["start"]) <= now.time():
            found = {**block, "date": now.date().isoformat(), "plan_tick": active.tick}
    return found


def _empty() -> dict[str, int]:
    return {"covered": 0, "matched": 0, "matched_sector": 0, "in_transit": 0}


def _ratios(row: dict[str, Any]) -> dict[str, Any]:
    covered = row["covered"]
    return {
        **row,
        "adherence": round(row["matched"] / covered, 4) if covered else None,
        "sector_adherence": round(row["matched_sector"] / covered, 4) if covered else None,
    }


def plan_adherence(run: RunData) -> dict[str, Any]:
    """How often agents are where their day plan says, block by block.

    For every tick covered by a schedule block of the agent's latest day plan (``plan`` events
    carrying ``blocks``), compares the planned arena with the agent's arena (and sector). Ticks
    spent between arenas (walking) are counted apart and left out of the ratios.

    Returns:
        ``{"agents": {name: {covered, matched, matched_sector, in_transit, adherence,
        sector_adherence}}, "blocks": [{agent, date, start, activity, arena, covered, matched,
        ..., adherence}], "mean": ..., "mean_sector": ...}`` (ratios ``None`` when no tick is
        covered).
    """
    plans = _day_plans(run)
    stats: dict[str, dict[str, int]] = {a: _empty() for a in run.agents}
    blocks: dict[tuple[str, str, int, str], dict[str, Any]] = {}
    for frame in run.frames:
        for snapshot in frame.agents:
            block = _planned_block(plans.get(snapshot.name, []), frame.tick, frame.time)
            if block is None:
                continue
            key = (snapshot.name, block["date"], block["plan_tick"], block["start"])
            per_block = blocks.setdefault(
                key,
                {
                    "agent": snapshot.name,
                    "date": block["date"],
                    "start": block["start"],
                    "activity": block.get("activity", ""),
                    "arena": block["arena"],
                    **_empty(),
                },
            )
            actual = arena_of(snapshot.place)
            for row in (stats.setdefault(snapshot.name, _empty()), per_block):
                if actual is None:
                    row["in_transit"] += 1
                    continue
                row["covered"] += 1
                row["matched"] += int(actual == arena_of(block["arena"]))
                row["matched_sector"] += int(sector_of(actual) == sector_of(block["arena"]))
    agents = {agent: _ratios(row) for agent, row in stats.items()}
    return {
        "agents": agents,
        "blocks": [_ratios(b) for b in blocks.values()],
        "mean": _mean(a["adherence"] for a in agents.values()),
        "mean_sector": _mean(a["sector_adherence"] for a in agents.values()),
    }


def attendance(
    run: RunData, place: str, start: datetime, end: datetime, invited: list[str]
) -> dict[str, Any]:
    """Who was at a place (sector, arena or object address prefix) between two times.

    Args:
        run: The run.
        place: The place address; an agent whose address starts with it is there.
        start: The window's start (inclusive).
        end: The window's end (inclusive).
        invited: The agents expected (e.g. who knew of the party before it began).

    Returns:
        ``{place, start, end, window_ticks, present, invited, attended, fraction}``, where
        ``attended`` is the invited agents present at least once in the window; ``fraction``
        is ``None`` when nobody was invited or the run does not cover the window.
    """
    frames = [f for f in run.frames if start <= f.time <= end]
    present: set[str] = set()
    for frame in frames:
        for snapshot in frame.agents:
            if snapshot.place and (snapshot.place + ":").startswith(place.rstrip(":") + ":"):
                present.add(snapshot.name)
    attended = sorted(a for a in invited if a in present)
    return {
        "place": place,
        "start": start.isoformat(timespec="minutes"),
        "end": end.isoformat(timespec="minutes"),
        "window_ticks": len(frames),
        "present": sorted(present),
        "invited": sorted(invited),
        "attended": attended,
        "fraction": round(len(attended) / len(invited), 4) if invited and frames else None,
    }


def _mean(values) -> float | None:
    found = [v for v in values if v is not None]
    return round(sum(found) / len(found), 4) if found else None

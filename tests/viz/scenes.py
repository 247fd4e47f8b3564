"""Recorded runs for viewer tests, screenshots and benchmarks: scripted minds, no LLM."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from simulation.actions import Action, DoActivity, Say, Sleep
from simulation.events import Event, EventKind
from simulation.frames import Frame
from simulation.model import Resident, TownConfig, TownModel
from simulation.trajectory import TrajectoryHeader, TrajectoryWriter
from tests.doubles.minds import ScriptedMind
from worlds.loader import load_world, personas_dir
from worlds.world import World

STOVE = "Rose Cottage:kitchen:stove"
COUNTER = "Corner Cafe:counter"


@dataclass
class Scene:
    """A scripted run: who starts where, what each does when, and injected events."""

    world: str
    start: str
    ticks: int
    residents: list[Resident]
    plans: dict[str, dict[int, Action]]
    injections: list[dict[str, Any]] = field(default_factory=list)
    minds_record: dict[int, list[tuple[str, EventKind, str, dict[str, Any]]]] = field(
        default_factory=dict
    )
    """Per tick: ``(agent, kind, text, data)`` events a mind would record (plans, memories)."""


def bundled_personas(world_name: str) -> list[dict[str, Any]]:
    folder = personas_dir(world_name)
    if folder is None:
        return []
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]


def record(scene: Scene, run_dir: Path, personas: list[dict[str, Any]] | None = None) -> Path:
    """Runs a scene and writes ``trajectory.jsonl`` and ``run.json`` into ``run_dir``."""
    world = load_world(scene.world)
    names = [r.name for r in scene.residents]
    cast = personas if personas is not None else bundled_personas(scene.world)
    cast = [p for p in cast if p.get("name") in names]
    header = TrajectoryHeader(
        run_id=run_dir.name, seed=1, world=world.name, world_hash="test",
        config={"world": scene.world}, personas=cast,
    )  # fmt: skip
    writer = TrajectoryWriter(run_dir / "trajectory.jsonl", header)
    tick_calls: list[dict[str, Any]] = [
        {"agent": names[0], "step": "react", "prompt_tokens": 120, "completion_tokens": 30,
         "cost_usd": 0.0001}
    ]  # fmt: skip
    model = TownModel(
        world,
        scene.residents,
        {n: ScriptedMind(scene.plans.get(n, {})) for n in names},
        TownConfig(start=datetime.fromisoformat(scene.start), minutes_per_tick=10),
        seed=1,
        sinks=[lambda f: writer.write_tick(f, tick_calls)],
    )
    for spec in scene.injections:
        model.inject(**spec)
    for _ in range(scene.ticks):
        tick = model.clock.tick + 1
        for agent, kind, text, data in scene.minds_record.get(tick, []):
            model.record(
                Event(kind=kind, tick=tick, time=model.clock.now, agents=(agent,), text=text,
                      data=data)
            )  # fmt: skip
        model.step()
    model.close()
    writer.close()
    meta = {
        "config": {"world": scene.world},
        "personas": cast,
        "world": world.model_dump(mode="json"),
    }
    (run_dir / "run.json").write_text(json.dumps(meta), encoding="utf-8")
    return run_dir


def two_rooms_scene() -> Scene:
    """June opens the cafe, Mabel cooks then joins her for a chat, Eli sleeps in."""
    return Scene(
        world="two_rooms",
        start="2026-02-13 07:00",
        ticks=14,
        residents=[
            Resident("June Marsh", (1, 3), workplace="Corner Cafe"),
            Resident("Eli Marsh", (2, 2)),
            Resident("Mabel Marsh", (2, 3)),
        ],
        plans={
            "June Marsh": {
                1: DoActivity(
                    description="brewing the first coffee",
                    emoji="☕",
                    arena=COUNTER,
                    object="Corner Cafe:counter:coffee machine",
                    duration_min=60,
                ),
                9: Say(to=("Mabel Marsh",), text="Right then: rye buns in ten minutes, I promise!"),
                11: Say(
                    to=("Mabel Marsh",), text="Grandma, you taught me to knead. Trust the dough."
                ),
            },
            "Eli Marsh": {
                1: Sleep(
                    arena="Rose Cottage:bedroom",
                    object="Rose Cottage:bedroom:bunk bed",
                    until="09:00",
                ),
            },
            "Mabel Marsh": {
                1: DoActivity(
                    description="cooking porridge",
                    emoji="🍳",
                    arena="Rose Cottage:kitchen",
                    object=STOVE,
                    duration_min=30,
                ),
                5: DoActivity(
                    description="visiting the cafe", emoji="🥐", arena=COUNTER, duration_min=90
                ),
                8: Say(to=("June Marsh",), text="Morning, love. Are the rye buns ready yet?"),
                10: Say(
                    to=("June Marsh",), text="Your dough looked a little flat to me, that's all."
                ),
            },
        },
        minds_record={
            1: [
                _plan(
                    "June Marsh",
                    [
                        ("07:00", "open the cafe and brew coffee", COUNTER),
                        ("09:00", "bake the new rye buns", COUNTER),
                        ("12:00", "lunch rush", COUNTER),
                    ],
                ),
            ],
            9: [_memory("June Marsh", "Mabel asked whether the rye buns were ready", 4)],
        },
        injections=[
            {
                "text": "A delivery van pulls up outside the Corner Cafe.",
                "place": "Corner Cafe",
                "at": datetime(2026, 2, 13, 8, 0),
                "kind": EventKind.NARRATOR,
            }
        ],
    )


def _plan(agent: str, blocks: list[tuple[str, str, str]]) -> tuple:
    text = f"{agent}'s plan for today: " + "; ".join(f"{s} {a}" for s, a, _ in blocks)
    data = {"blocks": [{"start": s, "activity": a, "arena": r} for s, a, r in blocks]}
    return (agent, EventKind.PLAN, text, data)


def _memory(agent: str, text: str, importance: int, kind: str = "observation") -> tuple:
    return (agent, EventKind.MEMORY_ADDED, text, {"memory_kind": kind, "importance": importance})


def _free_tile(world: World, arena: str, k: int = 0) -> tuple[int, int]:
    obj_tiles = {t for o in world.objects_in(arena) for t in o.tiles}
    tiles = sorted(world.get_arena(arena).tiles - obj_tiles, key=lambda t: (t[1], t[0]))
    return tiles[k % len(tiles)]


def maplewood_scene() -> Scene:
    """A busy morning: a group chat at the cafe, a chat in the park, people walking to work."""
    world = load_world("maplewood")
    cafe = "Copper Kettle Cafe:seating"
    counter = "Copper Kettle Cafe:counter"
    park = "Maplewood Park:lawn"
    residents = [
        Resident("Rosa Delgado", _free_tile(world, counter, 3), workplace="Copper Kettle Cafe"),
        Resident("Tom Castellano", _free_tile(world, cafe, 12)),
        Resident("Leo Park", _free_tile(world, cafe, 14)),
        Resident("Miriam Okafor", _free_tile(world, cafe, 25)),
        Resident("Sam Whitaker", _free_tile(world, "Maple Court:flat 3", 2)),
        Resident("Hank Brennan", _free_tile(world, "Alder House:kitchen", 3)),
        Resident("Walter Lindqvist", _free_tile(world, park, 40)),
        Resident("Ada Lindqvist", _free_tile(world, park, 42)),
        Resident("Frankie Moreau", _free_tile(world, "Maple Court:flat 1", 1)),
        Resident("Jonah Reyes", _free_tile(world, "Cedar House:studio", 5)),
        Resident("Priya Nair", _free_tile(world, "Elm House:kitchen", 2)),
    ]
    return Scene(
        world="maplewood",
        start="2026-02-13 08:30",
        ticks=12,
        residents=residents,
        plans={
            "Rosa Delgado": {
                1: DoActivity(description="taking orders", emoji="☕", arena=cafe, duration_min=90),
                3: Say(
                    to=("Tom Castellano", "Leo Park"),
                    text=(
                        "Morning, hon! Oat flat white as usual? "
                        "And Leo, you look like you slept in the library."
                    ),
                ),
                6: Say(
                    to=("Tom Castellano", "Leo Park"),
                    text="A music night on Saturdays. Tom, put it in the Gazette?",
                ),
            },
            "Tom Castellano": {
                1: DoActivity(
                    description="reading the morning paper",
                    emoji="📰",
                    arena=cafe,
                    object="Copper Kettle Cafe:seating:window table",
                    duration_min=90,
                ),
                4: Say(
                    to=("Rosa Delgado",),
                    text="Please. The council budget story kept me up all night.",
                ),
                7: Say(
                    to=("Rosa Delgado", "Leo Park"),
                    text="Only if Leo plays something. Front page, page two at worst.",
                ),
            },
            "Leo Park": {
                1: DoActivity(
                    description="cramming organic chemistry",
                    emoji="🧪",
                    arena=cafe,
                    object="Copper Kettle Cafe:seating:window table",
                    duration_min=120,
                ),
                5: Say(
                    to=("Rosa Delgado", "Tom Castellano"),
                    text="Midterm at ten. Extra shot, please?",
                ),
            },
            "Miriam Okafor": {
                1: DoActivity(
                    description="grading essays over tea",
                    emoji="📚",
                    arena=cafe,
                    object="Copper Kettle Cafe:seating:long table",
                    duration_min=60,
                ),
                8: Say(
                    to=("Tom Castellano",),
                    text="Tom, the lecture series starts Monday. Will you cover it?",
                ),
                10: DoActivity(
                    description="walking to the college",
                    emoji="🚶",
                    arena="Maplewood College:lecture hall",
                    duration_min=60,
                ),
            },
            "Sam Whitaker": {
                1: DoActivity(
                    description="cooking eggs",
                    emoji="🍳",
                    arena="Maple Court:flat 3",
                    object="Maple Court:flat 3:stove",
                    duration_min=20,
                ),
                4: DoActivity(
                    description="heading to the library",
                    emoji="📖",
                    arena="Maplewood College:library",
                    object="Maplewood College:library:computers",
                    duration_min=90,
                ),
            },
            "Hank Brennan": {
                1: DoActivity(
                    description="opening the grocery",
                    emoji="🥕",
                    arena="Brennan's Grocery:shop floor",
                    object="Brennan's Grocery:shop floor:cash register",
                    duration_min=120,
                ),
            },
            "Walter Lindqvist": {
                1: DoActivity(
                    description="feeding the ducks",
                    emoji="🦆",
                    arena=park,
                    object="Maplewood Park:lawn:pond bench",
                    duration_min=90,
                ),
                3: Say(
                    to=("Ada Lindqvist",), text="They know my coat by now. Look at that one strut."
                ),
                5: Say(
                    to=("Ada Lindqvist",), text="Forty-one years and you still steal the crusts."
                ),
            },
            "Ada Lindqvist": {
                1: DoActivity(
                    description="sitting by the pond",
                    emoji="🎹",
                    arena=park,
                    object="Maplewood Park:lawn:pond bench",
                    duration_min=90,
                ),
                4: Say(
                    to=("Walter Lindqvist",), text="You spoil them, Walter. The fat one is yours."
                ),
            },
            "Frankie Moreau": {
                1: Sleep(
                    arena="Maple Court:flat 1", object="Maple Court:flat 1:bed", until="11:30"
                ),
            },
            "Jonah Reyes": {
                1: DoActivity(
                    description="painting the river bend",
                    emoji="🎨",
                    arena="Cedar House:studio",
                    object="Cedar House:studio:easel",
                    duration_min=120,
                ),
            },
            "Priya Nair": {
                1: DoActivity(
                    description="walking to the clinic",
                    emoji="🩺",
                    arena="Maplewood Clinic:ward",
                    object="Maplewood Clinic:ward:reception desk",
                    duration_min=120,
                ),
            },
        },
        minds_record={
            1: [
                _plan(
                    "Rosa Delgado",
                    [
                        ("06:30", "bake the first batch of buns", counter),
                        ("08:30", "serve the morning regulars", cafe),
                        ("10:30", "cortado break on the bench outside", cafe),
                        ("11:00", "plan the Saturday music night", cafe),
                        ("14:00", "do the accounts", counter),
                    ],
                ),
                _memory("Rosa Delgado", "Tom is reading the paper at the window table", 3),
            ],
            4: [_memory("Rosa Delgado", "Leo looks exhausted; his midterm is at ten", 5)],
            5: [_memory("Rosa Delgado", "Tom says the council budget story kept him up", 6)],
            7: [
                (
                    "Rosa Delgado",
                    EventKind.REFLECTION,
                    "Tom works too late when a story matters to him; a music night could "
                    "bring him and the town together.",
                    {"question": "What do I know about Tom?"},
                ),
                _memory(
                    "Rosa Delgado",
                    "Tom works too late when a story matters to him; a music night could "
                    "bring him and the town together.",
                    7,
                    "reflection",
                ),
            ],
        },
        injections=[
            {
                "text": "The church bell rings nine; a bus pulls in at the stop.",
                "at": datetime(2026, 2, 13, 9, 0),
                "kind": EventKind.NARRATOR,
            }
        ],
    )


def frames_of(run_dir: Path) -> list[Frame]:
    from simulation.trajectory import read_trajectory

    return read_trajectory(run_dir).frames

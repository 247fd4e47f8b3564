"""Viewer frame rate at 1280x720 with 25 and 200 agents (goals: >= 60 and >= 30 fps).

Frames are synthetic (agents walking between random tiles, talking, sleeping; objects changing
state) on Maplewood, played at x4 so motion is interpolated every frame. Rendering goes to a
headless SDL display; each measured frame is update(dt) + draw(). Run:

    .venv/bin/python benchmarks/bench_viewer.py
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pygame

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import report
from simulation.events import Event, EventKind
from simulation.frames import AgentSnapshot, Frame
from viz.source import Timeline
from viz.viewer import Viewer
from worlds.loader import load_world
from worlds.world import World

LINES = (
    "Morning! Did you hear about the council budget?",
    "Coffee first, questions later.",
    "The river is high this week; the ducks love it.",
    "I'm late for the lecture, walk with me?",
    "Saturday music night at the cafe, tell everyone.",
)
ACTIONS = (("brewing coffee", "☕"), ("reading the paper", "📰"), ("walking to work", "🚶"),
           ("studying", "📚"), ("shopping", "🛒"), ("painting", "🎨"))  # fmt: skip


def make_frames(world: World, agents: int, ticks: int, seed: int = 0) -> list[Frame]:
    rng = random.Random(seed)
    tiles = sorted(world.walkable_tiles())
    pos = {f"Agent {i:03d}": rng.choice(tiles) for i in range(agents)}
    asleep = {n for n in pos if rng.random() < 0.1}
    objects = [o for o in world.objects if len(o.states) > 1]
    start = datetime(2026, 2, 13, 8, 0)
    frames = []
    for tick in range(1, ticks + 1):
        events = []
        snaps = []
        talkers = set()
        for name, (x, y) in pos.items():
            if name not in asleep and rng.random() < 0.5:
                step = (x + rng.randint(-6, 6), y + rng.randint(-6, 6))
                if world.is_walkable(*step):
                    pos[name] = step
            utterance = None
            if name not in asleep and rng.random() < 0.06:
                utterance = rng.choice(LINES)
                talkers.add(name)
                events.append(
                    Event(
                        kind=EventKind.UTTERANCE,
                        tick=tick,
                        time=start,
                        agents=(name,),
                        text=utterance,
                    )
                )
            action, emoji = ACTIONS[hash(name) % len(ACTIONS)]
            snaps.append(
                AgentSnapshot(
                    name=name, x=pos[name][0], y=pos[name][1], action=action, emoji=emoji,
                    utterance=utterance, conversation="c" if name in talkers else None,
                    asleep=name in asleep,
                )
            )  # fmt: skip
        states = {o.id: rng.choice(o.states) for o in objects}
        if tick % 10 == 0:
            events.append(
                Event(kind=EventKind.NARRATOR, tick=tick, time=start, text="The bell rings.")
            )
        frames.append(
            Frame(tick=tick, time=start + timedelta(minutes=10 * tick), agents=tuple(snaps),
                  events=tuple(events), object_states=states)
        )  # fmt: skip
    return frames


def measure(world: World, agents: int, level: int | None, seconds: float) -> tuple[float, float]:
    frames = make_frames(world, agents, 80)
    screen = pygame.display.set_mode((1280, 720))
    viewer = Viewer(world, [], Timeline(frames), size=(1280, 720))
    viewer.timeline.set_speed(4)
    if level is not None:
        viewer.camera.level = level
    dt = 1 / 60
    for _ in range(30):  # warm the caches (map surface, sprites, text)
        viewer.update(dt)
        viewer.draw(screen)
    count, worst = 0, 0.0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        t = time.perf_counter()
        viewer.update(dt)
        viewer.draw(screen)
        pygame.display.flip()
        worst = max(worst, time.perf_counter() - t)
        count += 1
        if viewer.timeline.at_end:
            viewer.timeline.seek_index(0)
    return count / (time.perf_counter() - t0), worst * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="measuring time per row")
    args = parser.parse_args()
    pygame.display.init()
    pygame.font.init()
    try:
        world = load_world("maplewood")
    except Exception:  # the bundled town may be missing in a partial checkout
        world = load_world("two_rooms")
    rows = []
    for agents in (25, 200):
        for label, level in (("fit (whole town)", None), ("32 px tiles", 9)):
            fps, worst = measure(world, agents, level, args.seconds)
            goal = 60 if agents == 25 else 30
            rows.append((agents, label, fps, worst, goal))
    print(f"\nViewer frame rate, 1280x720, {world.name} ({world.width}x{world.height} tiles)\n")
    print(f"{'agents':>6}  {'zoom':<18} {'fps':>7}  {'worst ms':>8}  {'goal':>5}  ok")
    for agents, label, fps, worst, goal in rows:
        ok = "yes" if fps >= goal else "NO"
        print(f"{agents:>6}  {label:<18} {fps:7.1f}  {worst:8.1f}  {goal:>5}  {ok}")
    for agents in (25, 200):
        fps, goal = min((r[2], r[4]) for r in rows if r[0] == agents)
        report(
            f"viewer frames per second, 1280x720, {agents} agents (slower zoom)",
            f"{fps:.0f} fps",
            f"≥ {goal}",
            fps >= goal,
        )


if __name__ == "__main__":
    main()

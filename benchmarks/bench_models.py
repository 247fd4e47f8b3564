"""Compares the bundled local models on speed and on a small, judge-free believability probe.

Every model runs on the project's own runtime (``LocalRuntime``, llama.cpp in-process), with the
same prompts, seeds and sampling, so the figures differ only by the model. Per model:

* **speed**: prompt tokens/s on a ~250-token prompt, and generated tokens/s over 150 tokens
  (best of two runs; prompt caching off, so every run processes its whole prompt);
* **dialogue**: 20 fixed situations from the Maplewood town (speaker X talks to listener Y at a
  place, with a piece of news on X's mind; some with a bystander present, half replying to a
  line of Y's). Each model writes X's next line as ``{"to": ..., "text": ...}`` under a JSON
  schema grammar. Counted: lines addressed to the wrong person (``to`` is not Y, a vocative
  naming the speaker or anyone but Y, or Y described in the third person), lines that mention
  the news, lines out of character (assistant talk, or echoing the line just heard), and
  malformed replies;
* **day plans**: 5 personas' routines turned into an "HH:MM activity" plan for a Friday,
  counting plans that go back in time, leave the waking hours, give the persona another
  workplace's duties, bring in another weekday's routine, or contradict their own times.

The checks are plain rules (see ``address_problem``, ``mentions`` and ``plan_problems``), so a
figure can be traced to the line that caused it; ``--show`` prints every line.

Usage: python benchmarks/bench_models.py [--models qwen2.5-coder-1.5b smollm2-135m]
       [--samples 2] [--threads 1] [--show] [--speed-only] [--json out.json]

On a machine shared with other work, ``--threads 1`` gives steadier figures: llama.cpp's
threads wait for each other, and one descheduled thread stalls them all.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.llm.local_models import DEFAULT_MODEL, LocalModelError, default_cache_dir
from agents.llm.local_provider import LocalRuntime
from benchmarks.report import report

PERSONAS = Path(__file__).resolve().parents[1] / "worlds/towns/maplewood/personas"
TEMPERATURE = 0.7  # the project's default (LLMSettings.temperature)

# --- the town ------------------------------------------------------------------------------


def load_personas() -> dict[str, dict[str, Any]]:
    """The Maplewood personas by first name."""
    people = {}
    for path in sorted(PERSONAS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        people[data["name"].split()[0]] = data
    return people


def identity(p: dict[str, Any]) -> str:
    """A compact system prompt for one persona."""
    work = f" and work at {p['workplace']}" if p.get("workplace") else ""
    return (
        f"You are {p['name']}, {p['age']}, {p['occupation']}. "
        f"Traits: {', '.join(p.get('traits', []))}. "
        f"Speaking style: {' '.join(str(p.get('speaking_style', '')).split())} "
        f"You live at {p['home']}{work}. Stay in character. Be brief and concrete."
    )


# --- dialogue situations -------------------------------------------------------------------


@dataclass(frozen=True)
class News:
    """Something on the speaker's mind, and the words that show a line mentions it."""

    text: str
    keywords: tuple[str, ...]


NEWS = {
    "music_night": News(
        "You are hosting a music night at the Copper Kettle Cafe this Saturday at 19:00 and "
        "want as many neighbours as possible to come.",
        ("music night", "saturday", "music"),
    ),
    "bridge": News(
        "You just learned that the town council will vote next Tuesday on closing the old mill "
        "bridge; you are writing it up for the Gazette.",
        ("bridge", "council"),
    ),
    "exam": News(
        "You passed your organic chemistry exam this morning with the top mark in the class.",
        ("exam", "chemistry", "top mark"),
    ),
    "milk": News(
        "The dairy's delivery truck broke down: there will be no fresh milk in town until Monday.",
        ("milk", "truck", "dairy", "delivery"),
    ),
    "lecture": News(
        "You are giving a free public talk on Maplewood's founding at the college library on "
        "Thursday at 18:00 and hope people come.",
        ("talk", "lecture", "founding", "thursday"),
    ),
    "quiz": News(
        "The Lantern is starting a quiz night every Wednesday at 20:00, first one this week.",
        ("quiz", "wednesday"),
    ),
    "flu": News(
        "The clinic is giving free flu shots all this week, and you want everyone over sixty "
        "to get one.",
        ("flu", "shot", "vaccin", "jab"),
    ),
    "gallery": News(
        "A gallery in the city wrote this morning: they want to show three of your paintings.",
        ("gallery", "paintings", "exhibit", "show three"),
    ),
    "anniversary": News(
        "Walter and Ada's fiftieth wedding anniversary party is at Birch House on Sunday at "
        "15:00, and you are inviting friends.",
        ("anniversary", "party", "sunday", "fiftieth", "50"),
    ),
    "photos": News(
        "You found a box of 1920s photographs of Main Street in the Gazette archive.",
        ("photo", "1920", "archive", "pictures"),
    ),
}


@dataclass(frozen=True)
class Situation:
    """X talks to Y at a place about something, maybe after a line of Y's, maybe watched."""

    speaker: str
    listener: str
    place: str
    time: str
    news: str
    heard: str = ""  # Y's previous line, if X is replying
    bystander: str = ""  # someone else at the place, not in the conversation


SITUATIONS = (
    Situation("Rosa", "Tom", "Willow House", "07:10", "music_night"),
    Situation(
        "Rosa",
        "Leo",
        "Copper Kettle Cafe",
        "06:40",
        "music_night",
        "Morning! Shall I start the buns?",
        "Ada",
    ),
    Situation(
        "Rosa", "Hank", "Brennan's Grocery", "14:20", "music_night", "Eggs and milk as usual, Rosa?"
    ),
    Situation("Rosa", "Ada", "Copper Kettle Cafe", "09:05", "music_night", "", "Leo"),
    Situation(
        "Tom",
        "Rosa",
        "Copper Kettle Cafe",
        "08:00",
        "bridge",
        "Late night at the paper again, hon?",
    ),
    Situation("Tom", "Walter", "Main Street", "11:30", "bridge", "", "Hank"),
    Situation("Leo", "Sam", "Maple Court", "12:15", "exam", "Hey, how did it go this morning?"),
    Situation("Leo", "Rosa", "Copper Kettle Cafe", "13:00", "exam", "", "Tom"),
    Situation("Hank", "Rosa", "Copper Kettle Cafe", "06:50", "milk"),
    Situation(
        "Hank",
        "Frankie",
        "Brennan's Grocery",
        "16:00",
        "milk",
        "Hank, I need a crate of lemons for tonight.",
        "Priya",
    ),
    Situation(
        "Miriam",
        "Sam",
        "Maplewood College",
        "10:00",
        "lecture",
        "Professor, do you have a minute about my essay?",
    ),
    Situation("Miriam", "Ada", "Maplewood College:library", "15:30", "lecture", "", "Sam"),
    Situation("Frankie", "Jonah", "The Lantern", "21:00", "quiz", "Same as always, Frankie."),
    Situation("Frankie", "Priya", "Main Street", "18:10", "quiz", "", "Walter"),
    Situation("Priya", "Walter", "Birch House", "17:30", "flu", "Come in, come in. Tea?"),
    Situation("Priya", "Hank", "Brennan's Grocery", "08:40", "flu", "", "Rosa"),
    Situation(
        "Jonah",
        "Rosa",
        "Copper Kettle Cafe",
        "10:45",
        "gallery",
        "You look like the cat that got the cream.",
    ),
    Situation("Ada", "Miriam", "Maplewood College:library", "11:00", "anniversary", "", "Sam"),
    Situation(
        "Walter",
        "Hank",
        "Brennan's Grocery",
        "09:30",
        "anniversary",
        "Morning, Walter. The usual paper?",
    ),
    Situation("Sam", "Tom", "Maplewood Gazette", "14:00", "photos", "", "Miriam"),
)

REPLY_SCHEMA = {
    "type": "object",
    "properties": {
        "to": {"type": "string", "maxLength": 40},
        "text": {"type": "string", "minLength": 1, "maxLength": 300},
    },
    "required": ["to", "text"],
    "additionalProperties": False,
}


def relationship(people: dict[str, dict[str, Any]], a: str, b: str) -> str:
    """What a thinks of b, from a's persona (or that b is a neighbour)."""
    full = people[b]["name"]
    line = (people[a].get("relationships") or {}).get(full)
    return f"{full}: {line}" if line else f"{full}: {people[b]['occupation']}, a neighbour."


def dialogue_messages(people: dict[str, dict[str, Any]], s: Situation) -> list[dict[str, str]]:
    """The chat messages asking for X's next line to Y."""
    x, y = people[s.speaker], people[s.listener]
    lines = [
        f"It is {s.time} on Friday at {s.place}. You, {x['name']}, are talking with {y['name']}.",
        f"What you think of {relationship(people, s.speaker, s.listener)}",
    ]
    if s.bystander:
        lines.append(
            f"{people[s.bystander]['name']} is also at {s.place} but not in this conversation."
        )
    lines.append(f"On your mind: {NEWS[s.news].text}")
    if s.heard:
        lines.append(f'{y["name"]} just said to you: "{s.heard}"')
    else:
        lines.append(f"You start the conversation with {y['name']}.")
    lines.append(
        f"Write what you say next to {y['name']}: one or two natural sentences in your own "
        f'voice. Reply with JSON only: {{"to": "<who you speak to>", "text": "<your words>"}}.'
    )
    return [
        {"role": "system", "content": identity(x)},
        {"role": "user", "content": "\n".join(lines)},
    ]


# --- the dialogue checks -------------------------------------------------------------------

_OPENERS = (
    r"(?:^|[.!?]\s+|,\s*|\b(?:hi|hey|hello|oh|ah|well|morning|evening|afternoon|thanks|"
    r"thank you|listen|look|see you|bye|night|dear|good morning|good evening|cheers)[,!]?\s+)"
)


def _names(p: dict[str, Any]) -> list[str]:
    full = p["name"]
    return [full, full.split()[0]]


def _vocatives(text: str, name: str) -> int:
    """How many times ``name`` stands as a form of address ("Oh, Tom!", "..., Tom?")."""
    pattern = _OPENERS + re.escape(name) + r"(?=\s*(?:[,!?.;:]|$))"
    return len(re.findall(pattern, text, flags=re.IGNORECASE))


def _mentions_of(text: str, name: str) -> int:
    return len(re.findall(r"\b" + re.escape(name) + r"\b", text, flags=re.IGNORECASE))


def address_problem(
    text: str, to: str, speaker: str, listener: str, people: dict[str, dict[str, Any]]
) -> str:
    """Why a line spoken by ``speaker`` to ``listener`` is wrongly addressed, or "" if it is not.

    Wrong: the ``to`` field names someone else; a vocative names the speaker or anyone but the
    listener; the listener's name is used outside a vocative (described in the third person).
    """
    listener_names = _names(people[listener])
    to_first = to.strip().split()[0].strip(",.!?").lower() if to.strip() else ""
    if to_first != listener_names[1].lower():
        return f"to={to!r}"
    for first, p in people.items():
        if first == listener:
            continue
        for name in _names(p):
            if _vocatives(text, name):
                who = "the speaker" if first == speaker else "a non-participant"
                return f"vocative {name!r} ({who})"
    full, first = listener_names
    uses = _mentions_of(text, first)  # counts the full name's uses too
    if uses > _vocatives(text, full) + _vocatives(text, first):
        return f"listener {first!r} in the third person"
    return ""


_ASSISTANT = re.compile(
    r"\b(?:as an ai|language model|ai assistant|i cannot assist|i can't assist|"
    r"i'm sorry, but i|how can i (?:help|assist) you)\b",
    re.IGNORECASE,
)


def out_of_character(text: str, heard: str) -> str:
    """Why a line is not a person speaking, or "": assistant talk, or an echo of the line heard."""
    if _ASSISTANT.search(text):
        return "assistant talk"
    said = re.sub(r"\W+", " ", text).strip().lower()
    other = re.sub(r"\W+", " ", heard).strip().lower()
    if other and (said == other or said.startswith(other)):
        return "echoes the line heard"
    return ""


def mentions(text: str, news: News) -> bool:
    """Whether a line mentions the news (any of its keywords)."""
    low = text.lower()
    return any(k in low for k in news.keywords)


# --- day plans -----------------------------------------------------------------------------

PLAN_PEOPLE = ("Rosa", "Tom", "Hank", "Priya", "Frankie")

_WORK = (
    r"\b(?:open|opens|opening|close|closes|closing|run|runs|running|serve|serves|serving|staff|"
    r"work|works|working|shift|bake|bakes|baking|manage|manages|unlock|unlocks|stock|stocks|"
    r"stocking|tend|tends|prep|preps)\b"
)
# Duties that belong to one workplace: a work verb with the place, or an unmistakable task.
DUTIES = {
    "Copper Kettle Cafe": (
        _WORK + r".*\b(?:cafe|café|copper kettle|coffee shop|buns|espresso)\b",
        r"\bbarista\b",
    ),
    "Maplewood Gazette": (
        _WORK + r".*\b(?:gazette|newsroom|newspaper)\b",
        r"\b(?:write|writes|writing|edit|edits|editing|file|files|filing)\b.*\b(?:article|story|"
        r"stories|column|headline|front page)\b",
    ),
    "Brennan's Grocery": (
        _WORK + r".*\b(?:grocery|store|shelves|till|deliveries)\b",
        r"\b(?:stock|stocks|stocking|restock|restocks|restocking) (?:the )?shelves\b",
    ),
    "Maplewood Clinic": (
        _WORK + r".*\bclinic\b",
        r"\b(?:see|sees|seeing|treat|treats|treating|check on|triage)\b.*\bpatients?\b",
        r"\bflu shots?\b",
    ),
    "The Lantern": (
        _WORK + r".*\b(?:lantern|bar|pub)\b",
        r"\b(?:pour|pours|pouring|mix|mixes|mixing)\b.*\b(?:drinks|pints|cocktails)\b",
        r"\bbartend",
    ),
    "Maplewood College": (
        r"\b(?:teach|teaches|teaching|lecture|lectures|lecturing|grade|grades|grading)\b",
    ),
}

PLAN_SCHEMA = {
    "type": "object",
    "properties": {
        "plan": {
            "type": "array",
            "minItems": 5,
            "maxItems": 8,
            "items": {
                "type": "object",
                "properties": {
                    "time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
                    "activity": {"type": "string", "minLength": 3, "maxLength": 80},
                },
                "required": ["time", "activity"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["plan"],
    "additionalProperties": False,
}


def plan_messages(p: dict[str, Any]) -> list[dict[str, str]]:
    """The chat messages asking for one persona's plan for today."""
    user = (
        f"Today is Friday. {p['name']} wakes up at {p['wake_time']} and goes to bed at "
        f"{p['sleep_time']}.\nUsual routine: {'; '.join(p.get('routines', []))}.\n"
        f"Write {p['name']}'s plan for today in 5 to 8 broad strokes, in time order, each with "
        f'its time, like {{"time": "08:00", "activity": "..."}}. '
        f'Reply with JSON only: {{"plan": [{{"time": "HH:MM", "activity": "..."}}, ...]}}.'
    )
    return [{"role": "system", "content": identity(p)}, {"role": "user", "content": user}]


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "saturday", "sunday")  # not Friday
_CLOCK = re.compile(r"\b([01]?[0-9]|2[0-3]):([0-5][0-9])\b")


def plan_problems(plan: Sequence[dict[str, str]], p: dict[str, Any]) -> list[str]:
    """The anomalies of one plan for a Friday.

    Time going back, outside waking hours, another workplace's duties, another weekday's
    routine ("Sunday mornings sings with the choir"), or an activity naming a clock time more
    than an hour away from its own ("08:00 open the cafe at 06:30").
    """
    wake, sleep = _minutes(p["wake_time"]), _minutes(p["sleep_time"])
    day = (sleep - wake) % 1440
    own = str(p.get("workplace") or "").split(":")[0]
    problems, previous = [], -1
    for item in plan:
        since_wake = (_minutes(item["time"]) - wake) % 1440
        if since_wake <= previous:
            problems.append(f"back in time: {item['time']} {item['activity']}")
        elif since_wake > day:
            problems.append(f"outside {p['wake_time']}-{p['sleep_time']}: {item['time']}")
        previous = max(previous, since_wake)
        activity = item["activity"].lower()
        if any(re.search(rf"\b{day}s?\b", activity) for day in _WEEKDAYS):
            problems.append(f"another day: {item['time']} {item['activity']}")
        named = [int(h) * 60 + int(m) for h, m in _CLOCK.findall(activity)]
        if named and all(abs(t - _minutes(item["time"])) > 60 for t in named):
            problems.append(f"time contradicts: {item['time']} {item['activity']}")
        for place, patterns in DUTIES.items():
            if place != own and any(re.search(rx, activity) for rx in patterns):
                problems.append(f"{place} duty: {item['time']} {item['activity']}")
                break
    return problems


# --- running a model -----------------------------------------------------------------------


@dataclass
class Result:
    """One model's figures."""

    model: str
    prompt_tps: float = 0.0
    gen_tps: float = 0.0
    lines: int = 0
    wrong: int = 0
    mentioned: int = 0
    malformed: int = 0
    ooc: int = 0
    plans: int = 0
    bad_plans: int = 0
    plan_items: int = 0
    plan_anomalies: int = 0
    plan_malformed: int = 0
    wall_s: float = 0.0
    examples: list[str] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)


def _chat(rt: LocalRuntime, model: str, body: dict[str, Any]) -> tuple[str, str, int, int]:
    reply = rt.chat(model, body, timeout_s=300)
    return reply.text, reply.finish_reason, reply.prompt_tokens, reply.completion_tokens


SPEED_PROMPT = (
    "The town of Maplewood has a cafe, a grocery, a newspaper, a college, a clinic and a bar. "
    "Rosa runs the Copper Kettle Cafe with Leo; Tom writes for the Maplewood Gazette; Hank keeps "
    "the grocery; Miriam teaches history at the college, where Ada volunteers in the library; "
    "Priya is a nurse at the clinic; Frankie manages The Lantern; Jonah paints in his studio; "
    "Walter, retired, fixes things for everyone; Sam studies history and interns at the paper. "
) * 2


def measure_speed(rt: LocalRuntime, model: str) -> tuple[float, float, int]:
    """Best-of-two prompt and generation speed (tokens/s) and the prompt's length in tokens.

    A one-token request times the prompt; a 150-token request (end of text ignored) adds the
    generation. Prompt caching is off, so every request processes its whole prompt.
    """
    messages = [
        {"role": "system", "content": "You are a storyteller."},
        {"role": "user", "content": SPEED_PROMPT + "Tell a long story about one day there."},
    ]
    best_prompt, best_gen, n_prompt = 0.0, 0.0, 0
    for run in range(2):
        base = {
            "messages": messages,
            "temperature": TEMPERATURE,
            "seed": run,
            "cache_prompt": False,
        }
        start = time.perf_counter()
        _, _, n_prompt, _ = _chat(rt, model, {**base, "max_tokens": 1})
        t_prompt = time.perf_counter() - start
        start = time.perf_counter()
        _, _, _, n_gen = _chat(rt, model, {**base, "max_tokens": 150, "ignore_eos": True})
        t_all = time.perf_counter() - start
        best_prompt = max(best_prompt, n_prompt / t_prompt)
        if n_gen > 1 and t_all > t_prompt:
            best_gen = max(best_gen, (n_gen - 1) / (t_all - t_prompt))
    return best_prompt, best_gen, n_prompt


def _fmt(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}


def run_model(
    model: str,
    people: dict[str, dict[str, Any]],
    samples: int,
    show: bool,
    threads: int | None,
    speed_only: bool = False,
) -> Result:
    """Measures one model; the runtime is closed afterwards to free its memory."""
    result = Result(model)
    started = time.perf_counter()
    with LocalRuntime(default_cache_dir(), n_parallel=1, n_ctx=4096, threads=threads) as rt:
        rt.ensure_loaded(model)
        result.prompt_tps, result.gen_tps, n_prompt = measure_speed(rt, model)
        print(
            f"[{model}] speed: prompt {result.prompt_tps:.1f} tok/s ({n_prompt} tokens), "
            f"generation {result.gen_tps:.1f} tok/s",
            flush=True,
        )
        for s in SITUATIONS if not speed_only else ():
            for seed in range(samples):
                body = {
                    "messages": dialogue_messages(people, s),
                    "temperature": TEMPERATURE,
                    "seed": seed,
                    "max_tokens": 160,
                    "response_format": _fmt(REPLY_SCHEMA, "Line"),
                }
                text, finish, _, _ = _chat(rt, model, body)
                result.lines += 1
                verdict = _judge_line(text, finish, s, people, result)
                result.replies.append(
                    {
                        "speaker": s.speaker,
                        "to": s.listener,
                        "seed": seed,
                        "reply": text,
                        "verdict": verdict,
                    }
                )
                if show or (verdict and len(result.examples) < 6):
                    shown = f"{s.speaker}->{s.listener} [{verdict or 'ok'}] {text.strip()}"
                    if show:
                        print(f"  {shown}", flush=True)
                    if verdict:
                        result.examples.append(shown)
        for first in PLAN_PEOPLE if not speed_only else ():
            p = people[first]
            body = {
                "messages": plan_messages(p),
                "temperature": TEMPERATURE,
                "seed": 0,
                "max_tokens": 400,
                "response_format": _fmt(PLAN_SCHEMA, "DayPlan"),
            }
            text, finish, _, _ = _chat(rt, model, body)
            result.plans += 1
            result.replies.append({"plan": first, "reply": text})
            try:
                plan = json.loads(text)["plan"]
                if finish == "length" or not isinstance(plan, list):
                    raise ValueError(finish)
            except (ValueError, KeyError, TypeError):
                result.plan_malformed += 1
                result.bad_plans += 1
                print(f"  plan {first}: malformed: {text[:120]!r}", flush=True)
                continue
            problems = plan_problems(plan, p)
            result.plan_items += len(plan)
            result.plan_anomalies += len(problems)
            result.bad_plans += bool(problems)
            if show or problems:
                items = "; ".join(f"{i['time']} {i['activity']}" for i in plan)
                print(f"  plan {first}: {items}", flush=True)
                for problem in problems:
                    print(f"    ! {problem}", flush=True)
    result.wall_s = time.perf_counter() - started
    return result


def _judge_line(
    text: str, finish: str, s: Situation, people: dict[str, dict[str, Any]], result: Result
) -> str:
    try:
        data = json.loads(text)
        to, line = data["to"], data["text"]
        if finish == "length" or not isinstance(to, str) or not isinstance(line, str):
            raise ValueError(finish)
        if not line.strip():
            raise ValueError("empty")
    except (ValueError, KeyError, TypeError):
        result.malformed += 1
        return "malformed"
    verdict = address_problem(line, to, s.speaker, s.listener, people)
    result.wrong += bool(verdict)
    result.mentioned += mentions(line, NEWS[s.news])
    ooc = out_of_character(line, s.heard)
    result.ooc += bool(ooc)
    return "; ".join(v for v in (verdict, ooc) if v)


# --- the table -----------------------------------------------------------------------------


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}% ({n}/{d})" if d else "-"


def table(results: Sequence[Result]) -> str:
    """A Markdown table of the figures."""
    head = (
        "| model | prompt tok/s | gen tok/s | wrong address | news mentioned | out of character "
        "| malformed | plans with errors | plan anomalies / items | wall s |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = [
        f"| {r.model}{' (default)' if r.model == DEFAULT_MODEL else ''} | {r.prompt_tps:.1f} "
        f"| {r.gen_tps:.1f} | {_pct(r.wrong, r.lines - r.malformed)} "
        f"| {_pct(r.mentioned, r.lines - r.malformed)} | {_pct(r.ooc, r.lines - r.malformed)} "
        f"| {_pct(r.malformed, r.lines)} "
        f"| {_pct(r.bad_plans, r.plans)} | {r.plan_anomalies}/{r.plan_items} | {r.wall_s:.0f} |"
        for r in results
    ]
    return "\n".join([head, *rows])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=[DEFAULT_MODEL])
    parser.add_argument(
        "--samples", type=int, default=2, help="seeds per dialogue situation (0: plans only)"
    )
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads")
    parser.add_argument("--show", action="store_true", help="print every line and plan")
    parser.add_argument("--speed-only", action="store_true", help="measure speed alone")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    people = load_personas()
    print(
        f"bench_models {date.today()} on {platform.machine()}, "
        f"{len(SITUATIONS)} situations x {args.samples} seeds, {len(PLAN_PEOPLE)} plans",
        flush=True,
    )
    results = []
    for model in args.models:
        try:
            results.append(
                run_model(model, people, args.samples, args.show, args.threads, args.speed_only)
            )
        except LocalModelError as exc:
            print(f"[{model}] skipped: {exc}", flush=True)
            continue
        r = results[-1]
        for example in r.examples:
            print(f"  e.g. {example}", flush=True)
        if args.json:  # after each model, so that a stopped run keeps what it measured
            args.json.write_text(json.dumps([vars(x) for x in results], indent=2), "utf-8")
    print(table(results))
    for r in results:
        valid = r.lines - r.malformed
        report(f"{r.model}: generated tokens/s", f"{r.gen_tps:.1f}")
        report(f"{r.model}: wrongly addressed lines", _pct(r.wrong, valid))
        report(f"{r.model}: lines mentioning the news", _pct(r.mentioned, valid))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A person's usual day, built from their routine, workplace and the town's opening hours.

The day plan starts from this skeleton: a person wakes, has breakfast, goes to their own work
in its opening hours (or spends the day as their routine says), has lunch (at work on a working
day) and dinner at home at ordinary hours, keeps the routine's fixed appointments on the days
they apply, and goes home in the evening. The model then only adds what is new today (an
intention, a promise), so a reporter never "opens the cafe" because the model wrote a day from
nothing.

Routine lines are free text ("opens the cafe at 06:30", "Thursday nights poker at The Lantern",
"lunch is a sandwich behind the counter"); :func:`parse_routine` reads their times, days and
places with plain rules and leaves out what it cannot place in time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from agents.cognition.places import KnownArena, KnownPlaces, ScheduledBlock
from worlds.hours import format_clock

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WORKDAYS = frozenset(range(6))
"""Days a person with a workplace works unless their routine says otherwise (Monday–Saturday)."""
DEFAULT_WORK_HOURS = (9 * 60, 17 * 60)
"""Work hours at a workplace without opening hours."""
BREAKFAST_AFTER_WAKE = 30
LUNCH = 12 * 60 + 30
DINNER = 18 * 60 + 30
BACK_TO_WORK_AFTER = 30
"""Minutes after a routine interruption during work hours when work resumes."""
MAX_WORK_MINUTES = 10 * 60
"""A working day is at most this long, whatever the workplace's opening hours."""
_GENERIC = {
    "working",
    "back at work",
    "having lunch",
    "having dinner",
    "having breakfast",
    "relaxing at home",
    "heading home after work",
    "waking up and getting ready",
}
_KIND_WORDS = {
    "college": ("lecture", "lectures", "labs", "classes", "class", "seminar", "students"),
    "park": ("jog", "jogs", "jogging", "walk", "walks", "ducks", "pond", "picnic"),
    "bar": ("beer", "poker", "drinks", "pint"),
    "library": ("library", "books"),
    "clinic": ("clinic", "doctor", "patients"),
    "shop": ("groceries", "shopping"),
}
"""Words that name a kind of place without naming the place (a lecture happens at a college)."""

_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_AMPM = re.compile(r"\b(1[0-2]|0?[1-9])\s*(am|pm)\b")
_PERIODS = (
    ("after closing", None),
    ("after work", None),
    ("before dinner", 17 * 60 + 30),
    ("lunch", 12 * 60 + 30),
    ("breakfast", None),
    ("morning", 9 * 60),
    ("afternoon", 14 * 60),
    ("evening", 19 * 60),
    ("night", 20 * 60),
)
_WORK_WORDS = re.compile(
    r"\b(work|works|working|shift|opens?|closes?|serves?|office hours|"
    r"clinic|newsroom|counter|till|store|interviews?|teach\w*)\b"
)
_GENERIC_WORDS = {"the", "a", "an", "of", "and", "at", "in", "on", "house", "street"}


@dataclass(frozen=True)
class RoutineItem:
    """One fixed part of a person's usual day.

    Attributes:
        start: Minutes after midnight.
        activity: What they do, in their routine's words.
        arena: Where, as an arena address; None when the routine does not say (then it is the
            workplace during work hours, else home).
        days: Weekdays (0 = Monday) it applies on; None for every day.
        work: Whether it is part of their work.
        end: When it ends, if the routine says ("from 07:00 to 11:00", "until 13:00").
    """

    start: int
    activity: str
    arena: str | None
    days: frozenset[int] | None
    work: bool
    end: int | None = None


@dataclass(frozen=True)
class DayTemplate:
    """Everything needed to lay out a person's usual day, without the world.

    Attributes:
        wake: Wake-up time, minutes after midnight.
        sleep: Bedtime, minutes after midnight (may be past midnight, i.e. smaller than wake).
        home: The home arena where the person sleeps.
        kitchen: A kitchen (or living) arena at home, where meals and evenings at home happen.
        work: The workplace arena, if any.
        work_hours: The workplace's first opening range, minutes after midnight.
        routine: The parsed routine.
        workdays: The weekdays the person works.
    """

    wake: int
    sleep: int
    home: str
    kitchen: str
    work: str | None
    work_hours: tuple[int, int]
    routine: tuple[RoutineItem, ...]
    workdays: frozenset[int] = WORKDAYS

    def day(self, weekday: int) -> list[ScheduledBlock]:
        """The usual day for a weekday (0 = Monday), in time order, within waking hours."""
        end = self._day_end()
        blocks: dict[int, tuple[str, str]] = {}

        def put(start: int, activity: str, arena: str, replace: bool = True) -> None:
            if self.wake <= start < end and (replace or start not in blocks):
                blocks[start] = (activity, arena)

        put(self.wake, "waking up and getting ready", self.home)
        off = self.work is None or weekday not in self.workdays
        today = [  # work without named days follows the workdays: no shop opened on a day off
            r
            for r in self.routine
            if (weekday in r.days if r.days is not None else not (r.work and off))
        ]
        work_start, work_end = self._work_span(weekday, today)
        working = work_start is not None and work_end is not None and self.work is not None

        def at_work(minute: int) -> bool:
            return working and work_start <= minute < work_end  # type: ignore[operator]

        breakfast = self.wake + BREAKFAST_AFTER_WAKE
        if not at_work(breakfast):
            put(breakfast, "having breakfast", self.kitchen)
        if working:
            put(work_start, "working", self.work)  # type: ignore[arg-type]
            put(work_end, "heading home after work", self.kitchen)  # type: ignore[arg-type]
        lunch_in_routine = any("lunch" in r.activity.lower() for r in today)
        if not lunch_in_routine:
            lunch_at = self.work if at_work(LUNCH) else self.kitchen
            put(LUNCH, "having lunch", lunch_at)  # type: ignore[arg-type]
            if at_work(LUNCH + 45):
                put(LUNCH + 45, "back at work", self.work)  # type: ignore[arg-type]
        if not at_work(DINNER):
            put(DINNER, "having dinner", self.kitchen)
            put(DINNER + 60, "relaxing at home", self.kitchen)
        for item in sorted(today, key=lambda r: r.start):
            arena = item.arena or (self.work if at_work(item.start) else self.kitchen)
            if item.start in blocks and blocks[item.start][0] not in _GENERIC:
                put(item.start, f"{blocks[item.start][0]}; {item.activity}", arena)
            else:
                put(item.start, item.activity, arena)  # type: ignore[arg-type]
            if item.start == work_end:
                put(item.start + BACK_TO_WORK_AFTER, "heading home after work", self.kitchen)
            resume = item.end if item.end and item.end > item.start else item.start
            resume = max(resume, item.start + BACK_TO_WORK_AFTER)
            interrupts = at_work(item.start) and at_work(resume) and item.start != work_start
            if interrupts and not any(item.start < s <= resume for s in blocks):
                put(resume, "back at work", self.work)  # type: ignore[arg-type]
        return [
            ScheduledBlock(start=format_clock(start), activity=activity, arena=arena)
            for start, (activity, arena) in sorted(blocks.items())
        ]

    def _day_end(self) -> int:
        """The last minute of the waking day on the same date (midnight for late sleepers)."""
        return self.sleep if self.sleep > self.wake else 24 * 60

    def _work_span(
        self, weekday: int, today: Sequence[RoutineItem]
    ) -> tuple[int | None, int | None]:
        """When the person works today: their routine's work times, else the opening hours.

        A working day is at most :data:`MAX_WORK_MINUTES` long unless the routine has work
        later than that.
        """
        if self.work is None or weekday not in self.workdays:
            return None, None
        open_at, close_at = self.work_hours
        work_items = [r for r in today if r.work and r.start >= self.wake]
        start = min(r.start for r in work_items) if work_items else open_at
        start = max(start, self.wake + BREAKFAST_AFTER_WAKE // 2)
        ends = [r.end for r in work_items if r.end is not None]
        if ends:
            end = max(ends)
        else:
            end = close_at if close_at > start else self._day_end()
            end = max(min(end, start + MAX_WORK_MINUTES), *(r.start for r in work_items), start)
        return start, min(end, self._day_end())


def parse_routine(
    lines: Sequence[str],
    places: KnownPlaces,
    work: str | None,
    work_hours: tuple[int, int],
    kinds: Mapping[str, str] | None = None,
) -> tuple[tuple[RoutineItem, ...], frozenset[int]]:
    """Reads routine lines into timed items and the days the person works.

    Each line is split into clauses ("opens the cafe at 06:30, bakes ... at 07:00"); a clause
    that starts with a weekday or "and" stays with the one before. A clause gets its time from
    a clock time, "9am", or a period word ("in the afternoon", "before dinner", "after
    closing"), else it follows the clause before it; its days from weekday names, "weekdays" or
    "weekends"; its place from a sector it names (or a kind of place, "lectures" → a college),
    or one of the person's own rooms it names. Clauses with no time are left out.

    Args:
        lines: The persona's routine lines.
        places: The arenas the person knows (own home and workplace first).
        work: The workplace arena address, if any.
        work_hours: The workplace's opening range, for "after closing" and "after work".
        kinds: The place kind of each known arena's sector, by arena address.

    Returns:
        The items in the order written, and the weekdays the person works.
    """
    items: list[RoutineItem] = []
    workdays: set[int] | None = None
    distinctive = _distinctive_words(places.arenas)
    own = {places.home_sector, places.work_sector}
    for line in lines:
        previous: int | None = None
        for text in _clauses(line):
            lowered = text.lower()
            start = _time(lowered, work_hours)
            start = (
                start if start is not None else (previous + 30 if previous is not None else None)
            )
            if start is None:
                continue
            previous = start
            days = _days(lowered)
            arena, named = _place(lowered, places.arenas, distinctive, own, kinds or {})
            is_work = bool(_WORK_WORDS.search(lowered)) or (arena is not None and arena == work)
            if is_work and work and not named:
                arena = work  # "office hours" is at one's own office, not the newspaper's
            if is_work and work and arena == work and days is not None and len(days) > 1:
                workdays = (workdays or set()) | set(days)
            items.append(RoutineItem(start, text, arena, days, is_work, _until(lowered)))
    return tuple(items), frozenset(WORKDAYS if workdays is None else workdays)


def _clauses(line: str) -> list[str]:
    """A routine line's clauses: split at commas, semicolons and "then"."""
    clauses: list[str] = []
    for part in re.split(r",\s*(?:then\s+)?|;\s*|\s+then\s+", line):
        text = part.strip().rstrip(".")
        if not text:
            continue
        first = text.split()[0].lower().rstrip("s")
        if clauses and (first in WEEKDAYS or first == "and"):
            clauses[-1] = f"{clauses[-1]}, {text}"
        else:
            clauses.append(text)
    return clauses


def _until(clause: str) -> int | None:
    match = re.search(r"\b(?:to|until|till)\s+([01]?\d|2[0-3]):([0-5]\d)\b", clause)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    if _CLOCK.search(clause) is None:
        for word, end in (("morning", 12 * 60), ("afternoon", 17 * 60)):
            if word in clause:
                return end
    return None


def _time(clause: str, work_hours: tuple[int, int]) -> int | None:
    until = re.search(r"\b(?:to|until|till)\s+\d", clause)
    match = _CLOCK.search(clause[: until.start()] if until else clause)
    if match:
        minutes = int(match.group(1)) * 60 + int(match.group(2))
        return max(0, minutes - 30) if "before" in clause[: match.start()] else minutes
    match = _AMPM.search(clause)
    if match:
        hour = int(match.group(1)) % 12 + (12 if match.group(2) == "pm" else 0)
        return hour * 60
    for word, minutes in _PERIODS:
        if word in clause:
            if word in ("after closing", "after work"):
                return work_hours[1] % (24 * 60)
            return minutes
    return None


def _days(text: str) -> frozenset[int] | None:
    if "weekday" in text:
        return frozenset(range(5))
    if "weekend" in text:
        return frozenset({5, 6})
    named = {i for i, day in enumerate(WEEKDAYS) if re.search(rf"\b{day}s?\b", text)}
    return frozenset(named) if named else None


def _words(text: str) -> set[str]:
    """The words of a text, possessives dropped ("the cafe's table" names the cafe)."""
    return set(re.findall(r"[a-z]+", re.sub(r"['’]s\b", "", text)))


def _distinctive_words(arenas: Sequence[KnownArena]) -> dict[str, set[str]]:
    """For each arena, the words of its sector's name that no other sector's name has."""
    sector_words = {
        arena.label.split(",")[0]: {
            w for w in _words(arena.label.split(",")[0].lower()) if w not in _GENERIC_WORDS
        }
        for arena in arenas
    }
    counts: dict[str, int] = {}
    for words in sector_words.values():
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    return {
        arena.address: {w for w in sector_words[arena.label.split(",")[0]] if counts[w] == 1}
        for arena in arenas
    }


def _place(
    clause: str,
    arenas: Sequence[KnownArena],
    distinctive: Mapping[str, set[str]],
    own: set[str | None],
    kinds: Mapping[str, str],
) -> tuple[str | None, bool]:
    """The known arena a clause names best (or None), and whether it names its sector.

    A sector's distinctive words count most, then a kind of place ("lectures" → a college),
    then the name of one of the person's own rooms ("the kitchen table"); ties go to the
    person's own places, which come first.
    """
    words = _words(clause)
    best, best_score = None, 0
    for arena in arenas:
        sector = arena.label.split(",")[0]
        score = 4 * len(distinctive[arena.address] & words)
        kind = kinds.get(arena.address, "")
        if kind and (kind in words or words & set(_KIND_WORDS.get(kind, ()))):
            score += 2
        room = arena.label.split(",", 1)[-1].strip().lower()
        if sector in own and room and re.search(rf"\b{re.escape(room)}\b", clause):
            score += 1
        if score > best_score:
            best, best_score = arena.address, score
    return best, best_score >= 4

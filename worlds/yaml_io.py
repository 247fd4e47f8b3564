"""Strict YAML reading for user-written files: duplicate keys and aliases are errors.

PyYAML silently keeps the last of two equal keys; in a world or persona file that hides a typo
(two sectors both called "Cafe"), so :func:`load_yaml` reports it instead. It also returns a
map from field path to line number so errors can point at the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from worlds.errors import Problem, SpecError

LineMap = dict[tuple[str | int, ...], int]


class _AliasRefused(yaml.composer.ComposerError):
    """A YAML alias (``*name``) in a user-written file."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys and aliases.

    Aliases are refused because worlds and personas get shared: a few hundred bytes of nested
    aliases expand to billions of nodes (a "billion laughs" file) and exhaust memory.
    """

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(
                None,
                None,
                f"the alias *{event.anchor} repeats another part of the file",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, source: str, error: type[SpecError] = SpecError) -> tuple[Any, LineMap]:
    """Parse YAML text strictly.

    Args:
        text: The YAML document.
        source: File name used in errors.
        error: The :class:`SpecError` subclass to raise.

    Returns:
        ``(data, lines)``: the parsed document and a map from field path to 1-based line.

    Raises:
        SpecError: (the ``error`` subclass) on a syntax error or a duplicate key.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        fix = "check indentation and quoting"
        if isinstance(exc, _AliasRefused):
            fix = "write the value out in full where the alias stands (aliases are not read)"
        raise error.from_problems(
            [Problem(source, "", f"not valid YAML: {problem}", fix, line)]
        ) from exc
    finally:
        loader.dispose()
    lines: LineMap = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return data, lines


def load_yaml(path: Path, error: type[SpecError] = SpecError) -> tuple[Any, LineMap]:
    """Read and parse a YAML file strictly (see :func:`parse_yaml`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(
            str(path), "", f"cannot read file: {exc.strerror or exc}", "check the path"
        ) from exc
    return parse_yaml(text, str(path), error)


def _collect_lines(node: yaml.Node, loc: tuple[str | int, ...], out: LineMap) -> None:
    out.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            out[(*loc, key)] = key_node.start_mark.line + 1
            _collect_lines(value_node, (*loc, key), out)
            out[(*loc, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _collect_lines(item, (*loc, i), out)

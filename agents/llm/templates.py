"""Prompt templates: Jinja2 files next to the code, one file per cognitive step.

A template file defines two blocks, ``system`` and ``user``. The system block holds what is
stable for an agent (who it is), so the local runtime can reuse its prompt cache; the user block
holds what changes from call to call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

PROMPTS_DIR = Path(__file__).parent / "prompts"


class PromptLibrary:
    """Loads and renders prompt templates from a folder.

    Args:
        folders: Folders holding ``<name>.j2`` files; earlier folders win.
    """

    def __init__(self, *folders: Path) -> None:
        self._folders = list(folders) or [PROMPTS_DIR]
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in self._folders]),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # templates do not change during a run: no stat() per render
        )

    def render(self, name: str, variables: Mapping[str, Any]) -> list[dict[str, str]]:
        """Renders a template into chat messages.

        Args:
            name: Template name without the ``.j2`` suffix.
            variables: Values for the template.

        Returns:
            A ``system`` message (if the template has one) followed by a ``user`` message.

        Raises:
            jinja2.TemplateNotFound: If no folder holds the template.
            jinja2.UndefinedError: If the template uses a variable not given.
        """
        template = self._env.get_template(f"{name}.j2")
        context = template.new_context(dict(variables))
        messages = []
        for role in ("system", "user"):
            block = template.blocks.get(role)
            if block is None:
                continue
            text = "".join(block(context)).strip()
            if text:
                messages.append({"role": role, "content": text})
        if not messages:
            raise ValueError(f"prompt template {name!r} has neither a system nor a user block")
        return messages

    def names(self) -> list[str]:
        """Returns the names of all templates, sorted."""
        return sorted({p.stem for folder in self._folders for p in folder.glob("*.j2")})

    def hashes(self) -> dict[str, str]:
        """Returns a short sha256 of every template's source, for the trajectory header."""
        result = {}
        for name in self.names():
            source, _, _ = self._env.loader.get_source(self._env, f"{name}.j2")  # type: ignore[union-attr]
            result[name] = hashlib.sha256(source.encode()).hexdigest()[:16]
        return result

"""Views of others: a small structured profile of each person an agent knows.

After each interaction the agent edits the profile with add/update/delete operations (the
PersonaTree idea of Inside Out) instead of rewriting it, so what it knew survives a bad reply.
"""

from __future__ import annotations

from agents.cognition.schemas import PersonUpdate

FIELDS = ("role", "said", "feeling", "plans")
MAX_FIELD_CHARS = 240


class PersonViews:
    """An agent's profiles of other people, seeded from its persona's relationships."""

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self.profiles: dict[str, dict[str, str]] = {
            name: {"role": text[:MAX_FIELD_CHARS]} for name, text in (initial or {}).items()
        }

    def apply(self, person: str, updates: list[PersonUpdate]) -> None:
        """Applies add/update/delete operations to the profile of ``person``."""
        profile = dict(self.profiles.get(person, {}))
        for update in updates:
            if update.op == "delete":
                profile.pop(update.field, None)
            elif update.op == "update" and update.value:
                profile[update.field] = update.value[:MAX_FIELD_CHARS]
            elif update.op == "add" and update.value:
                old = profile.get(update.field)
                joined = f"{old}; {update.value}" if old else update.value
                profile[update.field] = joined[-MAX_FIELD_CHARS:]
        if profile or person in self.profiles:  # only real edits make a person known
            self.profiles[person] = profile

    def describe(self, person: str) -> str:
        """One line about ``person`` for a prompt."""
        profile = self.profiles.get(person)
        if not profile:
            return f"{person}: someone not known well yet"
        parts = [f"{key}: {profile[key]}" for key in FIELDS if profile.get(key)]
        return f"{person}: " + "; ".join(parts)

    def knows(self, person: str) -> bool:
        """Whether the agent has a profile of ``person``."""
        return person in self.profiles

    def get_state(self) -> dict[str, dict[str, str]]:
        """Returns the profiles for a checkpoint."""
        return {k: dict(v) for k, v in self.profiles.items()}

    def set_state(self, state: dict[str, dict[str, str]]) -> None:
        """Restores profiles made by :meth:`get_state`."""
        self.profiles = {k: dict(v) for k, v in state.items()}

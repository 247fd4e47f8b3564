"""Keeps API keys out of everything gentown writes.

Keys are read from the environment only when a request is sent; any text that leaves the LLM
boundary (error messages, logs) is passed through :func:`redact` first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

_SECRET_NAME = re.compile(r"(API_KEY|_TOKEN|SECRET|PASSWORD|_KEY)$", re.IGNORECASE)
_MIN_SECRET_LENGTH = 8
REDACTED = "***"


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Returns the values of environment variables whose names look like credentials.

    Args:
        environ: The environment to read; defaults to ``os.environ``.

    Returns:
        The secret values, longest first, ignoring values too short to be keys.
    """
    env = os.environ if environ is None else environ
    values = {v for k, v in env.items() if _SECRET_NAME.search(k) and len(v) >= _MIN_SECRET_LENGTH}
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """Replaces every secret value in ``text`` with ``***``.

    Args:
        text: Text that may be written somewhere.
        secrets: The values to hide; defaults to :func:`secret_values` of the environment.

    Returns:
        The text with each secret replaced.
    """
    for value in secret_values() if secrets is None else secrets:
        if value:
            text = text.replace(value, REDACTED)
    return text

"""The pygame viewer: watch a town live or replay a recorded run.

Entry points (imported lazily so ``import viz`` stays cheap and pygame loads only when used):

* :func:`viz.app.replay` -- replay a run folder in a window, or export PNG frames / a GIF.
* :class:`viz.app.LiveViewer` -- show frames pushed by a running simulation through a queue.

pygame is imported only inside this package. Its support banner is silenced here.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

__all__ = ["LiveViewer", "replay"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from viz import app

        return getattr(app, name)
    raise AttributeError(f"module 'viz' has no attribute {name!r}")

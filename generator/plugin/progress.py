"""A progress line with counts for long builds, on an interactive terminal only.

`goalsite build` of a large company takes minutes; a person at a terminal sees
which phase runs and how many pages are done. Nothing is ever written when
stderr is not a terminal, when `CI` is set (CI logs stay clean) or when
TERM is "dumb". The line is redrawn in place at most ten times a second and
erased when the build ends, so the build's own messages follow as before.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

_WIDTH = 24  # characters of the bar
_INTERVAL = 0.1  # seconds between redraws


def interactive(stream: TextIO) -> bool:
    """Whether `stream` is a person's terminal (and not a CI job's log)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
    return tty and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Progress:
    """`phase(label, total)`, then `step()` for each item done; `close()` erases the line."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = interactive(self.stream) if enabled is None else enabled
        self.label = ""
        self.total: int | None = None
        self.done = 0
        self._drawn = 0.0
        self._visible = False

    def phase(self, label: str, total: int | None = None) -> None:
        """Start a phase: a label alone, or a bar counting up to `total`."""
        self.label, self.total, self.done = label, total, 0
        self._draw(force=True)

    def step(self, count: int = 1) -> None:
        self.done += count
        self._draw(force=self.total is not None and self.done >= self.total)

    def close(self) -> None:
        if self.enabled and self._visible:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._visible = False

    def line(self) -> str:
        """The text of the line as it is drawn now."""
        if not self.total:
            return f"{self.label}…"
        done = min(self.done, self.total)
        filled = _WIDTH * done // self.total
        return f"{self.label} [{'#' * filled}{'.' * (_WIDTH - filled)}] {done}/{self.total}"

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn < _INTERVAL:
            return
        self._drawn = now
        self.stream.write("\r\x1b[2K" + self.line())
        self.stream.flush()
        self._visible = True

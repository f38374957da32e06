"""The prefetch: a cold load of a large company parses its last period files in a forked process.

While load_goals() reads and parses the first period files in this process, a process forked through
the task runner (tasks.py) parses the last ones, about WORKER_SHARE of their bytes, and sends back
what it made of each: {display path: (digest of the bytes, data, problems)}. The load reads every
file itself, as always, and takes the forked process's result only when the digest of what it read
is the one that process parsed: a file changed in between is parsed again here. Should the process
fail, its files are parsed here and the runner is told; the result is the same.

It pays only with a CPU to spare: the shell passes the load a runner only then (tasks.when_idle()).
This is the loader's use of the runner: it knows the loader's fence and parser, nothing of the model.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..load.fence import Fence
from ..load.located import Source
from ..load.parse import MAX_FILE_BYTES, parse_source
from ..load.read import digest_of
from ..load.scalars import PlainScalars
from ..problems import Problem
from .tasks import TaskFailed, Tasks

#: Below this many bytes of period files a second process costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
#: The share of the period files' bytes the forked process parses. It also encodes what it made for
#: the pipe (about a third of the time of its parse), which this process decodes (an eighth): with
#: this share both are done at about the same time.
WORKER_SHARE = 0.43

Parsed = dict[str, tuple[bytes, Any, list[Problem]]]


class Prefetch:
    """Period files being parsed by a forked process; get() gives what it made of one."""

    def __init__(self, running: Any, assigned: set[str], tasks: Tasks) -> None:
        self.running, self.assigned, self.tasks = running, assigned, tasks
        self.results: Parsed | None = None

    @classmethod
    def start(cls, tasks: Tasks, files: list[tuple[Path, str, int]]) -> "Prefetch | None":
        """Fork a process parsing the last of `files` ((resolved path, display path, size), in the load's
        order, resolved inside the goals folder); None when they are too few or it cannot start."""
        total = sum(size for _, _, size in files)
        if total < PARALLEL_MIN_BYTES:
            return None
        share, taken = [], 0
        for path, display, size in reversed(files):
            if taken >= total * WORKER_SHARE:
                break
            share.append((path, display))
            taken += size
        try:
            running = tasks.start(lambda: _parse_share(share), "a worker parsing goal files")
        except TaskFailed as e:
            tasks.report(f"goalsite: {e}; parsing the goal files in one process")
            return None
        return cls(running, {display for _, display in share}, tasks)

    def get(self, display: str, digest: bytes) -> tuple[Any, list[Problem]] | None:
        """(data, problems) the forked process made of the file `display` with these bytes; None if it did not."""
        if display not in self.assigned:
            return None
        if self.results is None:
            try:
                self.results = self.running.result()
            except TaskFailed as e:
                self.tasks.report(f"goalsite: {e}; parsing its files here")
                self.results = {}
        entry = self.results.get(display)
        if entry is None or entry[0] != digest:
            return None
        return entry[1], entry[2]

    def close(self) -> None:
        """Stop and reap a process whose results were never asked for."""
        self.running.stop()


def _parse_share(share: list[tuple[Path, str]]) -> Parsed:
    """In the forked process: what the load would make of each period file (one it cannot read is left out)."""
    out = {}
    scalars = PlainScalars()
    for path, display in share:
        try:
            raw = Fence.read(os.fspath(path))  # resolved inside the goals folder by the load
        except OSError:
            continue
        if len(raw) > MAX_FILE_BYTES:
            continue
        source, problems = parse_source(Source(display, "period"), raw, scalars)
        out[display] = (digest_of(raw), source.data, problems)
    return out

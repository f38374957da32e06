"""GC policy: when Python's cycle collector runs while goalsite builds, in one place.

The pipeline builds millions of small objects, nearly all acyclic trees that reference counting
frees; the cycle collector would walk the whole growing heap again and again while they are made.
So the stages run with it paused (`paused()`), a one-shot process freezes what it keeps to its end
(`keep_for_process()`), `goalsite serve` freezes the goal files of its first build (`keep_sources()`)
and lets the collector run only between builds when nobody waits for the server (`Collector`).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator

#: Seconds after a build before the cycle collector frees the builds it replaced (see Collector).
COLLECT_AFTER = 1.0
#: Seconds without a build after the complete rebuild that follows a fast one, before the collector
#: frees what that rebuild replaced (see Collector).
COLLECT_IDLE = 30.0


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Run without Python's cycle collector, then restore it.

    The pipeline builds millions of small, acyclic objects that reference counting frees. The cycle
    collector still walks the whole growing heap again and again while they are made: for a large
    company that was a quarter of the time of `build_portal`.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep_for_process() -> None:
    """Take every object alive now out of the cycle collector's reach, for the rest of the process.

    For a one-shot process that keeps its Build until it exits (`goalsite build`): without this, each
    collection that the MkDocs build then sets off walks the portal's millions of objects again. Never
    in a process that rebuilds (`goalsite serve`): an old portal that is frozen is never collected.
    """
    gc.freeze()


def keep_sources() -> None:
    """Take the goal files read and validated so far out of the cycle collector's sight (`gc.freeze()`).

    For the first build of `goalsite serve` (pipeline.build_portal(freeze_sources=True)), before the
    portal links them. They are kept from one rebuild to the next (the serve shell's Memo) and are
    most of what the collection after each rebuild would walk: for a large company that collection
    took twice as long, holding up the server all along. They are trees, without cycles, so reference
    counting still frees each file's when the file changes; only a collection could free a cycle.
    """
    gc.freeze()


class Collector:
    """Python's cycle collector rests through every build of `goalsite serve`, and frees what the builds
    replaced when nobody waits for the server.

    Each build replaces a portal of linked nodes (cycles, which only the cycle collector frees) in a
    heap of gigabytes for a large company: a full collection in the middle of a rebuild cost seconds.
    Turning the collector back on as the build ends is no better: the millions of objects the build
    made are all still in its youngest generation, and the next allocation walks them all before the
    browsers are told to reload. While it collects, the server neither serves pages nor sees edits,
    so it collects at these moments only:

    * COLLECT_AFTER seconds after a build, once the browsers have reloaded, if no build is running or
      the running one is the complete rebuild that follows a fast one (incremental.py): nobody waits
      for that one, and it never holds up an edit saved after it;
    * after that complete rebuild, only once the server has been idle for COLLECT_IDLE seconds: an
      edit saved just after it is rebuilt at once, not after a collection.

    A timer that finds a newer build ended leaves the collecting to that build's timer. The server's
    first build freezes the goal files it read (keep_sources()), which halves each collection.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._building = 0
        self._background = False  # the running build is a complete rebuild after a fast one
        self._ended = 0  # builds ended so far

    @contextlib.contextmanager
    def paused(self, *, follow_up: bool = False) -> Iterator[None]:
        """Around a build; `follow_up`: the complete rebuild that follows a fast one."""
        with self._lock:
            self._building += 1
            self._background = follow_up
            gc.disable()
        try:
            yield
        finally:
            with self._lock:
                self._building -= 1
                self._ended += 1
                ended = self._ended
            timer = threading.Timer(COLLECT_IDLE if follow_up else COLLECT_AFTER, self.collect, (ended,))
            timer.daemon = True
            timer.start()

    def collect(self, ended: int) -> None:
        """Collect, unless a build someone waits for is running, or a later build than build `ended` ended."""
        with self._lock:
            if ended != self._ended:
                return
            if self._building and not self._background:
                return
            gc.collect()
            if not self._building:
                gc.enable()

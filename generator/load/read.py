"""Reading one goal file: through the fence, the memo of the shell that rebuilds, and the prefetch.

A `FileReader` reads the goal files of one load_goals(). Given the memo of `goalsite serve`, a file
whose path, kind and bytes are the same as in the previous load gives back the very same Source (and
model.py reuses its validation), so a rebuild re-reads only what changed. The key is a hash of the
bytes, never a modification time, so an edit cannot be missed; a file whose stat did not change since
it was read, long after it was last written, is not even read again (SETTLED_NS). Sources are never
changed after they are made, so sharing them between builds is safe.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from ..problems import Location, Problem, error
from ..speed.memo import MISSING, Memo
from .fence import Fence
from .located import Source
from .parse import MAX_FILE_BYTES, parse_source
from .scalars import PlainScalars

if TYPE_CHECKING:
    from ..speed.prefetch import Prefetch

#: A file whose stat (inode, size, modification and change times) is the same as when it was last read
#: is not read again, if its change time was this long before that read. A file written in the same
#: instant as it was read could change again without its times changing (git calls this "racy"); a
#: file that changes later gets a later change time, which nothing but the clock can set.
SETTLED_NS = 2_000_000_000


def digest_of(raw: bytes) -> bytes:
    """The hash of a file's bytes that keys its Source (Source.digest)."""
    return hashlib.blake2b(raw, digest_size=20).digest()


class FileReader:
    """Reads the goal files of one load through `fence`, with the memo's tables.

    "load" holds {(display path, kind, context): (Source, problems)} by the digest of the bytes;
    "load/settled" holds {(resolved path, display path, kind, context): digest} by the file's stat,
    for the files that had settled when they were read. `files_read` and `files_prefetched` count
    what this load read from disk, and of that what the prefetch's process had parsed.
    """

    def __init__(self, fence: Fence, memo: Memo, prefetch: "Prefetch | None" = None) -> None:
        self.fence, self.prefetch = fence, prefetch
        self.sources, self.settled = memo.table("load"), memo.table("load/settled")
        self.scalars = PlainScalars()
        self.files_read = self.files_prefetched = 0

    def read(self, real: str, display: str, kind: str, **context: Any) -> tuple[Source, list[Problem]]:
        """The goal file at the resolved path `real` (see Fence), as a Source and its problems."""
        fence = self.fence
        source = Source(display, kind, **context)
        place = (display, kind, tuple(sorted(context.items())))
        where = (real, *place)
        try:
            st = fence.stat(real)
            if (problem := _not_readable(st, display)) is not None:
                return source, [problem]
            signature = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            if (digest := self.settled.get(where, signature)) is not MISSING:
                if (found := self.sources.get(place, digest)) is not MISSING:
                    return found  # unchanged since it was read: not read again
            read_at = time.time_ns()
            raw = fence.read(real)
            self.files_read += 1
        except OSError as exc:
            return source, [fence.unreadable(Location(display), exc)]
        digest = digest_of(raw)
        found = self.sources.get(place, digest)
        if found is MISSING:
            source.digest = digest
            found = self.sources.put(place, digest, self._parse(source, raw, digest))
        # The stat was taken before the read: if the file changed in between, its change time is after
        # read_at - SETTLED_NS and it is not trusted.
        if max(st.st_mtime_ns, st.st_ctime_ns) < read_at - SETTLED_NS:
            self.settled.put(where, signature, digest)
        return found

    def _parse(self, source: Source, raw: bytes, digest: bytes) -> tuple[Source, list[Problem]]:
        """What the prefetch's process made of these bytes, else parse_source()."""
        if self.prefetch is not None and source.kind == "period":
            parsed = self.prefetch.get(source.path, digest)
            if parsed is not None:
                self.files_prefetched += 1
                source.data = parsed[0]
                return source, parsed[1]
        return parse_source(source, raw, self.scalars)


def _not_readable(st: os.stat_result, display: str) -> Problem | None:
    """Why a goal file with this stat is not read: not a regular file, or too large."""
    if not S_ISREG(st.st_mode):
        return Fence.not_a_file(Location(display))
    if st.st_size > MAX_FILE_BYTES:
        return error(Location(display), "load.too-large",
                     f"Expected a goal file under {MAX_FILE_BYTES // (1024 * 1024)} MB, got {st.st_size / (1024 * 1024):.1f} MB",
                     "Split it, or move long series into a CSV file under data/.")
    return None


def read_yaml(path: Path, display: str, kind: str, **context: Any) -> tuple[Source, list[Problem]]:
    """Parse one YAML file into a Source; problems instead of exceptions.

    The file is read through a fence around its own folder: a link to a file elsewhere is refused.
    """
    fence = Fence(Path(path).parent)
    real = fence.find(path)
    source = Source(display, kind, **context)
    if real is None:
        return source, [fence.outside(Location(display))]
    try:
        st = fence.stat(real)
        if (problem := _not_readable(st, display)) is not None:
            return source, [problem]
        raw = fence.read(real)
    except OSError as exc:
        return source, [fence.unreadable(Location(display), exc)]
    return parse_source(source, raw)

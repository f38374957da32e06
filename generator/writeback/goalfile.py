"""A goal file on disk, for the commands that write one (writeback/): their lock, and the file's layout.

**The lock.** `goalsite checkin` and `goalsite rollover` read the goals, edit a file and replace it.
Two of them at once would each start from the same old file and the second replace would drop the
first one's edit, so each holds `lock_goals()` from its first read to its last write. The lock is an
`flock` on `.goalsite.lock` in the goals folder, not on a goal file: a goal file is replaced by a
rename, and a lock on the old file does not hold the new one. A lock file rather than the folder
itself because `flock` on a folder fails on NFS, where a file opened for writing works. The file
is removed when the command is done (a dotfile: the loader skips it, and a crash leaves at most an
empty file that the next command removes).

**The layout.** ruamel.yaml reads text with LF line ends and a final LF, and no byte order mark.
`read_goal_text()` gives it that text and remembers the rest (`Layout`); `apply_layout()` puts it
back: the lines an edit kept keep their own ends, the lines it added take the file's usual end,
and a file without a final line end or with a BOM keeps it so.
"""

from __future__ import annotations

import collections
import contextlib
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: writes are not serialized
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".goalsite.lock"
"""The lock file the commands that write goal files share, in the goals folder while one runs."""

BOM = "\ufeff"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@contextlib.contextmanager
def lock_goals(goals_dir: Path | str, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the goals folder's write lock; `on_wait()` is called once when another command holds it.

    Raises OSError when the lock file cannot be created (a read-only folder).
    """
    if fcntl is None:
        yield
        return
    path = Path(goals_dir) / LOCK_NAME
    fd = _acquire(path, on_wait)
    try:
        yield
    finally:
        # Removed while still held: a command waiting on this file then finds it gone and starts over
        # on a new one, so two commands never both hold "the" lock on two different files.
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _acquire(path: Path, on_wait: Callable[[], None] | None) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                fcntl.flock(fd, fcntl.LOCK_EX)
            if _is_at(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed it as we waited: lock the one at `path` now


def _is_at(fd: int, path: Path) -> bool:
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


@dataclass(frozen=True)
class Layout:
    """What ruamel.yaml does not see of a file's text: its BOM and each line's end ("" for a last line without one)."""

    bom: bool = False
    ends: tuple[str, ...] = ()

    @property
    def newline(self) -> str:
        """The file's usual line end (the most frequent; the first seen on a tie); LF for a file with none."""
        counts = collections.Counter(end for end in self.ends if end)
        return max(counts, key=lambda end: (counts[end], -self.ends.index(end))) if counts else "\n"


def split_layout(raw: str) -> tuple[str, Layout]:
    """(the text with LF line ends, a final LF and no BOM, its `Layout`)."""
    bom = raw.startswith(BOM)
    lines = _LINE.findall(raw[1:] if bom else raw)
    ends = tuple(line[len(line.rstrip("\r\n")):] for line in lines)
    return "".join(line.rstrip("\r\n") + "\n" for line in lines), Layout(bom, ends)


def read_goal_text(path: Path) -> tuple[str, Layout]:
    """A goal file's text as ruamel.yaml reads and writes it, and its `Layout`."""
    return split_layout(Path(path).read_bytes().decode("utf-8"))


def apply_layout(before: str, after: str, layout: Layout) -> str:
    """`after`, an edit of the LF text `before`, laid out like the file `before` was read from.

    Lines of `before` that `after` keeps get their own ends back; lines `after` adds get the file's
    usual end; the last line ends as the file's last line did. `before` "" lays out a new file.
    """
    old, new = _lines(before), _lines(after)
    ends = [layout.newline] * len(new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for i, j, size in matcher.get_matching_blocks():
        for k in range(size):
            ends[j + k] = layout.ends[i + k] or layout.newline
    if new and layout.ends and not layout.ends[-1]:
        ends[-1] = ""
    return (BOM if layout.bom else "") + "".join(line + end for line, end in zip(new, ends))


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines

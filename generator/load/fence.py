"""The fence: what the loader may read. The only way the loader reaches the disk.

A path is resolved before anything is opened, and opened only when it lies inside the goals folder;
a name of the folder must be one line of text.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from ..problems import Location, Problem, error, escape_controls

#: How the fence opens a file it has resolved: never through a link (one put there since it was
#: resolved), never waiting on a pipe, never leaking the descriptor into a child process.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Entry:
    """One entry of a folder, as the fence found it."""

    name: str
    kind: str  # "file", "folder", "outside" (a link that leaves the goals folder) or "other"
    real: str  # the resolved path ("" when outside)


class Fence:
    """The only way the loader reaches the disk: it lists, stats and reads what lies inside the goals folder.

    A path is resolved (each symbolic link on the way followed) before anything is opened, and opened
    only when the result lies under the resolved goals folder. So a link to another file or folder of
    the goals folder works, and a link that leaves it is refused unread, with a problem at the link
    that does not say where it leads: CI logs and pull-request comments repeat problems. What is opened
    is the resolved path, with O_NOFOLLOW: a link put in its place after the check is not followed
    either. A file or folder that cannot be read (permissions) is a problem, not an exception.

    load_goals() makes one for the goals folder (the prefetch's forked process reads through a copy
    of it); read_yaml() one for the folder of the file it reads.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = os.path.realpath(root)
        self._prefix = os.path.join(self.root, "")

    def find(self, path: Path | str) -> str | None:
        """The resolved path of `path` when it lies inside the goals folder, else None."""
        real = os.path.realpath(path)
        return real if real.startswith(self._prefix) else None

    def scan(self, real_folder: str) -> list[Entry]:
        """The entries of a resolved folder, sorted by name; raises OSError when it cannot be listed.

        The listing says which entries are files and folders: only links cost a look-up (of where they lead).
        """
        out = []
        with os.scandir(real_folder) as found:
            for item in found:
                real = os.path.join(real_folder, item.name)
                if item.is_symlink():
                    out.append(self._link(item.name, real))
                elif item.is_dir(follow_symlinks=False):
                    out.append(Entry(item.name, "folder", real))
                else:
                    out.append(Entry(item.name, "file" if item.is_file(follow_symlinks=False) else "other", real))
        out.sort(key=lambda e: e.name)
        return out

    def _link(self, name: str, path: str) -> Entry:
        real = self.find(path)
        if real is None:
            return Entry(name, "outside", "")
        try:
            mode = os.stat(real).st_mode
        except OSError:  # a broken link: reading it says so
            return Entry(name, "file", real)
        return Entry(name, "folder" if S_ISDIR(mode) else "file" if S_ISREG(mode) else "other", real)

    @staticmethod
    def stat(real: str) -> os.stat_result:
        """The stat of a resolved path (lstat: its last part is no link); raises OSError."""
        return os.lstat(real)

    @staticmethod
    def read(real: str) -> bytes:
        """The bytes of the regular file at a resolved path; raises OSError."""
        fd = os.open(real, _OPEN_FLAGS)
        with open(fd, "rb", closefd=True) as f:
            if not S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            return f.read()

    @staticmethod
    def outside(where: Location) -> Problem:
        return error(where, "load.outside-goals",
                     "Expected a file or folder inside the goals folder, got a symbolic link that leads outside it",
                     "Copy what it links to into the goals folder, or remove the link: goalsite reads nothing outside it.")

    @staticmethod
    def unreadable(where: Location, exc: OSError, what: str = "file") -> Problem:
        return error(where, "load.unreadable", f"Expected a readable {what}, got: {exc.strerror or exc}",
                     f"Make the {what} readable by the user that runs goalsite (and every folder above it searchable).")

    @staticmethod
    def not_a_file(where: Location) -> Problem:
        return error(where, "load.not-a-file", "Expected a regular file, got a pipe, a socket or a device",
                     "Replace it with a plain file.")


def bad_name(where: Location, name: str) -> Problem:
    """The problem of a file or folder whose name holds a control character or a line break."""
    return error(where, "load.bad-name",
                 f"Expected a file or folder name without control characters or line breaks, got '{escape_controls(name)}'",
                 "Rename it: a name in the goals folder is one line of plain text.")


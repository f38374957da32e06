"""Located data: YAML mappings and lists that remember where each of their keys and values is.

Each goal file becomes a `Source` whose data is made of `LocDict` and `LocList`, so that later
stages can point at the exact spot of a problem (file:line:column), at the path the user knows
(display_path()).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Location


Mark = int
"""Where a value is: its line and column, both 1-based, as one int (`line << 32 | column`, see
line_column()). A large company's goal files hold millions of values, each with a mark and a key
mark: as tuples they were a quarter of what the loaded files held in memory, and tracked by the
cycle collector."""
COLUMN_BITS = 32
_COLUMN_MASK = (1 << COLUMN_BITS) - 1
START: Mark = 1 << COLUMN_BITS | 1
"""The mark of line 1, column 1."""


def line_column(mark: Mark) -> tuple[int, int]:
    """(line, column) of a mark."""
    return mark >> COLUMN_BITS, mark & _COLUMN_MASK


class LocDict(dict):
    """A YAML mapping that remembers where it, its keys and its values are.

    `marks` holds a key's mark then its value's, for each key in the mapping's order, as 8-byte
    machine words rather than int objects: a large company's check-ins are millions of small
    mappings, and two dicts of marks each were more than half of what the loaded files held in
    memory. A mapping is never changed once built, so a key's place in it is fixed.
    """

    __slots__ = ("mark", "marks", "_places")

    def __init__(self, mark: Mark):
        super().__init__()
        self.mark = mark
        self.marks = array("Q")
        self._places: dict[str, int] | None = None

    def key_mark(self, key: str) -> Mark:
        """Where `key` itself is (KeyError when it is not a key of the mapping)."""
        return self.marks[2 * self._place(key)]

    def value_mark(self, key: str) -> Mark:
        """Where the value of `key` is (KeyError when it is not a key of the mapping)."""
        return self.marks[2 * self._place(key) + 1]

    def _place(self, key: str) -> int:
        if len(self) <= _SCAN_KEYS:  # a goal file's mappings have a few keys: no index to keep
            for i, k in enumerate(self):
                if k == key:
                    return i
            raise KeyError(key)
        if self._places is None:  # a large mapping: every problem in it looks a key up
            self._places = {k: i for i, k in enumerate(self)}
        return self._places[key]


_SCAN_KEYS = 16
"""Up to this many keys a mapping finds a key's place by walking its keys."""


class LocList(list):
    """A YAML sequence that remembers where it and each of its items are (`item_marks`, as LocDict's)."""

    __slots__ = ("mark", "item_marks")

    def __init__(self, mark: Mark):
        super().__init__()
        self.mark = mark
        self.item_marks = array("Q")


@dataclass
class Source:
    """One goal file, parsed: `data` is None when it could not be read."""

    path: str
    kind: str  # "org", "kpis", "period"
    data: Any = None
    period: str | None = None
    unit: str | None = None
    digest: bytes | None = field(default=None, repr=False, compare=False)
    """A hash of the file's bytes when read by load_goals() (render/cache.py keys pages with it)."""

    def at(self, *keys: Any, key: bool = False) -> Location:
        """The location of the value at `keys` (of the key itself with `key=True`).

        A path that goes further than the data points at the deepest part that exists.
        """
        node, mark = self.data, START
        if isinstance(node, (LocDict, LocList)):
            mark = node.mark
        for i, k in enumerate(keys):
            last = i == len(keys) - 1
            if isinstance(node, LocDict) and isinstance(k, str) and k in node:
                mark = node.key_mark(k) if (last and key) else node.value_mark(k)
                node = node[k]
            elif isinstance(node, LocList) and isinstance(k, int) and 0 <= k < len(node):
                mark = node.item_marks[k]
                node = node[k]
            else:
                break
        return Location(self.path, *line_column(mark))


def display_path(path: Path) -> str:
    """A path as users see it in messages: relative to the working directory when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def in_folder(folder_display: str, name: str) -> str:
    """display_path() of the file `name` in a folder whose display_path() is `folder_display`, without
    asking for the working directory again for each of thousands of files."""
    return name if folder_display == "." else f"{folder_display}/{name}"

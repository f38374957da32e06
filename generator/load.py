"""Read the goals folder: YAML and CSV files become located data.

This is the only module that reads goal files. Each YAML file becomes a
`Source` whose mappings and lists remember the line and column of every key
and value, so later stages can point at the exact spot of a problem.

YAML is read from libyaml's event stream (the C parser when present), and
values are built here with an explicit stack rather than PyYAML's composer:
libyaml's composer recurses in C and crashes the interpreter on deeply nested
input, and building from events lets us bound depth and alias expansion.
Scalars follow YAML 1.2's core schema, so `owner: no` is the string "no".

A cold load of a large company parses its period files in two processes
(see _Prefetch): a forked process parses the last files while this one parses
the first, and sends back what it made, which is used only for a file whose
bytes this process then reads are the very bytes it parsed.

Parsing is memoised by content: a file whose path, kind and bytes are the
same as in the previous `load_goals()` of this process gives back the very
same Source (and validate_goals() its validation, given the memo), so a rebuild in
`goalsite serve` re-reads only what changed. The key is a hash of the bytes,
never a modification time, so an edit cannot be missed; Sources are never
changed after they are made, so sharing them between builds is safe.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import logging
import math
import os
import re
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

import yaml
from yaml import events as ev
from yaml.events import ScalarEvent

from .ids import PERIOD_RE, SLUG_RE
from .problems import Location, Problem, error, escape_controls, has_controls
from .workers import Worker, WorkerFailed, worker_count

try:  # libyaml is much faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""A goal file larger than this is refused unread (a team file is a few KB)."""
MAX_VALUES = 1_000_000
"""Values a file may expand to, aliases counted each time they are used."""
MAX_DEPTH = 64
"""Nesting depth of mappings and lists; goal files need about eight."""
MAX_EXPANDED_TEXT = MAX_FILE_BYTES
"""Characters of text (keys and values) a file may expand to, an alias's text counted each time it is
used: what the largest file allowed holds written out, so that only aliases can reach it."""

Mark = int
"""Where a value is: its line and column, both 1-based, as one int (`line << 32 | column`, see
_at()). A large company's goal files have millions of values, each with a mark and a key mark: as
tuples they were a large part of what the loaded files held in memory, and tracked by the collector."""
_COLUMN_BITS = 32
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1
_START: Mark = 1 << _COLUMN_BITS | 1


def _at(mark: Mark) -> tuple[int, int]:
    """(line, column) of a mark."""
    return mark >> _COLUMN_BITS, mark & _COLUMN_MASK


class LocDict(dict):
    """A YAML mapping that remembers where it, its keys and its values are.

    `marks` holds a key's mark then its value's, for each key in the mapping's order, as 8-byte
    machine words rather than int objects: a large company's check-ins are millions of small
    mappings, and two dicts of marks each were most of what the loaded files held in
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
        node, mark = self.data, _START
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
        return Location(self.path, *_at(mark))


@dataclass
class CsvSeries:
    """A `date,value` CSV file: rows as (line, date text, value text)."""

    path: str
    rows: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Goals:
    """Everything read from a goals folder, before validation."""

    root: Path
    org: Source | None = None
    kpis: list[Source] = field(default_factory=list)
    periods: dict[str, dict[str, Source]] = field(default_factory=dict)
    csv: dict[str, CsvSeries] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def sources(self) -> list[Source]:
        """Every YAML source, org first, in a stable order."""
        out = [self.org] if self.org else []
        out += self.kpis
        for period in sorted(self.periods):
            out += [self.periods[period][u] for u in sorted(self.periods[period])]
        return out


# --- scalars -----------------------------------------------------------------

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1033-core-schema), as editors read it:
# decimal (leading zeros allowed), 0o octal and 0x hexadecimal whole numbers, no underscores.
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF_NAN = {sign + dot: math.inf if sign != "-" else -math.inf
            for sign in ("", "+", "-") for dot in (".inf", ".Inf", ".INF")}
_INF_NAN.update({".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan})
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# First characters of plain scalars that can only ever be strings: a quick exit for titles.
_MAYBE_TYPED = set("0123456789+-.~tTfFnN")

_TAG = "tag:yaml.org,2002:"
_MAX_INT_DIGITS = 4000  # below sys.get_int_max_str_digits() (4300)


class WrittenInt(int):
    """A whole number written otherwise than Python prints it (`007`, `+1`, `0x1F`).

    It is the number where a number is expected; `str()` gives the text as written,
    so where text is expected (`id: 007`, `title: 0x1F`) the model reads what the
    user wrote, not a silently different `7` or `31`.
    """

    text: str

    def __new__(cls, value: int, text: str) -> "WrittenInt":
        self = super().__new__(cls, value)
        self.text = text
        return self

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple:  # pickled through the parsing worker's pipe
        return (WrittenInt, (int(self), self.text))


class WrittenFloat(float):
    """A number written otherwise than Python prints it (`1e3`, `.5`, `1.50`, `.inf`); see WrittenInt."""

    text: str

    def __new__(cls, value: float, text: str) -> "WrittenFloat":
        self = super().__new__(cls, value)
        self.text = text
        return self

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple:
        return (WrittenFloat, (float(self), self.text))


def resolve_plain(text: str) -> Any:
    """A plain (unquoted) scalar as YAML 1.2's core schema reads it, plus dates.

    `yes`, `no`, `on`, `off` stay strings; `007` is 7, `0o17` 15 and `0x1F` 31, but
    `1_000` is a string (underscores are YAML 1.1). A number whose text is not the
    way Python prints it remembers its text (WrittenInt, WrittenFloat).
    `2026-10-05` is a date; `2026-02-30` stays a string.
    """
    if not text:
        return None
    if text[0] not in _MAYBE_TYPED:
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT_RE.match(text):
        if len(text) > _MAX_INT_DIGITS:
            # int() refuses thousands of digits (ValueError since Python 3.11): keep the text, so a
            # title stays as written and a value is reported as not a number.
            return text
        return _as_written(int(text), text)
    if _OCT_RE.match(text) or _HEX_RE.match(text):
        return _as_written(int(text[2:], 8 if text[1] == "o" else 16), text)
    if _FLOAT_RE.match(text):
        return _as_written(float(text), text)
    if text in _INF_NAN:
        return WrittenFloat(_INF_NAN[text], text)
    if _DATE_RE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _as_written(value: int | float, text: str) -> Any:
    if str(value) == text:
        return value
    return WrittenInt(value, text) if isinstance(value, int) else WrittenFloat(value, text)


class _YamlTooBig(Exception):
    """Input over a limit: stops building at once; reported as a Problem."""

    def __init__(self, mark: Mark, code: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.mark, self.code, self.message, self.hint = mark, code, message, hint


def _scalar(event: ev.ScalarEvent, mark: Mark) -> Any:
    """A scalar that is quoted, a block or tagged (_build reads the plain, untagged ones itself)."""
    tag = event.tag
    if tag is None or tag == "!":
        return event.value
    if not tag.startswith(_TAG):
        raise _YamlTooBig(mark, "load.yaml-tag", f"Expected plain YAML data, got the tag {tag}",
                          "Remove the tag: goal files hold plain values only.")
    kind = tag[len(_TAG):]
    if kind == "str":
        return event.value
    value = resolve_plain(event.value)
    wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None), "timestamp": dt.date}
    if kind in wanted and isinstance(value, wanted[kind]) and not (kind != "bool" and isinstance(value, bool)):
        return _to_float(value) if kind == "float" else value
    raise _YamlTooBig(mark, "load.yaml-tag", f"Expected a value of type !!{kind}, got {event.value!r}",
                      "Remove the tag or fix the value.")


def _plain(text: str) -> Any:
    """resolve_plain() of a plain scalar, remembered for the texts that may be typed; a short text is
    interned, as ids, owners and statuses recur across a company's files."""
    if text and text[0] not in _MAYBE_TYPED:
        return _intern(text) if len(text) <= _INTERN_CHARS else text
    value = _TYPED.get(text, _MISSING)
    if value is _MISSING:
        value = resolve_plain(text)
        if len(text) <= 40 and len(_TYPED) < _TYPED_MAX:
            _TYPED[text] = value
    return value


#: Plain scalars that may be numbers, dates, booleans or null, as resolve_plain() read them. Goal
#: files repeat them endlessly (check-in dates, confidences, values); every value here is immutable.
_TYPED: dict[str, Any] = {}
_TYPED_MAX = 100_000
_MISSING = object()


def _to_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond the float range: infinite, which the model rejects
        return math.inf if value > 0 else -math.inf


_intern = sys.intern  # freed with their last reference (the first releases of Python 3.12 kept them for good)
_INTERN_CHARS = 32
"""Plain texts up to this long are interned: ids, owners, statuses, units; not titles or notes."""


def _mark(m: Any) -> Mark:
    return (m.line + 1) << _COLUMN_BITS | (m.column + 1)


def _build(text: str) -> Any:
    """Build located data from YAML text; raises yaml.YAMLError or _YamlTooBig."""
    loader = _Loader(text)
    try:
        stack: list[list] = []  # frames: [container, pending_key, anchor, weight, mark, text before it]
        anchors: dict[str, tuple[Any, int, int]] = {}  # the value, its weight in values and in characters
        open_anchors: set[str] = set()
        root: Any = None
        documents = 0
        total = 0
        text = 0  # characters of the keys and values so far, an alias's counted each time it is used
        while True:
            event = loader.get_event()
            cls = type(event)
            if cls is ScalarEvent:  # three events in four: first, and inline
                start = event.start_mark
                mark = (start.line + 1) << _COLUMN_BITS | (start.column + 1)
                if event.tag is None and not event.style:  # plain: None from PyYAML, '' from libyaml
                    value = _plain(event.value)
                else:
                    value = _scalar(event, mark)
                weight = 1
                text += len(event.value)
                if event.anchor:
                    anchors[event.anchor] = (value, 1, len(event.value))
            elif cls is ev.MappingStartEvent or cls is ev.SequenceStartEvent:
                mark = _mark(event.start_mark)
                if event.tag not in (None, "!", _TAG + "map", _TAG + "seq"):
                    raise _YamlTooBig(mark, "load.yaml-tag", f"Expected plain YAML data, got the tag {event.tag}",
                                      "Remove the tag: goal files hold plain values only.")
                if len(stack) >= MAX_DEPTH:
                    raise _YamlTooBig(mark, "load.too-deep",
                                      f"Expected at most {MAX_DEPTH} levels of nesting, got more")
                container = LocDict(mark) if cls is ev.MappingStartEvent else LocList(mark)
                if event.anchor:
                    open_anchors.add(event.anchor)
                stack.append([container, None, event.anchor, 1, mark, text])
                continue
            elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
                container, _, anchor, weight, cmark, text_before = stack.pop()
                if anchor:
                    open_anchors.discard(anchor)
                    anchors[anchor] = (container, weight, text - text_before)
                value, weight, mark = container, weight, cmark
            elif cls is ev.AliasEvent:
                mark = _mark(event.start_mark)
                if event.anchor in open_anchors:
                    raise _YamlTooBig(mark, "load.yaml-alias", f"Expected an alias to a finished value, got *{event.anchor} inside &{event.anchor} itself",
                                      "A value cannot contain itself.")
                if event.anchor not in anchors:
                    raise _YamlTooBig(mark, "load.yaml-syntax", f"Expected a defined anchor, got *{event.anchor}")
                value, weight, size = anchors[event.anchor]
                text += size
                # Checked here only: without aliases a file's text is at most its size, under MAX_FILE_BYTES.
                if text > MAX_EXPANDED_TEXT:
                    raise _YamlTooBig(mark, "load.too-much-text",
                                      f"Expected at most {MAX_EXPANDED_TEXT // (1024 * 1024)} MB of text once aliases are "
                                      "expanded, got more (the text of an alias counts each time it is used)",
                                      "Is this an alias bomb? Write a long text out once instead of repeating it through aliases.")
            elif cls is ev.StreamEndEvent:
                break
            elif cls is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _YamlTooBig(_mark(event.start_mark), "load.yaml-syntax",
                                      "Expected a single YAML document, got a second one",
                                      "Remove the second `---` and everything after it, or move it to its own file.")
                continue
            else:  # the stream's start, the document's end
                continue
            # A finished container's items were counted as they arrived: count only the container itself.
            # An alias is counted in full each time it is used.
            total += 1 if cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent else weight
            if total > MAX_VALUES:
                raise _YamlTooBig(mark, "load.too-many-values",
                                  f"Expected at most {MAX_VALUES:,} values, got more (aliases are counted each time they are used)",
                                  "Is this an alias bomb? Write the values out instead of nesting aliases.")
            if not stack:
                root = value
                continue
            frame = stack[-1]
            frame[3] += weight
            parent = frame[0]
            if type(parent) is LocList:
                parent.append(value)
                parent.item_marks.append(mark)
            elif frame[1] is None:
                if cls is not ev.ScalarEvent:
                    raise _YamlTooBig(mark, "load.yaml-key", "Expected a plain key, got a mapping or list used as a key")
                key = _intern(event.value)  # the same few keys in every mapping: one str each
                if key in parent:
                    first = _at(parent.key_mark(key))[0]
                    raise _YamlTooBig(mark, "load.duplicate-key", f"Expected each key once, got {key!r} again (first on line {first})",
                                      "Remove one of the two, or merge them.")
                frame[1] = (key, mark)
            else:
                key, kmark = frame[1]
                frame[1] = None
                parent[key] = value
                marks = parent.marks
                marks.append(kmark)
                marks.append(mark)
        return root
    finally:
        loader.dispose()


def _yaml_problem(path: str, exc: yaml.YAMLError, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    else:
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if "maximum nesting depth" in problem:
        # libyaml 0.2.6 (shipped with PyYAML 6.0.4) stops at 1,000 levels while scanning ahead, before our
        # MAX_DEPTH is reached: the same mistake, said as the builder says it.
        return error(Location(path, line, column), "load.too-deep",
                     f"Expected at most {MAX_DEPTH} levels of nesting, got more")
    message = f"{context}, {problem}" if context else problem
    context_mark = getattr(exc, "context_mark", None)
    if context_mark is not None and mark is not None and context_mark.line != mark.line:
        # An unclosed quote or bracket fails far below where it opened: say where that was.
        message += f" (it opened at line {context_mark.line + 1}, column {context_mark.column + 1})"
    if isinstance(exc, yaml.reader.ReaderError):
        # str() of a ReaderError spans two lines and names "<unicode string>" and an offset: say it plainly.
        character = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
        message = f"unacceptable character #x{character:04x}: {exc.reason}"
    hint = None
    # libyaml says only "found character that cannot start any token" for a tab; look at the text.
    lines = text.split("\n")
    at_tab = mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][:mark.column + 1]
    if re.search(r"\btabs?\b", message) or "\\t" in message or at_tab:
        hint = "Indent with spaces: YAML does not allow tabs for indentation."
    elif isinstance(exc, yaml.reader.ReaderError):
        hint = "Remove the control character; goal files are plain UTF-8 text."
    else:
        hint = "Check the indentation and quoting around this spot; quote text that contains ': ' or starts with a special character."
    return error(Location(path, line, column), "load.yaml-syntax", f"Expected valid YAML: {message}", hint)


class _Memo:
    """Sources of the previous and the running `load_goals()`, by (display path, kind, context, hash of the bytes)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.previous: dict[tuple, tuple[Source, list[Problem]]] = {}
        self.current: dict[tuple, tuple[Source, list[Problem]]] = {}
        self.stats: dict[tuple, tuple[tuple, tuple]] = {}
        """{(path, display, kind, context): (the file's stat signature, its key above)} of settled files."""

    def start(self) -> None:
        """A new load: what the last one read stays available; anything older is let go."""
        self.previous = self.current or self.previous
        self.current = {}
        self.stats = {where: entry for where, entry in self.stats.items() if entry[1] in self.previous}


#: A file whose stat (inode, size, modification and change times) is the same as when it was last read
#: is not read again, if its change time was this long before that read. A file written in the same
#: instant as it was read could change again without its times changing (git calls this "racy"); a
#: file that changes later gets a later change time, which nothing but the clock can set.
SETTLED_NS = 2_000_000_000
files_read = 0
"""How many goal files the last load_goals() read from disk (tests and benchmarks read it)."""


def _signature(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


_MEMO = _Memo()


def read_yaml(path: Path, display: str, kind: str, **context: Any) -> tuple[Source, list[Problem]]:
    """Parse one YAML file into a Source; problems instead of exceptions.

    The file is read through a fence around its own folder: a link to a file elsewhere is refused.
    """
    fence = _Fence(Path(path).parent)
    real = fence.find(path)
    if real is None:
        return Source(display, kind, **context), [fence.outside(Location(display))]
    return _read(fence, real, display, kind, context, memo=None)


def _read(fence: _Fence, real: str, display: str, kind: str, context: dict,
          memo: _Memo | None) -> tuple[Source, list[Problem]]:
    """The goal file at the resolved path `real` (see _Fence), through `memo` when given."""
    global files_read
    source = Source(display, kind, **context)
    where = (real, display, kind, tuple(sorted(context.items())))
    try:
        st = fence.stat(real)
        if not S_ISREG(st.st_mode):
            return source, [fence.not_a_file(Location(display))]
        if st.st_size > MAX_FILE_BYTES:
            return source, [error(Location(display), "load.too-large",
                                  f"Expected a goal file under {MAX_FILE_BYTES // (1024 * 1024)} MB, got {st.st_size / (1024 * 1024):.1f} MB",
                                  "Split it, or move long series into a CSV file under data/.")]
        if memo is not None:
            signature = _signature(st)
            settled = memo.stats.get(where)
            if settled is not None and settled[0] == signature:
                found = memo.current.get(settled[1]) or memo.previous.get(settled[1])
                if found is not None:  # unchanged since it was read: not read again
                    memo.current[settled[1]] = found
                    return found
        read_at = time.time_ns()
        raw = fence.read(real)
        files_read += 1
    except OSError as exc:
        return source, [fence.unreadable(Location(display), exc)]
    if memo is None:
        return _parse(source, raw)
    digest = hashlib.blake2b(raw, digest_size=20).digest()
    key = (*where[1:], digest)
    found = memo.current.get(key) or memo.previous.get(key)
    if found is None:
        source.digest = digest
        parsed = _prefetch.get(display, kind, digest) if _prefetch is not None else None
        if parsed is not None:
            source.data = parsed[0]
            found = (source, parsed[1])
        else:
            found = _parse(source, raw)
    memo.current[key] = found
    # The stat was taken before the read: if the file changed in between, its change time is after
    # read_at - SETTLED_NS and it is not trusted.
    if max(st.st_mtime_ns, st.st_ctime_ns) < read_at - SETTLED_NS:
        memo.stats[where] = (signature, key)
    else:
        memo.stats.pop(where, None)
    return found


def _read_goal_file(fence: _Fence, real: str, display: str, kind: str, **context: Any) -> tuple[Source, list[Problem]]:
    """_read() through the memo of load_goals() (whose lock the caller holds)."""
    return _read(fence, real, display, kind, context, memo=_MEMO)


def _parse(source: Source, raw: bytes) -> tuple[Source, list[Problem]]:
    display, kind = source.path, source.kind
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return source, [error(Location(display, line, column), "load.encoding",
                              f"Expected UTF-8 text, got the byte 0x{raw[exc.start]:02x}",
                              "Save the file as UTF-8.")]
    try:
        source.data = _build(text)
    except _YamlTooBig as exc:
        return source, [error(Location(display, *_at(exc.mark)), exc.code, exc.message, exc.hint)]
    except yaml.YAMLError as exc:
        return source, [_yaml_problem(display, exc, text)]
    if not isinstance(source.data, LocDict):
        got = "an empty file" if source.data is None else f"a {_type_name(source.data)}"
        problem = error(Location(display, *_at(getattr(source.data, "mark", _START))), "load.not-a-mapping",
                        f"Expected a mapping of fields at the top of the file, got {got}",
                        _TOP_HINTS[kind])
        source.data = None
        return source, [problem]
    return source, []


_TOP_HINTS = {
    "org": "Start the file with `company:`; see the format guide.",
    "kpis": "Start the file with `kpis:` followed by a list of KPIs.",
    "period": "Start the file with `objectives:` followed by a list of objectives.",
}


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "string" if isinstance(value, str) else type(value).__name__


def display_path(path: Path) -> str:
    """A path as users see it in messages: relative to the working directory when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _in_folder(folder_display: str, name: str) -> str:
    """display_path() of the file `name` in a folder whose display_path() is `folder_display`, without
    asking for the working directory again for each of thousands of files."""
    return name if folder_display == "." else f"{folder_display}/{name}"


# --- the bounds of the goals folder ----------------------------------------------------------

#: How the fence opens a file it has resolved: never through a link (one put there since it was
#: resolved), never waiting on a pipe, never leaking the descriptor into a child process.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class _Entry:
    """One entry of a folder, as the fence found it."""

    name: str
    kind: str  # "file", "folder", "outside" (a link that leaves the goals folder) or "other"
    real: str  # the resolved path ("" when outside)


class _Fence:
    """The only way the loader reaches the disk: it lists, stats and reads what lies inside the goals folder.

    A path is resolved (each symbolic link on the way followed) before anything is opened, and opened
    only when the result lies under the resolved goals folder. So a link to another file or folder of
    the goals folder works, and a link that leaves it is refused unread, with a problem at the link
    that does not say where it leads: CI logs and pull-request comments repeat problems. What is opened
    is the resolved path, with O_NOFOLLOW: a link put in its place after the check is not followed
    either. A file or folder that cannot be read (permissions) is a problem, not an exception.

    load_goals() makes one for the goals folder (its prefetch worker reads through a copy of it);
    read_yaml() one for the folder of the file it reads.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = os.path.realpath(root)
        self._prefix = os.path.join(self.root, "")

    def find(self, path: Path | str) -> str | None:
        """The resolved path of `path` when it lies inside the goals folder, else None."""
        real = os.path.realpath(path)
        return real if real.startswith(self._prefix) else None

    def scan(self, real_folder: str) -> list[_Entry]:
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
                    out.append(_Entry(item.name, "folder", real))
                else:
                    out.append(_Entry(item.name, "file" if item.is_file(follow_symlinks=False) else "other", real))
        out.sort(key=lambda e: e.name)
        return out

    def _link(self, name: str, path: str) -> _Entry:
        real = self.find(path)
        if real is None:
            return _Entry(name, "outside", "")
        try:
            mode = os.stat(real).st_mode
        except OSError:  # a broken link: reading it says so
            return _Entry(name, "file", real)
        return _Entry(name, "folder" if S_ISDIR(mode) else "file" if S_ISREG(mode) else "other", real)

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


def _bad_name(where: Location, name: str) -> Problem:
    return error(where, "load.bad-name",
                 f"Expected a file or folder name without control characters or line breaks, got '{escape_controls(name)}'",
                 "Rename it: a name in the goals folder is one line of plain text.")


def load_goals(root: Path | str) -> Goals:
    """Read every goal file under `root`. Never raises for bad input."""
    global files_read, files_prefetched, _prefetch
    with _MEMO.lock:
        cold = not _MEMO.current and not _MEMO.previous
        _MEMO.start()
        files_read = files_prefetched = 0
        root = Path(root)
        fence = _Fence(root)
        if cold and worker_count() > 1 and os.path.isdir(root):
            _prefetch = _Prefetch.start(_period_files(fence, root))
        try:
            return _load_goals(root, fence)
        finally:
            if _prefetch is not None:
                _prefetch.close()
                _prefetch = None


# --- parsing in a second process ----------------------------------------------------------

#: Below this many bytes of period files a second process costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
#: The share of the period files' bytes the second process parses. It also encodes what it made for
#: the pipe, which this process decodes (in less time than it took to encode): with this share both
#: are done at about the same time (benchmarks/README.md has the measurements).
WORKER_SHARE = 0.43
files_prefetched = 0
"""How many files of the last load_goals() a second process parsed (tests and benchmarks read it)."""
_prefetch: "_Prefetch | None" = None
_log = logging.getLogger("mkdocs.plugins.goalsite")


def _period_files(fence: _Fence, root: Path) -> list[tuple[Path, str, int]]:
    """(resolved path, display path, size) of every file _load_entry() reads as a period file, in its order.

    Listed through the fence, as the load lists them: the worker reads nothing outside the goals folder.
    """
    out: list[tuple[Path, str, int]] = []
    try:
        folders = [e for e in fence.scan(fence.root) if e.kind == "folder" and PERIOD_RE.match(e.name)]
    except OSError:  # the load says what it cannot read; the worker leaves it alone
        return out
    for folder in folders:
        display = display_path(root / folder.name)
        try:
            out += [(Path(e.real), _in_folder(display, e.name), fence.stat(e.real).st_size)
                    for e in fence.scan(folder.real)
                    if e.kind == "file" and e.name.endswith(".yaml") and SLUG_RE.match(e.name[:-5])]
        except OSError:
            continue
    return out


class _Prefetch:
    """Period files parsed by a forked worker (workers.py) while load_goals() reads the others.

    The worker takes the last files of the load, about WORKER_SHARE of their bytes, and sends back
    what _parse() made of each: {display path: (digest of the bytes, data, problems)}. load_goals()
    reads every file itself, as always, and takes the worker's result only when the digest of what
    it read is the worker's: a file changed in between is parsed again here. Should the worker fail,
    its files are parsed here, after a warning; the result is the same.
    """

    def __init__(self, worker: Worker, assigned: set[str]) -> None:
        self.worker, self.assigned = worker, assigned
        self.results: dict[str, tuple[bytes, Any, list[Problem]]] | None = None

    @classmethod
    def start(cls, files: list[tuple[Path, str, int]]) -> "_Prefetch | None":
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
            worker = Worker(lambda: _parse_share(share), "a worker parsing goal files")
        except WorkerFailed as e:
            _log.warning(f"goalsite: {e}; parsing the goal files in one process")
            return None
        return cls(worker, {display for _, display in share})

    def get(self, display: str, kind: str, digest: bytes) -> tuple[Any, list[Problem]] | None:
        """(data, problems) the worker made of the period file `display` with these bytes; None if it did not."""
        global files_prefetched
        if kind != "period" or display not in self.assigned:
            return None
        if self.results is None:
            try:
                self.results = self.worker.result()  # type: ignore[assignment]
            except WorkerFailed as e:
                _log.warning(f"goalsite: {e}; parsing its files here")
                self.results = {}
        entry = self.results.get(display)
        if entry is None or entry[0] != digest:
            return None
        files_prefetched += 1
        return entry[1], entry[2]

    def close(self) -> None:
        """Stop and reap a worker whose results were never asked for."""
        self.worker.stop()


def _parse_share(share: list[tuple[Path, str]]) -> dict[str, tuple[bytes, Any, list[Problem]]]:
    """In the worker: what _read() would make of each period file (a file it cannot read is left out)."""
    out = {}
    for path, display in share:
        try:
            raw = _Fence.read(os.fspath(path))  # resolved inside the goals folder by _period_files()
        except OSError:
            continue
        if len(raw) > MAX_FILE_BYTES:
            continue
        source, problems = _parse(Source(display, "period"), raw)
        out[display] = (hashlib.blake2b(raw, digest_size=20).digest(), source.data, problems)
    return out


def _load_goals(root: Path, fence: _Fence) -> Goals:
    goals = Goals(root=root)
    top = display_path(root)
    try:
        if not S_ISDIR(os.stat(root).st_mode):
            raise NotADirectoryError
        entries = fence.scan(fence.root)
    except (FileNotFoundError, NotADirectoryError):
        goals.problems.append(error(Location(top), "load.no-goals", f"Expected a goals folder at {top}, got nothing there",
                                    "Pass --goals DIR, or run from the folder that holds goals/."))
        return goals
    except OSError as exc:  # the folder, or one above it, may not be read
        goals.problems.append(fence.unreadable(Location(top), exc, "goals folder"))
        return goals
    org = next((e for e in entries if e.name == "org.yaml"), None)
    if org is None or org.kind == "folder":
        goals.problems.append(error(Location(_in_folder(top, "org.yaml")), "load.no-org",
                                    "Expected org.yaml in the goals folder, got none",
                                    "Create goals/org.yaml with `company:` (id and name)."))
    for entry in ([org] if org else []) + [e for e in entries if e is not org]:  # org.yaml first
        _load_entry(goals, fence, entry, _in_folder(top, entry.name))
    _load_csv_files(goals, fence)
    return goals


def _load_entry(goals: Goals, fence: _Fence, entry: _Entry, display: str) -> None:
    name = entry.name
    if name.startswith(".") or not _fenced(goals, fence, entry, display):
        return
    if entry.kind == "folder":
        if name == "kpis":
            for f in _yaml_files(goals, fence, entry, display):
                source, problems = _read_goal_file(fence, f.real, _in_folder(display, f.name), "kpis")
                goals.kpis.append(source)
                goals.problems += problems
        elif PERIOD_RE.match(name):
            _load_period(goals, fence, entry, display)
        elif name not in ("data", "org.yaml"):
            hint = ("Period folders are named YYYY, YYYY-H1/H2 or YYYY-Q1..Q4, in capitals: 2026-Q4."
                    if re.match(r"^\d{4}", name) else
                    "The goals folder holds org.yaml, kpis.yaml, kpis/, data/ and one folder per period.")
            goals.problems.append(error(Location(display), "load.unknown-folder",
                                        f"Expected a period folder (YYYY, YYYY-HN, YYYY-QN), kpis/ or data/, got {name}/", hint))
    elif name == "org.yaml":
        goals.org, problems = _read_goal_file(fence, entry.real, display, "org")
        goals.problems += problems
    elif name == "kpis.yaml":
        source, problems = _read_goal_file(fence, entry.real, display, "kpis")
        goals.kpis.insert(0, source)
        goals.problems += problems
    elif name in ("org.yml", "kpis.yml"):
        goals.problems.append(error(Location(display), "load.yml-extension", f"Expected a .yaml file, got {name}",
                                    f"Rename it to {name[:-4]}.yaml."))
    elif name.endswith((".yaml", ".yml")):
        goals.problems.append(error(Location(display), "load.unknown-file",
                                    f"Expected org.yaml or kpis.yaml at the top of the goals folder, got {name}",
                                    "Period files go in a period folder: goals/2026-Q4/UNIT.yaml."))


def _fenced(goals: Goals, fence: _Fence, entry: _Entry, display: str) -> bool:
    """Whether an entry may be looked at: its name is one line of text and, a link, it stays inside."""
    if has_controls(entry.name):
        goals.problems.append(_bad_name(Location(display), entry.name))
        return False
    if entry.kind == "outside":
        goals.problems.append(fence.outside(Location(display)))
        return False
    return True


def _load_period(goals: Goals, fence: _Fence, folder: _Entry, display: str) -> None:
    period = folder.name
    goals.periods[period] = {}
    for f in _yaml_files(goals, fence, folder, display):
        unit, where = f.name[:-len(".yaml")], _in_folder(display, f.name)
        if not SLUG_RE.match(unit):
            goals.problems.append(error(Location(where), "load.bad-file-name",
                                        f"Expected the file name to be a unit id (lowercase letters, digits, dashes), got {unit!r}",
                                        "Name each period file after its unit: goals/2026-Q4/sales-emea.yaml."))
            continue
        source, problems = _read_goal_file(fence, f.real, where, "period", period=period, unit=unit)
        goals.periods[period][unit] = source
        goals.problems += problems


def _yaml_files(goals: Goals, fence: _Fence, folder: _Entry, display: str) -> list[_Entry]:
    """The .yaml files of a folder of the goals folder (its listing comes with whether each is a file:
    no stat of each of thousands)."""
    try:
        entries = fence.scan(folder.real)
    except OSError as exc:
        goals.problems.append(fence.unreadable(Location(display), exc, "folder"))
        return []
    files = []
    for entry in entries:
        name = entry.name
        where = _in_folder(display, name)
        if name.startswith(".") or not _fenced(goals, fence, entry, where) or entry.kind == "folder":
            continue
        if name.endswith(".yml"):
            goals.problems.append(error(Location(where), "load.yml-extension", f"Expected a .yaml file, got {name}",
                                        f"Rename it to {name[:-4]}.yaml."))
        elif name.endswith(".yaml"):
            files.append(entry)
    return files


# --- CSV series ------------------------------------------------------------------


def _load_csv_files(goals: Goals, fence: _Fence) -> None:
    """Read the CSV file named by each KPI's `data:`; the path must stay inside the goals folder."""
    for source in goals.kpis:
        kpis = source.data.get("kpis") if isinstance(source.data, dict) else None
        if not isinstance(kpis, list):
            continue
        for i, kpi in enumerate(kpis):
            ref = kpi.get("data") if isinstance(kpi, dict) else None
            if not isinstance(ref, str) or ref in goals.csv:
                continue
            where = source.at("kpis", i, "data")
            real, problem = _safe_data_path(fence, goals.root, ref, where)
            if problem:
                goals.problems.append(problem)
                continue
            series, problems = read_csv(fence, real, display_path(goals.root / ref))
            goals.problems += problems
            if series is not None:
                goals.csv[ref] = series


def _safe_data_path(fence: _Fence, root: Path, ref: str, where: Location) -> tuple[str | None, Problem | None]:
    """The resolved path of a `data:` reference; a problem when it leaves the goals folder or names nothing."""
    parts = Path(ref).parts
    if has_controls(ref):
        return None, _bad_name(where, ref)
    if not ref or Path(ref).is_absolute() or ".." in parts or "\\" in ref:
        bad = "a path that leaves the goals folder"
    elif (real := fence.find(root.joinpath(*parts))) is None:
        bad = "a path through a symbolic link that leads outside it"
    else:
        try:
            if S_ISREG(fence.stat(real).st_mode):
                return real, None
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError:
            return real, None  # read_csv() says what is wrong
        return None, error(where, "load.data-missing", f"Expected a CSV file at {ref} in the goals folder, got nothing there",
                           "Paths are relative to the goals folder: data: data/KPI-ID.csv.")
    return None, error(where, "load.data-outside", f"Expected a path inside the goals folder, got {bad}: {ref!r}",
                       "Put the CSV under goals/data/ and write data: data/NAME.csv.")


def read_csv(fence: _Fence, real: str, display: str) -> tuple[CsvSeries | None, list[Problem]]:
    """Read the `date,value` CSV file at a resolved path (see _Fence) into rows; values are checked by the model."""
    try:
        if fence.stat(real).st_size > MAX_FILE_BYTES:
            return None, [error(Location(display), "load.too-large",
                                f"Expected a CSV file under {MAX_FILE_BYTES // (1024 * 1024)} MB, got a larger one")]
        text = fence.read(real).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [error(Location(display), "load.encoding", "Expected UTF-8 text, got other bytes", "Save the file as UTF-8.")]
    except OSError as exc:
        return None, [fence.unreadable(Location(display), exc, "CSV file")]
    # newline="": a lone carriage return ends a line, as in the csv module's own files and in editors.
    reader = csv.reader(io.StringIO(text, newline=""))
    series = CsvSeries(display)
    try:
        header = next(reader, None)
        if [h.strip().lower() for h in header or []] != ["date", "value"]:
            return None, [error(Location(display, 1, 1), "load.csv-header",
                                f"Expected the header `date,value`, got {','.join(header or []) or 'an empty file'!r}",
                                "The first line of a metric CSV is exactly: date,value")]
        problems = []
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != 2:
                problems.append(error(Location(display, line, 1), "load.csv-row",
                                      f"Expected 2 columns (date,value), got {len(row)}"))
                continue
            series.rows.append((line, row[0].strip(), row[1].strip()))
    except csv.Error as exc:  # a field too large for the csv module, say
        return None, [error(Location(display, max(1, reader.line_num), 1), "load.csv-syntax",
                            f"Expected rows of date,value, got text the CSV reader stops at: {exc}",
                            "Each line holds a date, a comma and a number; quote nothing.")]
    return series, problems

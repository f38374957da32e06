"""Parsing: the bytes of one YAML goal file become located data (LocDict, LocList), or a Problem.

YAML is read from libyaml's event stream (the C parser when present), and values are built here
with an explicit stack rather than PyYAML's composer: libyaml's composer recurses in C and crashes
the interpreter on deeply nested input, and building from events lets us bound depth and alias
expansion (the limits below). Scalars follow YAML 1.2's core schema (scalars.py). A YAML syntax
error becomes a Problem at its mark.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import yaml
from yaml import events as ev
from yaml.events import ScalarEvent

from ..problems import Location, Problem, error
from .located import COLUMN_BITS, START, LocDict, LocList, Mark, Source, line_column
from .scalars import PlainScalars, resolve_plain, to_float

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

_TAG = "tag:yaml.org,2002:"


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
        return to_float(value) if kind == "float" else value
    raise _YamlTooBig(mark, "load.yaml-tag", f"Expected a value of type !!{kind}, got {event.value!r}",
                      "Remove the tag or fix the value.")



def _mark(m: Any) -> Mark:
    return (m.line + 1) << COLUMN_BITS | (m.column + 1)


def _build(text: str, scalars: PlainScalars) -> Any:
    """Build located data from YAML text; raises yaml.YAMLError or _YamlTooBig."""
    loader = _Loader(text)
    plain = scalars.resolve
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
                mark = (start.line + 1) << COLUMN_BITS | (start.column + 1)
                if event.tag is None and not event.style:  # plain: None from PyYAML, '' from libyaml
                    value = plain(event.value)
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
                key = sys.intern(event.value)  # the same few keys in every mapping: one str each
                if key in parent:
                    first = line_column(parent.key_mark(key))[0]
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


def parse_source(source: Source, raw: bytes, scalars: PlainScalars | None = None) -> tuple[Source, list[Problem]]:
    """Parse a goal file's bytes into `source.data`; (source, problems) instead of exceptions.

    `scalars` is the load's (one is made for this file without it).
    """
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
        source.data = _build(text, scalars or PlainScalars())
    except _YamlTooBig as exc:
        return source, [error(Location(display, *line_column(exc.mark)), exc.code, exc.message, exc.hint)]
    except yaml.YAMLError as exc:
        return source, [_yaml_problem(display, exc, text)]
    if not isinstance(source.data, LocDict):
        got = "an empty file" if source.data is None else f"a {_type_name(source.data)}"
        problem = error(Location(display, *line_column(getattr(source.data, "mark", START))), "load.not-a-mapping",
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
    """What a YAML value is, in the words of messages ("list", "mapping", "number", ...)."""
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


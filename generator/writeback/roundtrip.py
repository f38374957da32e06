"""ruamel.yaml's round trip as the commands use it: the file's own indentation, located nodes, added lines only."""

from __future__ import annotations

import difflib
import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .goalfile import split_layout
from ..problems import Location


def detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation of a YAML text, as `YAML.indent()` takes them.

    Mapping: the first key nested under a key. Offset: how far a `- ` sits inside its key.
    Defaults (2, 4, 2), the style of the example company's files.
    """
    mapping, offset = None, None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for above, line in zip(lines, lines[1:]):
        if not above.rstrip().endswith(":"):
            continue
        parent = len(above) - len(above.lstrip(" -"))
        inner = len(line) - len(line.lstrip(" "))
        if line.lstrip().startswith("- ") and offset is None:
            offset = max(0, inner - parent)
        elif not line.lstrip().startswith("- ") and mapping is None and inner > parent:
            mapping = inner - parent
    mapping = mapping or 2
    offset = 2 if offset is None else offset
    return mapping, offset + 2, offset


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never wrap a long line the user wrote on one
    mapping, sequence, offset = detect_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def load_rt(text: str):
    """(document, the YAML that dumps it back in the file's own style)."""
    yaml = _yaml(text)
    return yaml.load(text), yaml


def dump_rt(yaml: YAML, data) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _at(path: str, node, key=None) -> Location:
    """The 1-based location of a key (or of the node) of a ruamel mapping or sequence."""
    try:
        line, col = node.lc.key(key) if isinstance(node, CommentedMap) and key is not None else \
            node.lc.item(key) if key is not None else (node.lc.line, node.lc.col)
    except (AttributeError, KeyError, IndexError, TypeError):
        line, col = 0, 0
    return Location(path, line + 1, col + 1)


def only_additions(before: str, after: str, allowed: set[int] = frozenset()) -> bool:
    """True when `after` is `before` plus inserted lines (0-based lines in `allowed` may change)."""
    matcher = difflib.SequenceMatcher(None, _split(before, True), _split(after, True), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete") and not set(range(i1, i2)) <= allowed:
            return False
    return True


def added_lines(before: str, after: str) -> list[str]:
    """The lines `after` has that `before` has not (what an edit wrote), without line ends or BOM."""
    old, new = _split(split_layout(before)[0]), _split(split_layout(after)[0])
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [line for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace") for line in new[j1:j2]]


def _split(text: str, keepends: bool = False) -> list[str]:
    """The lines of an LF text (not `splitlines()`, which also breaks at U+2028 and other characters YAML keeps)."""
    lines = text.split("\n")
    if keepends:
        return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return lines[:-1] if lines[-1] == "" else lines

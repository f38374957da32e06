"""The text of a chart's figure in its slot: compact, deterministic JSON, safe inside an HTML attribute.

charts.py makes the figures (plain dicts); figures.py puts them on the pages, each as the
`data-figure='…'` attribute of a chart slot, written here. Goal text inside a figure is data
that assets/portal.js hands to plotly.js: here it is also kept from meaning anything to HTML,
Markdown or a template engine on its way there.

A render encodes millions of strings, most of them seen already (dates, ids, names, colours):
`FigureJson` is the encoder of one render, with a memo of the strings it encoded.
"""

from __future__ import annotations

import json
import re

from ..upstream.cpython import compact_json_encoder, encode_basestring_ascii as _encode_ascii

#: Characters that mean something to HTML, Markdown or its extensions, or to template engines
#: (the set of render.text.escape_text, less JSON's own `"` and backslash). Inside JSON strings they
#: are written as \uXXXX escapes, so the payload holds no `<`, `&`, `'`, `{{`, `javascript:` or `on…=`
#: from goal text, whatever later reads the page; JSON.parse gives the very same strings back.
JSON_UNSAFE_CHARS = "*_{}[]()#+!|<>~^=:$'@&`"
_JSON_UNSAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in JSON_UNSAFE_CHARS})
#: Whether a string holds one of them: most (dates, numbers, names) hold none, and a search is about
#: three times as fast as a translate() that changes nothing.
_JSON_UNSAFE_SEARCH = re.compile(f"[{re.escape(JSON_UNSAFE_CHARS)}]").search
_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')



def figure_json(figure: dict) -> str:
    """Compact, deterministic JSON of a figure, safe inside a single-quoted HTML attribute.

    A render encodes with its own FigureJson, which remembers the strings it encoded.
    """
    return FigureJson()(figure)


class FigureJson:
    """figure_json() for one render: the same text, with a memo of the strings it encoded (`strings`)."""

    def __init__(self, limit: int = 100_000) -> None:
        self.strings = EncodedStrings(limit)
        # The C encoder with a string encoder of ours: each string escaped as it is written. It calls
        # the memo's own `__getitem__`, a lookup in C; only a string not seen yet calls back into Python.
        self._encode = compact_json_encoder(self.strings.__getitem__)

    def __call__(self, figure: dict) -> str:
        if self._encode is None:  # pragma: no cover
            return figure_json_slow(figure)
        return self._encode(figure)


def figure_json_slow(figure: dict) -> str:
    """figure_json() with the json module alone: the text the fast encoder must write."""
    payload = json.dumps(figure, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _JSON_STRING_RE.sub(lambda m: m.group(0).translate(_JSON_UNSAFE), payload)


def _encode_string(text: str) -> str:
    encoded = _encode_ascii(text)
    return encoded if _JSON_UNSAFE_SEARCH(encoded) is None else encoded.translate(_JSON_UNSAFE)


class EncodedStrings(dict):
    """A memo of one render's encoded strings: text -> its JSON text.

    Emptied whenever it holds `limit` strings: then it learns the recurring ones again. Kept full, it
    held the one-off strings of the first figures (a large figure has many of its own), and in
    a large company nearly every later string missed.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, text: str) -> str:
        encoded = _encode_string(text)
        if len(self) >= self.limit:
            self.clear()
        self[text] = encoded
        return encoded

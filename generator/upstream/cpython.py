"""CPython's C JSON encoder, called directly with a string encoder of ours.

`json.encoder.c_make_encoder` is the accelerator behind `json.dumps`, not a documented API: it takes
nine positional arguments. Through it, each string of a figure is escaped as it is written
(render/figure_json.py): the same text as `json.dumps` followed by a pass over its result, but one
pass, in C, over a portal's millions of strings.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii
from typing import Any, Callable

try:  # any Python without the accelerator takes the json.dumps path of the caller
    from json.encoder import c_make_encoder as _c_make_encoder
except ImportError:  # pragma: no cover - depends on the Python
    _c_make_encoder = None

FITS = "CPython 3.10 to 3.13 (json.encoder.c_make_encoder's nine positional arguments)"
"""The Python versions this module fits, and what of CPython it relies on."""

__all__ = ["FITS", "compact_json_encoder", "encode_basestring_ascii"]


def compact_json_encoder(encode_string: Callable[[str], str]) -> Callable[[Any], str] | None:
    """A function that writes a value as compact JSON with sorted keys (no NaN), each string as
    `encode_string(text)` gives it (its JSON text, quotes included); None without the C encoder."""
    if _c_make_encoder is None:
        return None
    # markers, default, encoder, indent, key_separator, item_separator, sort_keys, skipkeys, allow_nan
    encoder = _c_make_encoder(None, None, encode_string, None, ":", ",", True, False, False)
    return lambda value: "".join(encoder(value, 0))

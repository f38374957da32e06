"""Scalars: how a plain (unquoted) YAML value is read, by YAML 1.2's core schema plus dates.

`owner: no` is the string "no"; a number written otherwise than Python prints it keeps its text
(WrittenInt, WrittenFloat), so that where text is expected the model reads what the user wrote.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from typing import Any

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

    def __reduce__(self) -> tuple:  # pickled through the prefetch's pipe; copied (its text is needed)
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


def to_float(value: int | float) -> float:
    """A `!!float` value: an integer beyond the float range is infinite, which the model rejects."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


class PlainScalars:
    """resolve_plain() for the files of one load, remembered for the texts that may be typed.

    Goal files repeat such texts endlessly (check-in dates, confidences, values), and every value they
    resolve to is immutable: each is resolved once per load. A short text is interned, as ids, owners
    and statuses recur across a company's files.
    """

    def __init__(self) -> None:
        self._typed: dict[str, Any] = {}

    def resolve(self, text: str) -> Any:
        """resolve_plain(text), remembered."""
        if text and text[0] not in _MAYBE_TYPED:
            return _intern(text) if len(text) <= _INTERN_CHARS else text
        typed = self._typed
        value = typed.get(text, _MISSING)
        if value is _MISSING:
            value = resolve_plain(text)
            if len(text) <= 40 and len(typed) < _TYPED_MAX:
                typed[text] = value
        return value


_TYPED_MAX = 100_000
"""How many typed texts a load remembers."""
_MISSING = object()
_intern = sys.intern  # freed with their last reference (the first releases of Python 3.12 kept them for good)
_INTERN_CHARS = 32
"""Plain texts up to this long are interned: ids, owners, statuses, units; not titles or notes."""

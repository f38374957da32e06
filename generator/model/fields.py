"""The field types of the goal format: scalars, their limits, and how each one is validated and described.

Each type is an `Annotated` pydantic type with a validator that says "Expected ..., got ..." in the
project's words (errors.py turns those into located Problems) and the JSON Schema an editor reads.
`StrictModel` is the base of every mapping of a goal file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..ids import PERIOD_PATTERN, PERIOD_RE, REF_PATTERN, REF_RE, SLUG_PATTERN, SLUG_RE
from ..load import _type_name

MAX_TEXT_CHARS = 500
"""Most characters of a one-line text: a title, a name, a label, a tag, a unit, a link, a check-in's
`blockers` and `next`, a KPI's `calculation` and `source`."""
MAX_MARKDOWN_CHARS = 20_000
"""Most characters of a Markdown text: a description, the company's mission, vision, purpose and
strategy, a check-in's `note`, a retrospective item. Longer text belongs in a linked document; the
bound also keeps the work of rendering one text small."""
DATE_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$(?!\n)"
"""A date YYYY-MM-DD in the JSON Schema (ECMA and Python read it alike, see ids.py); `format: date`
rejects the days a month lacks."""


# --- scalar types ------------------------------------------------------------------


def got(value: Any) -> str:
    """How a message names a value it got: text quoted, a mapping or a list by its kind, a number as written."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (dict, list)):
        return f"a {_type_name(value)}"
    if value is None:
        return "nothing"
    return f"{_type_name(value)} {plain_number(value)}"


def plain_number(value: Any) -> Any:
    """1.0 as 1: numbers are floats once validated, but the user wrote `weight: 0`, not 0.0."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(f"goalsite_{kind}", message, ctx or None)


def _written(value: Any) -> str | None:
    """A scalar as the user wrote it, where text is expected; None for what is no text (true, ~, a list).

    A number or a date is its text: `title: 2026` is "2026", `id: 007` is "007" (the loader keeps
    the text of a number Python would print otherwise, see load.WrittenInt).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if isinstance(value, (int, float)) else None


def _text(value: Any) -> str:
    text = _written(value)
    if text is None:
        raise _fail("text", "Expected text, got {got}", got=got(value))
    return text


def _text_of_at_most(limit: int):
    """A validator of text no longer than `limit` characters."""

    def check(value: Any) -> str:
        text = _text(value)
        if len(text) > limit:
            raise _fail("too_long", "Expected at most {limit} characters, got {got}", limit=f"{limit:,}", got=f"{len(text):,}")
        return text

    return check


def _slug(value: Any) -> str:
    text = _written(value)  # `id: 2026` is the id "2026"
    if text is None or not SLUG_RE.match(text):
        raise _fail("id", "Expected an id of lowercase letters, digits and dashes, got {got}", got=got(value))
    return text


MAX_MAGNITUDE = 1e15
"""Numbers beyond this are refused: no goal needs them, and sums of weights or
differences of bounds near the float limit overflow into silently wrong scores."""


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail("number", "Expected a number, got {got}", got=got(value))
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the range of floats (10**400): as good as infinite
        raise _fail("finite", "Expected a finite number, got {got}", got="a number too large to use") from None
    if not math.isfinite(number):
        raise _fail("finite", "Expected a finite number, got {got}", got=str(value))
    if abs(number) > MAX_MAGNITUDE:
        raise _fail("magnitude", "Expected a number between -10^15 and 10^15, got {got}", got=f"{number:g}")
    return number


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _fail("date", "Expected a date (YYYY-MM-DD), got a date and time {got}", got=str(value))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:  # a quoted date, "2026-10-05", is still a date
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _fail("date", "Expected a real calendar date, got {got}", got=repr(value)) from None
    raise _fail("date", "Expected a date (YYYY-MM-DD), got {got}", got=got(value))


def _whole(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("integer", "Expected a whole number, got {got}", got=got(value))
    return int(value)  # a plain int, not the loader's WrittenInt


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("bool", "Expected true or false, got {got}", got=got(value))
    return value


def _ref(value: Any) -> str:
    if not isinstance(value, str) or not REF_RE.match(value):
        raise _fail("ref", "Expected a reference UNIT/OBJECTIVE, UNIT/OBJECTIVE/KR or PERIOD:UNIT/OBJECTIVE[/KR], got {got}",
                    got=got(value))
    return value


def _period(value: Any) -> str:
    text = _written(value)  # `period: 2026` is the year 2026
    if text is None or not PERIOD_RE.match(text):
        raise _fail("period", "Expected a period id YYYY, YYYY-HN or YYYY-QN, got {got}", got=got(value))
    return text


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


# The JSON Schema of each type says what its validator accepts, as an editor reads YAML (1.2 core: no
# dates, `007` is the number 7): text may be written as a number; an id or a period as a whole number.
_MARKDOWN = "Markdown; raw HTML is not rendered"
Text = Annotated[str, BeforeValidator(_text_of_at_most(MAX_TEXT_CHARS)),
                 WithJsonSchema({"type": ["string", "number"], "maxLength": MAX_TEXT_CHARS})]
ShortMarkdown = Annotated[str, BeforeValidator(_text_of_at_most(MAX_TEXT_CHARS)),
                          WithJsonSchema({"type": ["string", "number"], "maxLength": MAX_TEXT_CHARS, "description": _MARKDOWN})]
Markdown = Annotated[str, BeforeValidator(_text_of_at_most(MAX_MARKDOWN_CHARS)),
                     WithJsonSchema({"type": ["string", "number"], "maxLength": MAX_MARKDOWN_CHARS, "description": _MARKDOWN})]
Slug = Annotated[str, BeforeValidator(_slug),
                 WithJsonSchema({"type": ["string", "integer"], "pattern": SLUG_PATTERN, "minimum": 0, "maximum": 10**63 - 1})]
# Not NaN: YAML's `.nan` reaches an editor's validator, where NaN passes every bound (each comparison is false),
# but cannot be at least 1 and at most -1 at once as a real number can.
_NOT_NAN = {"not": {"minimum": 1, "maximum": -1}}
Number = Annotated[float, BeforeValidator(_number),
                   WithJsonSchema({"type": "number", "minimum": -int(MAX_MAGNITUDE), "maximum": int(MAX_MAGNITUDE), **_NOT_NAN})]
Day = Annotated[dt.date, BeforeValidator(_day), WithJsonSchema({"type": "string", "pattern": DATE_PATTERN, "format": "date"})]
Whole = Annotated[int, BeforeValidator(_whole), WithJsonSchema({"type": "integer"})]
Flag = Annotated[bool, BeforeValidator(_flag), WithJsonSchema({"type": "boolean"})]
Ref = Annotated[str, BeforeValidator(_ref), WithJsonSchema({"type": "string", "pattern": REF_PATTERN})]
PeriodId = Annotated[str, BeforeValidator(_period),
                     WithJsonSchema({"type": ["string", "integer"], "pattern": PERIOD_PATTERN, "minimum": 1000, "maximum": 9999})]
Refs = Annotated[list[Ref], BeforeValidator(_one_or_many),
                 WithJsonSchema({"anyOf": [{"type": "string", "pattern": REF_PATTERN},
                                           {"type": "array", "items": {"type": "string", "pattern": REF_PATTERN}}]})]
Visibility = Literal["public", "private"]


class StrictModel(BaseModel):
    """A mapping of a goal file: unknown fields are errors, and the model is frozen once validated."""

    # No populate_by_name: `from_:` in a goal file must be an unknown field, not a synonym of `from:`.
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- rules across the fields of one mapping, as JSON Schema says them (checks.py says them for goalsite) ---

NULL = {"type": "null"}
SET = {"not": NULL}


def exactly_one_form(*forms: tuple[str, ...]) -> dict[str, Any]:
    """JSON Schema: the fields of exactly one form are set (not null); those of the other forms are absent or null."""
    fields = [name for form in forms for name in form]
    return {"oneOf": [{"required": list(form), "properties": {name: SET if name in form else NULL for name in fields}}
                      for form in forms]}
